package dev.spillway;

import java.time.Duration;
import java.time.Instant;

/**
 * The pool ended a call without sending it to any backend (or, for a call that waited in its
 * priority's queue, without sending it again): a consumer's limit or model list, or the queue. SDK
 * adapters answer with the {@linkplain RejectionReason#status() status} of the {@link #reason()}
 * (429 with {@code Retry-After} when {@link #retryAfter()} is known, else 403). The quota has its
 * own subtype, {@link QuotaExceededException}.
 *
 * <p>Immutable once thrown.
 */
public class CallRejectedException extends SpillwayException {
  private static final long serialVersionUID = 1L;

  private final RejectionReason reason;
  private final String consumerId;
  private final Priority priority;
  private final Duration retryAfter;
  private final Instant retryAt;

  /**
   * Creates the exception.
   *
   * @param reason why
   * @param consumerId the consumer, or {@code null}
   * @param priority the call's priority
   * @param retryAfter when a retry can succeed, from now, or {@code null} when unknown
   * @param retryAt the same as an instant of the pool's clock, or {@code null}
   * @param detail what was exceeded, such as {@code tpm-limit 10000}
   */
  public CallRejectedException(
      RejectionReason reason,
      String consumerId,
      Priority priority,
      Duration retryAfter,
      Instant retryAt,
      String detail) {
    super(message(reason, consumerId, priority, retryAfter, detail));
    this.reason = reason;
    this.consumerId = consumerId;
    this.priority = priority;
    this.retryAfter = retryAfter;
    this.retryAt = retryAt;
  }

  private static String message(
      RejectionReason reason,
      String consumerId,
      Priority priority,
      Duration retryAfter,
      String detail) {
    StringBuilder s = new StringBuilder(reason.label()).append(": ");
    s.append(consumerId == null ? "call" : "consumer '" + consumerId + "'");
    s.append(" (").append(priority.configName()).append(')');
    if (detail != null) {
      s.append(", ").append(detail);
    }
    if (retryAfter != null) {
      s.append("; retry after ").append(retryAfter.toMillis()).append(" ms");
    }
    return s.toString();
  }

  /**
   * @return why the call was rejected
   */
  public RejectionReason reason() {
    return reason;
  }

  /**
   * @return the consumer, or {@code null} for a call that named none
   */
  public String consumerId() {
    return consumerId;
  }

  /**
   * @return the call's priority
   */
  public Priority priority() {
    return priority;
  }

  /**
   * @return how long until a retry can be admitted, or {@code null} when unknown
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  /**
   * @return the instant a retry can be admitted, by the pool's clock, or {@code null}
   */
  public Instant retryAt() {
    return retryAt;
  }
}
