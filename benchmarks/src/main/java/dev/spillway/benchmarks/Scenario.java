package dev.spillway.benchmarks;

import java.util.Locale;

/**
 * The five load scenarios of docs/benchmark.md §1. Rates are multiples of the nominal capacity C;
 * times are simulated seconds from the start of the measured window.
 */
public enum Scenario {
  /** 0.4 C steady: everything fits on PTU. */
  LIGHT(0.4),
  /** 1.2 C steady. */
  OVERLOAD(1.2),
  /** 0.5 C with spikes to 1.5 C lasting one simulated second every ten simulated seconds. */
  BURST(0.5),
  /** 0.8 C; ptu-a refuses connections during the middle third, then comes back. */
  FAILURE(0.8),
  /** 0.9 C; paygo-1 latency ×10 during the middle third. */
  SLOWDOWN(0.9);

  /** Burst spikes: 1.5 C during [5 s, 6 s) of every 10 simulated seconds. */
  static final double BURST_PEAK = 1.5;

  static final double BURST_PERIOD_S = 10;
  static final double BURST_START_S = 5;
  static final double BURST_LENGTH_S = 1;

  /** What the PTU deployments drain, as a multiple of C: 400k of 760k tokens per minute. */
  static final double PTU_SHARE_OF_C = 400.0 / 760.0;

  private final double baseRate;

  Scenario(double baseRate) {
    this.baseRate = baseRate;
  }

  /**
   * @return the key used in report.json
   */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @return the steady rate, a multiple of C (also the warm-up rate)
   */
  public double baseRate() {
    return baseRate;
  }

  /**
   * The arrival rate at a simulated instant of the measured window.
   *
   * @param seconds simulated seconds since the window started
   * @return the rate as a multiple of C
   */
  public double rate(double seconds) {
    if (this == BURST) {
      double inPeriod = seconds % BURST_PERIOD_S;
      return inPeriod >= BURST_START_S && inPeriod < BURST_START_S + BURST_LENGTH_S
          ? BURST_PEAK
          : baseRate;
    }
    return baseRate;
  }

  /**
   * @return the highest rate of the scenario, for thinning
   */
  public double peakRate() {
    return this == BURST ? BURST_PEAK : baseRate;
  }

  /**
   * @return whether a fault is injected during the middle third
   */
  public boolean hasFault() {
    return this == FAILURE || this == SLOWDOWN;
  }
}
