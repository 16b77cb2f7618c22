package dev.spillway.azure.internal;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.spillway.azure.EntraCredential;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import reactor.core.publisher.Mono;

/**
 * One backend's bearer token, fetched from its {@link TokenCredential} and reused until shortly
 * before it expires. Concurrent async callers share one fetch. Thread-safe.
 */
final class EntraTokenCache {
  /**
   * A token is refreshed this long before it expires (azure-core's own refresh offset), or at half
   * its lifetime when that is shorter, so a request never leaves with a token about to lapse.
   */
  static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

  private final TokenCredential credential;
  private final TokenRequestContext request =
      new TokenRequestContext().addScopes(EntraCredential.SCOPE);
  private volatile Cached cached;
  private Mono<String> refreshing; // guarded by this

  EntraTokenCache(TokenCredential credential) {
    this.credential = credential;
  }

  String tokenSync() {
    Cached c = cached;
    if (c != null && c.fresh()) {
      return c.token;
    }
    synchronized (this) {
      c = cached;
      if (c != null && c.fresh()) {
        return c.token;
      }
      return store(credential.getTokenSync(request)).token;
    }
  }

  Mono<String> token() {
    Cached c = cached;
    if (c != null && c.fresh()) {
      return Mono.just(c.token);
    }
    synchronized (this) {
      c = cached;
      if (c != null && c.fresh()) {
        return Mono.just(c.token);
      }
      if (refreshing == null) {
        Mono<String> fetch =
            credential
                .getToken(request)
                .map(token -> store(token).token)
                .doFinally(signal -> clearRefreshing())
                .cache();
        refreshing = fetch;
        return fetch;
      }
      return refreshing;
    }
  }

  private synchronized void clearRefreshing() {
    refreshing = null;
  }

  private Cached store(AccessToken token) {
    if (token == null || token.getToken() == null) {
      throw new IllegalStateException("the token credential returned no token");
    }
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    Duration lifetime = Duration.between(now, token.getExpiresAt());
    Duration margin =
        lifetime.dividedBy(2).compareTo(REFRESH_MARGIN) < 0
            ? lifetime.dividedBy(2)
            : REFRESH_MARGIN;
    Cached c = new Cached(token.getToken(), token.getExpiresAt().minus(margin));
    cached = c;
    return c;
  }

  private static final class Cached {
    final String token;
    final OffsetDateTime refreshAt;

    Cached(String token, OffsetDateTime refreshAt) {
      this.token = token;
      this.refreshAt = refreshAt;
    }

    boolean fresh() {
      return OffsetDateTime.now(ZoneOffset.UTC).isBefore(refreshAt);
    }

    @Override
    public String toString() {
      return "Token[***]";
    }
  }
}
