package dev.spillway.azure.internal;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import dev.spillway.pool.spi.AuthHeader;
import dev.spillway.pool.spi.BackendAuth;
import reactor.core.publisher.Mono;

/**
 * Sets one backend's authentication on an attempt's azure-core headers, replacing whatever the
 * SDK's pipeline put there (its placeholder {@code api-key}).
 */
final class AzureAuth {
  static final HttpHeaderName API_KEY = HttpHeaderName.fromString(AuthHeader.API_KEY);

  private AzureAuth() {}

  /** Sets the header now, fetching a token on this thread if needed. */
  static void applySync(BackendAuth auth, HttpHeaders headers) {
    set(headers, auth.header());
  }

  /** Sets the header without blocking. */
  static Mono<Void> apply(BackendAuth auth, HttpHeaders headers) {
    return Mono.fromFuture(auth::headerAsync).doOnNext(header -> set(headers, header)).then();
  }

  private static void set(HttpHeaders headers, AuthHeader header) {
    headers.remove(API_KEY);
    headers.remove(HttpHeaderName.AUTHORIZATION);
    headers.set(HttpHeaderName.fromString(header.name()), header.value());
  }
}
