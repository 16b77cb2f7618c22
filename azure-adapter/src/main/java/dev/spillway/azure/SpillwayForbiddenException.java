package dev.spillway.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpRequest;
import dev.spillway.CallRejectedException;
import dev.spillway.QuotaExceededException;
import dev.spillway.RejectionReason;
import dev.spillway.azure.internal.RefusedResponse;
import dev.spillway.pool.spi.RefusedReply;
import java.time.Duration;
import java.time.Instant;

/**
 * The pool refused the call for its consumer with an HTTP 403 and sent nothing, as API Management
 * does: the consumer's token quota for the period is spent ({@link RejectionReason#QUOTA_EXCEEDED}:
 * the cause is a {@link QuotaExceededException}, {@code Retry-After} and {@link #retryAfter()} give
 * the start of the next period) or the consumer may not use the model ({@link
 * RejectionReason#MODEL_NOT_ALLOWED}). The response carries the {@code x-spillway-rejection} header
 * naming the reason, and an Azure-style error body.
 *
 * <p>Immutable once thrown; safe to share between threads.
 */
public final class SpillwayForbiddenException extends HttpResponseException {
  private static final long serialVersionUID = 1L;

  private final RejectionReason reason;
  private final Duration retryAfter;
  private final Instant retryAt;

  /**
   * Creates the exception with a synthetic 403 response to {@code request}.
   *
   * @param request the SDK's request
   * @param cause the rejection
   * @throws IllegalArgumentException if the reason's status is not 403 (a rate limit or a queue:
   *     {@link SpillwayThrottledException})
   */
  public SpillwayForbiddenException(HttpRequest request, CallRejectedException cause) {
    super(
        cause.getMessage(),
        new RefusedResponse(request, RefusedReply.rejected(answered(cause))),
        cause);
    this.reason = cause.reason();
    this.retryAfter = cause.retryAfter();
    this.retryAt = cause.retryAt();
  }

  /**
   * @return why: {@link RejectionReason#QUOTA_EXCEEDED} or {@link
   *     RejectionReason#MODEL_NOT_ALLOWED}
   */
  public RejectionReason reason() {
    return reason;
  }

  /**
   * @return until the quota resets, or {@code null} when waiting does not help (a model list)
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  /**
   * @return when the quota resets (the start of the next period, by the pool's clock), or {@code
   *     null}
   */
  public Instant resetsAt() {
    return retryAt;
  }

  /**
   * @return the core rejection: a {@link QuotaExceededException} for a quota
   */
  @Override
  public synchronized CallRejectedException getCause() {
    return (CallRejectedException) super.getCause();
  }

  private static CallRejectedException answered(CallRejectedException cause) {
    if (cause.reason().status() != 403) {
      throw new IllegalArgumentException(
          "a '" + cause.reason().label() + "' rejection is answered 429, not 403", cause);
    }
    return cause;
  }
}
