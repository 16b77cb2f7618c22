package dev.spillway.simulator.internal;

/** The quota of one deployment, on simulated time. Implementations are thread-safe. */
public interface Quota {

  /**
   * Admits or refuses a request and, when admitted, charges its estimated cost.
   *
   * @param now simulated nanoseconds
   * @param cost prompt tokens + {@code max_tokens}
   * @return the decision and header values
   */
  Admission admit(long now, long cost);

  /**
   * Corrects an admitted request's charge once its actual cost is known (PTU only; standard quotas
   * charge the estimate for good).
   *
   * @param now simulated nanoseconds
   * @param correction actual cost − estimated cost (usually negative)
   */
  void settle(long now, long correction);

  /**
   * Applies a temporary limit reduction.
   *
   * @param now simulated nanoseconds
   * @param factor the fraction of the configured limit, in (0, 1]
   */
  void limitFactor(long now, double factor);

  /**
   * @return the effective capacity in tokens per simulated minute
   */
  double tokensPerMinute();
}
