package dev.spillway.azure.internal;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import dev.spillway.Backend;
import dev.spillway.Credential;
import dev.spillway.azure.EntraCredential;
import reactor.core.publisher.Mono;

/**
 * Sets one backend's authentication on an attempt's headers, replacing whatever the SDK's pipeline
 * put there (its placeholder {@code api-key}). Thread-safe.
 */
public abstract class BackendAuth {
  static final HttpHeaderName API_KEY = HttpHeaderName.fromString("api-key");

  BackendAuth() {}

  /**
   * The authentication of {@code backend}'s credential.
   *
   * @param backend the backend
   * @return its authentication
   * @throws IllegalStateException naming the backend if the credential is of an unknown kind
   */
  public static BackendAuth of(Backend backend) {
    Credential credential = backend.credential();
    if (credential instanceof Credential.ApiKey key) {
      return new ApiKeyAuth(key);
    }
    if (credential instanceof EntraCredential entra) {
      return new EntraAuth(new EntraTokenCache(entra.tokenCredential()));
    }
    throw new IllegalStateException(
        "backend '"
            + backend.id()
            + "': credential kind '"
            + credential.kind()
            + "' is not supported by the Azure adapter; use Credential.apiKey or"
            + " EntraCredential");
  }

  /** Sets the headers, blocking for a token if one must be fetched. */
  abstract void applySync(HttpHeaders headers);

  /** Sets the headers when the credential is ready, without blocking. */
  abstract Mono<Void> apply(HttpHeaders headers);

  private static final class ApiKeyAuth extends BackendAuth {
    private final Credential.ApiKey key;

    ApiKeyAuth(Credential.ApiKey key) {
      this.key = key;
    }

    @Override
    void applySync(HttpHeaders headers) {
      headers.remove(HttpHeaderName.AUTHORIZATION);
      headers.set(API_KEY, key.currentKey());
    }

    @Override
    Mono<Void> apply(HttpHeaders headers) {
      return Mono.fromRunnable(() -> applySync(headers));
    }
  }

  private static final class EntraAuth extends BackendAuth {
    private final EntraTokenCache tokens;

    EntraAuth(EntraTokenCache tokens) {
      this.tokens = tokens;
    }

    @Override
    void applySync(HttpHeaders headers) {
      set(headers, tokens.tokenSync());
    }

    @Override
    Mono<Void> apply(HttpHeaders headers) {
      return tokens.token().doOnNext(token -> set(headers, token)).then();
    }

    private static void set(HttpHeaders headers, String token) {
      headers.remove(API_KEY);
      headers.set(HttpHeaderName.AUTHORIZATION, "Bearer " + token);
    }
  }
}
