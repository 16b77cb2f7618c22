package dev.spillway.pool;

import dev.spillway.PriorityPolicy;

/**
 * {@code spillway.priorities.*} of the configuration schema:
 *
 * <pre>{@code
 * spillway:
 *   priorities:
 *     interactive: { spill-after: 2s }
 *     batch: { max-tier: 0, reserve: 0.1, queue-capacity: 10000 }
 * }</pre>
 *
 * Immutable and thread-safe.
 *
 * @param interactive interactive calls ({@code null}: {@link PriorityPolicy#INTERACTIVE_DEFAULTS})
 * @param batch batch calls ({@code null}: {@link PriorityPolicy#BATCH_DEFAULTS})
 */
public record PrioritiesConfig(PriorityConfig interactive, PriorityConfig batch) {

  /** Both priorities at their defaults. */
  public static final PrioritiesConfig DEFAULTS = new PrioritiesConfig(null, null);

  /**
   * @return the interactive policy
   */
  public PriorityPolicy interactivePolicy() {
    return interactive == null
        ? PriorityPolicy.INTERACTIVE_DEFAULTS
        : interactive.toPolicy(PriorityPolicy.INTERACTIVE_DEFAULTS);
  }

  /**
   * @return the batch policy
   */
  public PriorityPolicy batchPolicy() {
    return batch == null
        ? PriorityPolicy.BATCH_DEFAULTS
        : batch.toPolicy(PriorityPolicy.BATCH_DEFAULTS);
  }
}
