package dev.spillway.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded open-loop Poisson arrivals (non-homogeneous, by thinning): the same seed and scenario give
 * the same schedule for every client.
 */
final class Arrivals {
  /**
   * Nominal capacity C: 760k admission tokens per minute ÷ 800 tokens per call (docs/benchmark.md
   * §1).
   */
  static final double NOMINAL_CALLS_PER_MINUTE = 760_000.0 / 800.0;

  private Arrivals() {}

  /**
   * Arrival instants, in simulated seconds from the start of the window.
   *
   * @param seed the run's seed
   * @param scenario the scenario (its rate profile)
   * @param fromSeconds first instant of the window (simulated s; negative for the warm-up)
   * @param seconds the window's simulated length
   * @param steady whether to use the scenario's steady base rate (warm-up) instead of its profile
   * @return sorted instants in [fromSeconds, fromSeconds + seconds)
   */
  static double[] schedule(
      long seed, Scenario scenario, double fromSeconds, double seconds, boolean steady) {
    SplittableRandom random =
        new SplittableRandom(seed * 31 + scenario.arrivals().ordinal() * 7919L + (steady ? 1 : 0));
    double peakPerSecond =
        (steady ? scenario.baseRate() : scenario.peakRate()) * NOMINAL_CALLS_PER_MINUTE / 60;
    double[] out = new double[(int) (peakPerSecond * seconds * 1.5) + 16];
    int n = 0;
    double t = 0;
    while (true) {
      t += -Math.log(1 - random.nextDouble()) / peakPerSecond;
      if (t >= seconds) {
        break;
      }
      double rate = steady ? scenario.baseRate() : scenario.rate(t);
      double accept = rate * NOMINAL_CALLS_PER_MINUTE / 60 / peakPerSecond;
      if (random.nextDouble() < accept) {
        if (n == out.length) {
          out = Arrays.copyOf(out, n * 2);
        }
        out[n++] = fromSeconds + t;
      }
    }
    return Arrays.copyOf(out, n);
  }

  /**
   * Steady Poisson arrivals of one stream of a scenario with several ({@code mixed}): the same seed
   * and stream give the same instants whatever the other streams are.
   *
   * @param seed the run's seed
   * @param stream the stream's number
   * @param rate the stream's rate, a multiple of C
   * @param fromSeconds first instant (simulated s; negative for the warm-up)
   * @param seconds the length, simulated s
   * @return sorted instants in [fromSeconds, fromSeconds + seconds)
   */
  static double[] stream(long seed, int stream, double rate, double fromSeconds, double seconds) {
    SplittableRandom random =
        new SplittableRandom(seed * 31 + 104_729L * (stream + 1) + (fromSeconds < 0 ? 1 : 0));
    double perSecond = rate * NOMINAL_CALLS_PER_MINUTE / 60;
    double[] out = new double[(int) (perSecond * seconds * 1.5) + 16];
    int n = 0;
    double t = -Math.log(1 - random.nextDouble()) / perSecond;
    while (t < seconds) {
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = fromSeconds + t;
      t += -Math.log(1 - random.nextDouble()) / perSecond;
    }
    return Arrays.copyOf(out, n);
  }
}
