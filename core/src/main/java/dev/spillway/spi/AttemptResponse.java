package dev.spillway.spi;

import java.util.Objects;

/**
 * What a transport got back for one attempt, at the time the response headers arrived.
 *
 * <p>Immutable.
 *
 * @param <R> the transport's response type, returned to the caller on success
 * @param status the HTTP status
 * @param headers the response headers
 * @param errorCode the {@code error.code} of an error body (such as {@code DeploymentNotFound} or
 *     {@code OperationNotSupported}), or {@code null}; the engine needs it to tell a misconfigured
 *     route from a caller error
 * @param payload the response to hand back to the caller
 * @param renewedCredential for a 401: whether the backend's credential was renewed since the
 *     attempt left (a rotated API key read again): the backend is not misconfigured, so the call
 *     fails over without opening the backend's circuit and the next attempt there carries the new
 *     credential. Ignored for any other status.
 */
public record AttemptResponse<R>(
    int status, ResponseHeaders headers, String errorCode, R payload, boolean renewedCredential) {

  /** Validates the fields. */
  public AttemptResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be an HTTP status, was " + status);
    }
    Objects.requireNonNull(headers, "'headers' cannot be null.");
  }

  /**
   * A response whose credential was not renewed: every response but a 401 to a rotated key.
   *
   * @param status the HTTP status
   * @param headers the response headers
   * @param errorCode the {@code error.code} of an error body, or {@code null}
   * @param payload the response to hand back to the caller
   */
  public AttemptResponse(int status, ResponseHeaders headers, String errorCode, R payload) {
    this(status, headers, errorCode, payload, false);
  }

  /**
   * This response, marked as a 401 to a credential renewed since the attempt left.
   *
   * @return the marked response
   */
  public AttemptResponse<R> withRenewedCredential() {
    return new AttemptResponse<>(status, headers, errorCode, payload, true);
  }
}
