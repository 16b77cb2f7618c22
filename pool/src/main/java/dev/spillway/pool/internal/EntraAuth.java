package dev.spillway.pool.internal;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.spillway.pool.Credential;
import dev.spillway.pool.spi.AuthHeader;
import dev.spillway.pool.spi.BackendAuth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One backend's Microsoft Entra ID bearer token, fetched from its {@link TokenCredential} and
 * reused until shortly before it expires, read against the pool's injected clock. Concurrent async
 * callers share one fetch; a sync caller fetches on its own thread. Thread-safe.
 *
 * <p>Why not azure-core's caches: {@code AccessTokenCache} is public only from azure-core 1.61 (the
 * Spring Boot 3.5 line runs 1.58, where it is an implementation class), and {@code
 * SimpleTokenCache}, public in both, holds a caller for up to 30 s when a token expired within its
 * refresh delay; neither takes a clock, so neither can be driven by a test's manual time.
 */
final class EntraAuth implements BackendAuth {
  /**
   * A token is refreshed this long before it expires (azure-core's own refresh offset), or at half
   * its lifetime when that is shorter, so a request never leaves with a token about to lapse.
   */
  static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

  private static final TokenRequestContext SCOPE =
      new TokenRequestContext().addScopes(Credential.ENTRA_SCOPE);

  private final TokenCredential credential;
  private final Clock clock;
  private final String source;
  private volatile Cached cached;
  private CompletableFuture<AuthHeader> refreshing; // guarded by this

  EntraAuth(TokenCredential credential, Clock clock) {
    this.credential = credential;
    this.clock = clock;
    this.source = credential.getClass().getSimpleName();
  }

  @Override
  public String kind() {
    return Credential.ENTRA;
  }

  @Override
  public AuthHeader header() {
    Cached c = cached;
    if (c != null && c.freshAt(clock.instant())) {
      return c.header;
    }
    synchronized (this) {
      c = cached;
      if (c != null && c.freshAt(clock.instant())) {
        return c.header;
      }
      return store(credential.getTokenSync(SCOPE)).header;
    }
  }

  @Override
  public CompletableFuture<AuthHeader> headerAsync() {
    Cached c = cached;
    if (c != null && c.freshAt(clock.instant())) {
      return CompletableFuture.completedFuture(c.header);
    }
    synchronized (this) {
      c = cached;
      if (c != null && c.freshAt(clock.instant())) {
        return CompletableFuture.completedFuture(c.header);
      }
      if (refreshing == null) {
        CompletableFuture<AuthHeader> fetch =
            credential.getToken(SCOPE).map(token -> store(token).header).toFuture();
        refreshing = fetch;
        fetch.whenComplete((header, error) -> clearRefreshing(fetch));
        return fetch;
      }
      return refreshing;
    }
  }

  private synchronized void clearRefreshing(CompletableFuture<AuthHeader> done) {
    if (refreshing == done) {
      refreshing = null;
    }
  }

  private Cached store(AccessToken token) {
    if (token == null || token.getToken() == null) {
      throw new IllegalStateException("the token credential returned no token");
    }
    Instant now = clock.instant();
    Instant expires = token.getExpiresAt().toInstant();
    Duration half = Duration.between(now, expires).dividedBy(2);
    Duration margin = half.compareTo(REFRESH_MARGIN) < 0 ? half : REFRESH_MARGIN;
    Cached c =
        new Cached(
            new AuthHeader(AuthHeader.AUTHORIZATION, "Bearer " + token.getToken()),
            expires.minus(margin));
    cached = c;
    return c;
  }

  @Override
  public String toString() {
    return "EntraAuth[" + source + "]";
  }

  private static final class Cached {
    final AuthHeader header;
    final Instant refreshAt;

    Cached(AuthHeader header, Instant refreshAt) {
      this.header = header;
      this.refreshAt = refreshAt;
    }

    boolean freshAt(Instant now) {
      return now.isBefore(refreshAt);
    }
  }
}
