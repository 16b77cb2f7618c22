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
 */
public record AttemptResponse<R>(int status, ResponseHeaders headers, String errorCode, R payload) {

  /** Validates the fields. */
  public AttemptResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be an HTTP status, was " + status);
    }
    Objects.requireNonNull(headers, "'headers' cannot be null.");
  }
}
