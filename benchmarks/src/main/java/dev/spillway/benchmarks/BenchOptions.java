package dev.spillway.benchmarks;

import java.nio.file.Path;

/**
 * How a benchmark run is set up.
 *
 * @param mode {@code quick}, {@code full} or {@code smoke}
 * @param seed seed of arrivals, simulator and clients
 * @param timeScale F
 * @param warmupSeconds simulated seconds of warm-up at the scenario's steady rate before the window
 *     (whole quota minutes, so the window is aligned with the standard deployments' minute
 *     counters)
 * @param warmupSustainedOnly whether only the scenarios whose steady rate exceeds what the PTU
 *     deployments drain get the warm-up (light and burst start from empty PTU buckets, which is
 *     their steady state; the others need a minute to fill them)
 * @param scenarioSeconds simulated length of the measured window
 * @param p999 whether to report p99.9
 * @param jmh whether to run the micro-benchmarks
 * @param out the output directory
 */
record BenchOptions(
    String mode,
    long seed,
    double timeScale,
    double warmupSeconds,
    boolean warmupSustainedOnly,
    double scenarioSeconds,
    boolean p999,
    boolean jmh,
    Path out) {

  static final Path DEFAULT_OUT = Path.of("benchmarks", "target", "spillway-bench");

  static BenchOptions quick() {
    return new BenchOptions("quick", 42, 20, 60, true, 60, false, true, DEFAULT_OUT);
  }

  static BenchOptions full() {
    return new BenchOptions("full", 42, 20, 60, false, 420, true, true, DEFAULT_OUT);
  }

  /** A tiny run for the test suite: F = 60, short windows, no JMH. */
  static BenchOptions smoke(Path out) {
    return new BenchOptions("smoke", 42, 60, 3, true, 9, false, false, out);
  }

  /** Simulated seconds of warm-up before a scenario's window. */
  double warmupSeconds(Scenario scenario) {
    return !warmupSustainedOnly || scenario.baseRate() > Scenario.PTU_SHARE_OF_C
        ? warmupSeconds
        : 0;
  }

  BenchOptions withOut(Path dir) {
    return new BenchOptions(
        mode, seed, timeScale, warmupSeconds, warmupSustainedOnly, scenarioSeconds, p999, jmh, dir);
  }

  BenchOptions withSeed(long s) {
    return new BenchOptions(
        mode, s, timeScale, warmupSeconds, warmupSustainedOnly, scenarioSeconds, p999, jmh, out);
  }

  BenchOptions withJmh(boolean run) {
    return new BenchOptions(
        mode, seed, timeScale, warmupSeconds, warmupSustainedOnly, scenarioSeconds, p999, run, out);
  }
}
