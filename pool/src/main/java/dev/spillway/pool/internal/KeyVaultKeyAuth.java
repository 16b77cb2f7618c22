package dev.spillway.pool.internal;

import com.azure.core.exception.HttpResponseException;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import dev.spillway.pool.Credential;
import dev.spillway.pool.spi.AuthHeader;
import dev.spillway.pool.spi.BackendAuth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend's API key, read from an Azure Key Vault secret and kept in memory: read again when
 * the refresh interval has passed on the pool's injected clock, and at once when the backend
 * rejects the key (a 401, {@link #rejected}). Concurrent callers share one read of the vault.
 *
 * <p>A read that fails keeps the last good key, tries again after {@link #RETRY_AFTER_FAILURE} (or
 * the refresh interval when shorter), and logs one WARN per failure streak naming the vault and
 * secret, never the value. With no key yet, the attempt fails with an {@link IllegalStateException}
 * naming them. Thread-safe.
 */
final class KeyVaultKeyAuth implements BackendAuth {
  private static final Logger LOG = LoggerFactory.getLogger(KeyVaultKeyAuth.class);

  /**
   * After a failed read, the vault is asked again this long after, not on every attempt: an
   * unreachable vault would otherwise cost each attempt the client's own timeouts and retries.
   */
  static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

  private final VaultSecret secret;
  private final Clock clock;
  private volatile Cached cached;
  private CompletableFuture<Cached> reading; // guarded by this
  private boolean failing; // guarded by this: inside a failure streak, already logged

  KeyVaultKeyAuth(VaultSecret secret, Clock clock) {
    this.secret = secret;
    this.clock = clock;
  }

  /**
   * Starts the first read without waiting for it, so that the key is in memory before the first
   * attempt needs it: a cold vault connection (TLS, the token challenge) can take longer than an
   * attempt's timeout. A failure is handled as any read's: logged, retried by the next attempt.
   */
  void prefetch() {
    CompletableFuture<Cached> first = due(false);
    first.exceptionally(error -> null); // settle() logged it; the next attempt reads again
  }

  @Override
  public String kind() {
    return Credential.API_KEY;
  }

  @Override
  public AuthHeader header() {
    Cached c = cached;
    if (c != null && c.freshAt(clock.instant())) {
      return c.header();
    }
    try {
      return due(false).join().header();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @Override
  public CompletableFuture<AuthHeader> headerAsync() {
    Cached c = cached;
    if (c != null && c.freshAt(clock.instant())) {
      try {
        return CompletableFuture.completedFuture(c.header());
      } catch (IllegalStateException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return due(false).thenApply(Cached::header);
  }

  /**
   * Reads the secret at once: a 401 means the key the attempt carried is no longer the backend's.
   * Completes {@code true} when the key now held differs from {@code rejected} (a rotation: the
   * next attempt carries the new key), {@code false} when the vault still holds the rejected key or
   * could not be read. Never fails.
   */
  @Override
  public CompletableFuture<Boolean> rejected(AuthHeader rejected) {
    Cached c = cached;
    if (c != null && c.key != null && !c.key.value().equals(rejected.value())) {
      return CompletableFuture.completedFuture(true); // another attempt's 401 renewed it already
    }
    return renewal(rejected)
        .handle(
            (read, error) ->
                read != null && read.key != null && !read.key.value().equals(rejected.value()));
  }

  /**
   * The read that replaces {@code rejected}: none when the cached key already differs (a read that
   * ended since the caller looked, checked under the same lock that stores a read, so that callers
   * racing a read's end share it instead of starting another), else the read in flight, else a new
   * one.
   */
  private synchronized CompletableFuture<Cached> renewal(AuthHeader rejected) {
    Cached c = cached;
    if (c != null && c.key != null && !c.key.value().equals(rejected.value())) {
      return CompletableFuture.completedFuture(c);
    }
    return due(true);
  }

  /**
   * The key to use now: the cached one when still fresh (unless {@code force}), else the read in
   * flight, else a new read.
   */
  private synchronized CompletableFuture<Cached> due(boolean force) {
    Cached c = cached;
    if (!force && c != null && c.freshAt(clock.instant())) {
      return CompletableFuture.completedFuture(c);
    }
    if (reading == null) {
      CompletableFuture<Cached> read =
          secret
              .client()
              .getSecret(secret.name(), secret.version())
              .toFuture()
              .handle(this::settle);
      if (!read.isDone()) {
        reading = read;
        read.whenComplete((value, error) -> clearReading(read));
      }
      return read;
    }
    return reading;
  }

  private synchronized void clearReading(CompletableFuture<Cached> done) {
    if (reading == done) {
      reading = null;
    }
  }

  /** Stores a read value, or keeps the last good one after a failure. */
  private synchronized Cached settle(KeyVaultSecret read, Throwable error) {
    Instant now = clock.instant();
    String value = read == null ? null : read.getValue();
    if (error == null && value != null && !value.isBlank()) {
      if (failing) {
        LOG.info("Key Vault secret {}: read again after failures", secret.uri());
        failing = false;
      }
      Cached c =
          new Cached(
              new AuthHeader(AuthHeader.API_KEY, value), null, now.plus(secret.refreshInterval()));
      cached = c;
      return c;
    }
    String reason = error == null ? "the secret has no value" : reasonOf(error);
    Cached last = cached;
    boolean noKey = last == null || last.key == null;
    if (!failing) {
      failing = true;
      LOG.warn(
          "Key Vault secret {} (vault {}) could not be read: {}; {}",
          secret.uri(),
          secret.vaultUrl(),
          reason,
          noKey ? "the backend has no API key until it can" : "keeping the last good key");
    }
    Duration retry =
        RETRY_AFTER_FAILURE.compareTo(secret.refreshInterval()) < 0
            ? RETRY_AFTER_FAILURE
            : secret.refreshInterval();
    Cached kept =
        new Cached(
            noKey ? null : last.key,
            noKey ? "Key Vault secret " + secret.uri() + " could not be read: " + reason : null,
            now.plus(retry));
    cached = kept;
    return kept.checked();
  }

  /**
   * Why a read failed, in one line: the vault's status, or the error's type and message. A failed
   * read carries no secret value: Key Vault sends one only in a 200.
   */
  private static String reasonOf(Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof HttpResponseException http && http.getResponse() != null) {
      return "HTTP " + http.getResponse().getStatusCode();
    }
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    return (e.getClass().getSimpleName() + message).replaceAll("\\s+", " ");
  }

  @Override
  public String toString() {
    return "KeyVaultKeyAuth[" + secret.uri() + "]";
  }

  /** A key read (or, before any, why none could be), and when it is due to be read again. */
  private static final class Cached {
    final AuthHeader key;
    final String failure;
    final Instant refreshAt;

    Cached(AuthHeader key, String failure, Instant refreshAt) {
      this.key = key;
      this.failure = failure;
      this.refreshAt = refreshAt;
    }

    boolean freshAt(Instant now) {
      return now.isBefore(refreshAt);
    }

    /** The key, or the failure to read one as an exception naming the secret, not a value. */
    AuthHeader header() {
      checked();
      return key;
    }

    Cached checked() {
      if (key == null) {
        throw new IllegalStateException(failure);
      }
      return this;
    }
  }
}
