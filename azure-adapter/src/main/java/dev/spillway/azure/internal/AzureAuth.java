package dev.spillway.azure.internal;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import dev.spillway.pool.spi.AuthHeader;
import dev.spillway.pool.spi.BackendAuth;
import dev.spillway.spi.AttemptResponse;
import reactor.core.publisher.Mono;

/**
 * Sets one backend's authentication on an attempt's azure-core headers, replacing whatever the
 * SDK's pipeline put there (its placeholder {@code api-key}).
 */
final class AzureAuth {
  static final HttpHeaderName API_KEY = HttpHeaderName.fromString(AuthHeader.API_KEY);

  private AzureAuth() {}

  /** Sets the header now, fetching a token on this thread if needed; returns the header set. */
  static AuthHeader applySync(BackendAuth auth, HttpHeaders headers) {
    AuthHeader header = auth.header();
    set(headers, header);
    return header;
  }

  /** Sets the header without blocking; emits the header set. */
  static Mono<AuthHeader> apply(BackendAuth auth, HttpHeaders headers) {
    return Mono.fromFuture(auth::headerAsync).doOnNext(header -> set(headers, header));
  }

  /**
   * A 401 tells the backend's auth its header was refused; the response is marked when the auth now
   * holds another credential (a rotated key), so the engine fails over without the auth break.
   */
  static <R> Mono<AttemptResponse<R>> onRefused(
      BackendAuth auth, AuthHeader sent, AttemptResponse<R> response) {
    if (response.status() != 401) {
      return Mono.just(response);
    }
    return Mono.fromFuture(() -> auth.rejected(sent))
        .map(renewed -> renewed ? response.withRenewedCredential() : response);
  }

  /** {@link #onRefused} on the caller's thread. */
  static <R> AttemptResponse<R> onRefusedSync(
      BackendAuth auth, AuthHeader sent, AttemptResponse<R> response) {
    return response.status() == 401 && auth.rejected(sent).join()
        ? response.withRenewedCredential()
        : response;
  }

  private static void set(HttpHeaders headers, AuthHeader header) {
    headers.remove(API_KEY);
    headers.remove(HttpHeaderName.AUTHORIZATION);
    headers.set(HttpHeaderName.fromString(header.name()), header.value());
  }
}
