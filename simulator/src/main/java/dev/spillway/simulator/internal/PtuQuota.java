package dev.spillway.simulator.internal;

import java.util.concurrent.TimeUnit;

/**
 * A provisioned (PTU) deployment's quota: a leaky bucket of capacity {@code R × 1 minute} (100 %
 * utilization) that drains continuously at the provisioned rate R. A request is admitted while
 * utilization is at most 100 % and adds prompt + {@code max_tokens}; the charge is corrected to the
 * actual cost when it completes; above 100 % requests are refused with the time until utilization
 * falls back to 100 %. Thread-safe (synchronized).
 */
final class PtuQuota implements Quota {
  private static final double MINUTE = TimeUnit.MINUTES.toNanos(1);

  private final long configuredTokensPerMinute;
  private double factor = 1.0;
  private double level;
  private long drainedAt;

  /**
   * Creates an empty bucket.
   *
   * @param tokensPerMinute the provisioned drain rate
   * @param now simulated nanoseconds
   */
  public PtuQuota(long tokensPerMinute, long now) {
    this.configuredTokensPerMinute = tokensPerMinute;
    this.drainedAt = now;
  }

  @Override
  public synchronized Admission admit(long now, long cost) {
    drain(now);
    double capacity = capacity();
    long limit = (long) capacity;
    boolean reduced = factor < 1.0;
    if (level > capacity) {
      long retry = (long) Math.ceil((level - capacity) / ratePerNano());
      return new Admission(
          Admission.Limit.UTILIZATION, retry, limit, 0, 0, 0, level / capacity, reduced);
    }
    level += cost;
    return new Admission(Admission.Limit.NONE, 0, limit, 0, 0, 0, level / capacity, reduced);
  }

  @Override
  public synchronized void settle(long now, long correction) {
    drain(now);
    level = Math.max(0, level + correction);
  }

  @Override
  public synchronized void limitFactor(long now, double factor) {
    drain(now);
    this.factor = factor;
  }

  @Override
  public synchronized double tokensPerMinute() {
    return capacity();
  }

  /**
   * Reads the utilization without charging anything.
   *
   * @param now simulated nanoseconds
   * @return bucket level ÷ capacity
   */
  public synchronized double utilization(long now) {
    drain(now);
    return level / capacity();
  }

  /**
   * Sets the utilization: the bucket level becomes {@code utilization} × capacity, as if that much
   * work were in flight, and drains from now on. Used to start a measurement at a saturated
   * deployment's steady state instead of filling the bucket first.
   *
   * @param now simulated nanoseconds
   * @param utilization the new bucket level ÷ capacity, at least 0
   */
  public synchronized void utilization(long now, double utilization) {
    drain(now);
    level = utilization * capacity();
  }

  private double capacity() {
    return configuredTokensPerMinute * factor;
  }

  private double ratePerNano() {
    return capacity() / MINUTE;
  }

  private void drain(long now) {
    if (now > drainedAt) {
      level = Math.max(0, level - (now - drainedAt) * ratePerNano());
      drainedAt = now;
    }
  }
}
