package dev.spillway.pool;

import dev.spillway.PriorityPolicy;
import java.time.Duration;

/**
 * What calls of one priority may use: {@code spillway.priorities.interactive} or {@code
 * spillway.priorities.batch} of the configuration schema. A {@code null} field keeps the priority's
 * default ({@link PriorityPolicy#INTERACTIVE_DEFAULTS}, {@link PriorityPolicy#BATCH_DEFAULTS}).
 * Validated on construction; immutable and thread-safe.
 *
 * @param maxTier the highest tier (0 = PTU) the calls may use, {@code >= 0}
 * @param reserve the share of a PTU route's capacity the calls leave to others, in [0, 1)
 * @param queueCapacity calls of the priority that may wait for headroom at once, per model, {@code
 *     >= 0}
 * @param spillAfter how long the calls wait for a cooling tier 0 rather than spill, {@code >= 0}
 */
public record PriorityConfig(
    Integer maxTier, Double reserve, Integer queueCapacity, Duration spillAfter) {

  /**
   * Validates the values.
   *
   * @throws InvalidPropertyException naming the field ({@code max-tier}, {@code reserve}, {@code
   *     queue-capacity}, {@code spill-after}) when a value is invalid
   */
  public PriorityConfig {
    if (maxTier != null && maxTier < 0) {
      throw new InvalidPropertyException("max-tier", "max-tier must be >= 0, was " + maxTier);
    }
    if (reserve != null && !(reserve >= 0.0 && reserve < 1.0)) {
      throw new InvalidPropertyException("reserve", "reserve must be in [0, 1), was " + reserve);
    }
    if (queueCapacity != null && queueCapacity < 0) {
      throw new InvalidPropertyException(
          "queue-capacity", "queue-capacity must be >= 0, was " + queueCapacity);
    }
    if (spillAfter != null && spillAfter.isNegative()) {
      throw new InvalidPropertyException(
          "spill-after", "spill-after must be >= 0, was " + spillAfter);
    }
  }

  /**
   * The core policy: these values over the defaults.
   *
   * @param defaults the priority's defaults
   * @return the policy
   */
  public PriorityPolicy toPolicy(PriorityPolicy defaults) {
    return new PriorityPolicy(
        maxTier == null ? defaults.maxTier() : maxTier,
        reserve == null ? defaults.reserve() : reserve,
        queueCapacity == null ? defaults.queueCapacity() : queueCapacity,
        spillAfter == null ? defaults.spillAfter() : spillAfter);
  }
}
