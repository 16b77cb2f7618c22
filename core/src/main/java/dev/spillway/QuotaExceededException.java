package dev.spillway;

import java.time.Duration;
import java.time.Instant;

/**
 * The consumer's token quota for the current period is spent (or this call's estimated cost would
 * overspend it): nothing is sent until {@link #resetsAt()}. SDK adapters answer HTTP 403, as API
 * Management does for a quota.
 *
 * <p>Immutable once thrown.
 */
public final class QuotaExceededException extends CallRejectedException {
  private static final long serialVersionUID = 1L;

  private final long quota;
  private final long used;

  /**
   * Creates the exception.
   *
   * @param consumerId the consumer
   * @param priority the call's priority
   * @param quota the quota of the period, tokens
   * @param used tokens used or reserved in the period
   * @param period the period
   * @param untilReset from now to the reset
   * @param resetsAt when the next period starts
   */
  public QuotaExceededException(
      String consumerId,
      Priority priority,
      long quota,
      long used,
      QuotaPeriod period,
      Duration untilReset,
      Instant resetsAt) {
    super(
        RejectionReason.QUOTA_EXCEEDED,
        consumerId,
        priority,
        untilReset,
        resetsAt,
        "token-quota "
            + quota
            + " per "
            + period.configName()
            + ", "
            + used
            + " used; resets at "
            + resetsAt);
    this.quota = quota;
    this.used = used;
  }

  /**
   * @return when the quota resets: the start of the next period
   */
  public Instant resetsAt() {
    return retryAt();
  }

  /**
   * @return the quota of the period, tokens
   */
  public long quota() {
    return quota;
  }

  /**
   * @return tokens used or held by calls in flight in the period when the call was refused
   */
  public long used() {
    return used;
  }
}
