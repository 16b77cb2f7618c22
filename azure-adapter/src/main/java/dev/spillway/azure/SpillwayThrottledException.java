package dev.spillway.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpRequest;
import dev.spillway.NoBackendAvailableException;
import dev.spillway.azure.internal.ThrottledResponse;
import java.time.Duration;

/**
 * Every route of the call's model was cooling down (or otherwise unavailable) until after the
 * call's deadline, so nothing was sent. Surfaces as an HTTP 429 whose {@code Retry-After} (seconds,
 * rounded up) and {@code retry-after-ms} headers give the earliest recovery, so code that already
 * handles the service's 429s keeps working. The cause is the core {@link
 * NoBackendAvailableException} with the state of every route.
 *
 * <p>When some attempt did get an HTTP response, the caller gets the SDK's usual exception for that
 * last response instead.
 *
 * <p>Immutable once thrown; safe to share between threads.
 */
public final class SpillwayThrottledException extends HttpResponseException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  /**
   * Creates the exception with a synthetic 429 response to {@code request}.
   *
   * @param request the SDK's request
   * @param cause why no route was available; its {@code retryAfter()} must not be {@code null}
   */
  public SpillwayThrottledException(HttpRequest request, NoBackendAvailableException cause) {
    super(
        cause.getMessage(),
        new ThrottledResponse(request, cause.retryAfter(), cause.model()),
        cause);
    this.retryAfter = cause.retryAfter();
  }

  /**
   * How long until the earliest route becomes available.
   *
   * @return the duration
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  /**
   * @return the core exception, with every route's state
   */
  @Override
  public synchronized NoBackendAvailableException getCause() {
    return (NoBackendAvailableException) super.getCause();
  }
}
