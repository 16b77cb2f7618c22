package dev.spillway;

import java.util.Locale;

/**
 * How a call ranks when capacity is short (docs/design.md "Consumers and priorities").
 *
 * <p>A call's priority is the one it carries ({@code CallRequest.Builder.priority}), else its
 * consumer's configured one, else {@link #INTERACTIVE}.
 */
public enum Priority {
  /** May use every tier; served first when calls wait for headroom. The default. */
  INTERACTIVE,

  /**
   * May use tiers up to {@link PriorityPolicy#maxTier()} (default tier 0 only, so it never pays for
   * PAYG), leaves the last {@link PriorityPolicy#reserve()} of a PTU route's headroom to
   * interactive calls, and waits in a bounded queue, within its deadline, when no allowed route is
   * available.
   */
  BATCH;

  /**
   * @return the name in configuration: {@code interactive} or {@code batch}
   */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a configured priority.
   *
   * @param name {@code interactive} or {@code batch}, any case
   * @return the priority
   * @throws IllegalArgumentException naming the accepted values when {@code name} is neither
   */
  public static Priority of(String name) {
    for (Priority p : values()) {
      if (p.configName().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "priority must be 'interactive' or 'batch', was '" + name + "'");
  }
}
