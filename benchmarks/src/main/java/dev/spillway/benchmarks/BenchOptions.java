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
 *     counters); it settles the clients' own state, the PTU buckets are preset
 * @param warmupSustainedOnly whether only the scenarios whose steady rate exceeds what the PTU
 *     deployments drain get the warm-up (light, burst and slowdown-ptu start from empty PTU
 *     buckets, which is their steady state)
 * @param scenarioSeconds simulated length of the measured window
 * @param longSeconds simulated length of the {@code long} scenario's window; 0: not run
 * @param repeats how many times every scenario runs (the spread of the figures is reported)
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
    double longSeconds,
    int repeats,
    boolean p999,
    boolean jmh,
    Path out) {

  static final Path DEFAULT_OUT = Path.of("benchmarks", "target", "spillway-bench");

  static BenchOptions quick() {
    return new BenchOptions("quick", 42, 20, 60, true, 60, 0, 1, false, true, DEFAULT_OUT);
  }

  static BenchOptions full() {
    return new BenchOptions(
        "full", 42, 20, 60, true, 180, Scenario.LONG_WINDOW_S, 2, true, true, DEFAULT_OUT);
  }

  /** A tiny run for the test suite: F = 60, short windows, no JMH. */
  static BenchOptions smoke(Path out) {
    return new BenchOptions("smoke", 42, 60, 3, true, 9, 0, 1, false, false, out);
  }

  /**
   * F for one scenario: {@code fleet} runs at {@link Scenario#FLEET_TIME_SCALE} whatever the run's
   * F, since the store's propagation (milliseconds of wall time) does not scale with F.
   */
  double timeScale(Scenario scenario) {
    return scenario == Scenario.FLEET ? Scenario.FLEET_TIME_SCALE : timeScale;
  }

  /**
   * The fleet's own tiny run for the test suite ({@code FleetSmokeTest}): three simulated seconds
   * without warm-up; {@code fleet} runs at F = 5 whatever the options say, so it is too slow for
   * {@link #smoke}'s run of everything.
   */
  static BenchOptions smokeFleet(Path out) {
    return new BenchOptions("smoke", 42, 60, 0, true, 3, 0, 1, false, false, out);
  }

  /** Simulated seconds of warm-up before a scenario's window. */
  double warmupSeconds(Scenario scenario) {
    return !warmupSustainedOnly || scenario.saturatesPtu() ? warmupSeconds : 0;
  }

  BenchOptions withOut(Path dir) {
    return new BenchOptions(
        mode,
        seed,
        timeScale,
        warmupSeconds,
        warmupSustainedOnly,
        scenarioSeconds,
        longSeconds,
        repeats,
        p999,
        jmh,
        dir);
  }

  BenchOptions withSeed(long s) {
    return new BenchOptions(
        mode,
        s,
        timeScale,
        warmupSeconds,
        warmupSustainedOnly,
        scenarioSeconds,
        longSeconds,
        repeats,
        p999,
        jmh,
        out);
  }

  BenchOptions withJmh(boolean run) {
    return new BenchOptions(
        mode,
        seed,
        timeScale,
        warmupSeconds,
        warmupSustainedOnly,
        scenarioSeconds,
        longSeconds,
        repeats,
        p999,
        run,
        out);
  }
}
