package dev.spillway;

import java.time.Duration;
import java.util.Objects;

/**
 * What calls of one {@link Priority} may use, and how they wait (docs/design.md "Consumers and
 * priorities"). Immutable and thread-safe.
 *
 * @param maxTier the highest tier (0 = PTU) the calls may use
 * @param reserve the share of a PTU route's headroom, in [0, 1), these calls leave to others: a
 *     route whose headroom after the call would fall below {@code reserve} × its capacity is not
 *     available to them
 * @param queueCapacity how many calls of this priority may wait for headroom at once (per model);
 *     one more is rejected with {@link RejectionReason#QUEUE_FULL}
 * @param spillAfter when tier 0 is cooling but returns within this time, wait for it instead of
 *     spilling to a lower tier ({@link Duration#ZERO}: spill at once)
 */
public record PriorityPolicy(int maxTier, double reserve, int queueCapacity, Duration spillAfter) {

  /**
   * Interactive calls by default: every tier, no reserve, 1000 waiters per model, no spill delay
   * (the lowest latency is the next free route, whatever its tier).
   */
  public static final PriorityPolicy INTERACTIVE_DEFAULTS =
      new PriorityPolicy(Integer.MAX_VALUE, 0.0, 1000, Duration.ZERO);

  /**
   * Batch calls by default: tier 0 only (batch never pays for PAYG), 10 % of each PTU route's
   * headroom left to interactive calls, 10 000 waiters per model (batch work queues rather than
   * fails), no spill delay.
   */
  public static final PriorityPolicy BATCH_DEFAULTS =
      new PriorityPolicy(0, 0.10, 10_000, Duration.ZERO);

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the field when a value is invalid
   */
  public PriorityPolicy {
    if (maxTier < 0) {
      throw new IllegalArgumentException("max-tier must be >= 0, was " + maxTier);
    }
    if (!(reserve >= 0.0 && reserve < 1.0)) {
      throw new IllegalArgumentException("reserve must be in [0, 1), was " + reserve);
    }
    if (queueCapacity < 0) {
      throw new IllegalArgumentException("queue-capacity must be >= 0, was " + queueCapacity);
    }
    Objects.requireNonNull(spillAfter, "'spillAfter' cannot be null.");
    if (spillAfter.isNegative()) {
      throw new IllegalArgumentException("spill-after must be >= 0, was " + spillAfter);
    }
  }
}
