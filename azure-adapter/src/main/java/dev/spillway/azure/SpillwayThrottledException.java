package dev.spillway.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpRequest;
import dev.spillway.CallRejectedException;
import dev.spillway.NoBackendAvailableException;
import dev.spillway.RejectionReason;
import dev.spillway.SpillwayException;
import dev.spillway.azure.internal.RefusedResponse;
import dev.spillway.pool.spi.RefusedReply;
import java.time.Duration;

/**
 * The pool answered the call itself with an HTTP 429 and sent nothing, so code that already handles
 * the service's 429s keeps working. {@code Retry-After} (seconds, rounded up) and {@code
 * retry-after-ms} give when a retry can succeed, where that is known. Two causes:
 *
 * <ul>
 *   <li>every route of the call's model was cooling down (or otherwise unavailable) until after the
 *       call's deadline: the cause is the core {@link NoBackendAvailableException} with the state
 *       of every route, {@link #reason()} is {@code null};
 *   <li>the pool rejected the call: its consumer is over a {@code tpm-limit} or {@code rpm-limit}
 *       ({@link RejectionReason#CONSUMER_LIMIT}), or a batch call found its priority's queue full
 *       or waited until its deadline; the cause is the core {@link CallRejectedException} and the
 *       response carries the {@code x-spillway-rejection} header naming the reason.
 * </ul>
 *
 * <p>When some attempt did get an HTTP response, the caller gets the SDK's usual exception for that
 * last response instead.
 *
 * <p>Immutable once thrown; safe to share between threads.
 */
public final class SpillwayThrottledException extends HttpResponseException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;
  private final RejectionReason reason;

  /**
   * Creates the exception for a call that found every route cooling, with a synthetic 429 response
   * to {@code request}.
   *
   * @param request the SDK's request
   * @param cause why no route was available; its {@code retryAfter()} must not be {@code null}
   */
  public SpillwayThrottledException(HttpRequest request, NoBackendAvailableException cause) {
    super(
        cause.getMessage(),
        new RefusedResponse(request, RefusedReply.cooling(cause.retryAfter(), cause.model())),
        cause);
    this.retryAfter = cause.retryAfter();
    this.reason = null;
  }

  /**
   * Creates the exception for a call the pool rejected with a 429, with a synthetic response to
   * {@code request}.
   *
   * @param request the SDK's request
   * @param cause the rejection
   * @throws IllegalArgumentException if the reason's status is not 429 (a quota or a model list:
   *     {@link SpillwayForbiddenException})
   */
  public SpillwayThrottledException(HttpRequest request, CallRejectedException cause) {
    super(
        cause.getMessage(),
        new RefusedResponse(request, RefusedReply.rejected(answered(cause))),
        cause);
    this.retryAfter = cause.retryAfter();
    this.reason = cause.reason();
  }

  /**
   * How long until a retry can succeed: the earliest route's recovery, or when the consumer has
   * room again.
   *
   * @return the duration, or {@code null} when unknown (a full queue with no route's recovery
   *     known)
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  /**
   * @return why the pool rejected the call, or {@code null} when every route was cooling
   */
  public RejectionReason reason() {
    return reason;
  }

  /**
   * @return the core exception: a {@link NoBackendAvailableException} with every route's state, or
   *     a {@link CallRejectedException}
   */
  @Override
  public synchronized SpillwayException getCause() {
    return (SpillwayException) super.getCause();
  }

  private static CallRejectedException answered(CallRejectedException cause) {
    if (cause.reason().status() != 429) {
      throw new IllegalArgumentException(
          "a '" + cause.reason().label() + "' rejection is answered 403, not 429", cause);
    }
    return cause;
  }
}
