package dev.spillway.benchmarks;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark command: {@code java -jar benchmarks/target/spillway-benchmarks.jar
 * --quick|--full}. Runs the scenarios × five clients against the in-process simulator (the overload
 * scenario also on a simulator counting a rolling TPM window; {@code long} and two repeats of
 * everything in {@code --full}; {@code mixed} with the {@code spillway} client only, after its
 * interactive-only baseline; {@code fleet} with its own three rows at F = 5), then the JMH
 * micro-benchmarks, and writes {@code report.json}, {@code report.md} and {@code report.html} to
 * {@code benchmarks/target/spillway-bench/} (relative to the current directory: run it from the
 * repository root) or {@code --out DIR}.
 */
public final class BenchmarkMain {
  /** The only client of {@code mixed}: the baselines have no consumers or priorities. */
  static final String MIXED_CLIENT = "spillway";

  /** Marks the plan step of {@code mixed}'s interactive-only baseline run. */
  private static final String INTERACTIVE_ONLY = "interactive-only";

  private BenchmarkMain() {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code --quick} (default) or {@code --full}; {@code --out DIR}, {@code --seed N},
   *     {@code --no-jmh}, {@code --jmh-only}, {@code --only scenario-or-client,...} (a partial run,
   *     for debugging), {@code --sliding-window} (only the overload scenario on the sliding-window
   *     simulator, every client), {@code --smoke} (the test suite's tiny run)
   * @throws Exception when the run fails
   */
  public static void main(String[] args) throws Exception {
    quietLogs();
    BenchOptions options = BenchOptions.quick();
    boolean loadTests = true;
    List<String> only = new java.util.ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" ->
            options = BenchOptions.quick().withOut(options.out()).withSeed(options.seed());
        case "--full" ->
            options = BenchOptions.full().withOut(options.out()).withSeed(options.seed());
        case "--out" -> options = options.withOut(Path.of(args[++i]));
        case "--seed" -> options = options.withSeed(Long.parseLong(args[++i]));
        case "--no-jmh" -> options = options.withJmh(false);
        case "--jmh-only" -> loadTests = false;
        case "--only" -> only.addAll(List.of(args[++i].split(",")));
        case "--sliding-window" -> only.add(Scenario.OVERLOAD_SLIDING_WINDOW.key());
        case "--smoke" -> options = BenchOptions.smoke(options.out());
        case "-h", "--help" -> {
          System.out.println(
              "usage: java -jar spillway-benchmarks.jar [--quick|--full] [--out DIR] [--seed N]"
                  + " [--no-jmh] [--jmh-only] [--sliding-window] [--only scenario-or-client,...]");
          return;
        }
        default ->
            throw new IllegalArgumentException("unknown argument '" + args[i] + "' (try --help)");
      }
    }
    long start = System.nanoTime();
    Report report = run(options, loadTests, only, System.out);
    report.write(options.out());
    System.out.println();
    System.out.println(report.summaryMarkdown());
    System.out.printf(
        "wrote %s/report.{json,md,html} in %.0f s%n",
        options.out(), (System.nanoTime() - start) / 1e9);
  }

  /** Runs what the options ask for and returns the report (not yet written). */
  static Report run(
      BenchOptions options, boolean loadTests, List<String> only, java.io.PrintStream log)
      throws Exception {
    Report report = new Report(options);
    if (loadTests) {
      LoadHarness harness = new LoadHarness(options);
      if (!options.mode().equals("smoke")) {
        warmUpJvm(options, log);
      }
      List<String[]> plan = new java.util.ArrayList<>();
      for (int repeat = 0; repeat < options.repeats(); repeat++) {
        for (Scenario scenario : Scenario.values()) {
          String why = whyNotRun(scenario, options, only);
          if (why != null) {
            report.notRun(scenario, why);
            continue;
          }
          for (String client : clientsOf(scenario)) {
            if (scenario == Scenario.MIXED && !client.equals(MIXED_CLIENT)) {
              continue; // the baselines have no consumers or priorities
            }
            if (client.equals(FleetClient.REDIS) && RedisLauncher.find() == null) {
              report.skipped(scenario, client, REDIS_MISSING);
              continue;
            }
            if (only.isEmpty() || only.contains(scenario.key()) || only.contains(client)) {
              if (scenario == Scenario.MIXED) {
                plan.add(new String[] {scenario.name(), client, INTERACTIVE_ONLY});
              }
              plan.add(new String[] {scenario.name(), client});
            }
          }
        }
      }
      // Each run's open calls are waited for while the next run goes: they are few and mostly idle.
      // Mixed's interactive-only baseline runs just before mixed and is reported inside its row.
      LoadHarness.Pending previous = null;
      RunResult[] baseline = new RunResult[1];
      long t0 = System.nanoTime();
      for (String[] step : plan) {
        LoadHarness.Pending next =
            harness.start(Scenario.valueOf(step[0]), step[1], step.length > 2);
        if (previous != null) {
          record(report, previous.finish(), options, log, t0, baseline);
        }
        previous = next;
      }
      if (previous != null) {
        record(report, previous.finish(), options, log, t0, baseline);
      }
    }
    if (options.jmh()) {
      report.jmh(JmhSuite.run(options, log));
    }
    return report;
  }

  /** Why the {@code spillway-redis} row of {@code fleet} is left out where Redis is missing. */
  static final String REDIS_MISSING =
      RedisLauncher.PROGRAM
          + " not found on the PATH: the row is skipped (install Redis to run it)";

  /** Why the smoke run of everything leaves {@code fleet} out. */
  static final String SMOKE_WITHOUT_FLEET =
      "not run: at its F = 5 it would triple the smoke run (FleetSmokeTest runs it alone,"
          + " --smoke --only fleet)";

  /** The clients a scenario runs: {@code fleet} its own rows, the others {@link Clients#KEYS}. */
  static List<String> clientsOf(Scenario scenario) {
    return scenario == Scenario.FLEET ? FleetClient.KEYS : Clients.KEYS;
  }

  /** Why a scenario is left out of this run, or null when it runs. */
  static String whyNotRun(Scenario scenario, BenchOptions options, List<String> only) {
    if (scenario.pendingReason() != null) {
      return "pending: " + scenario.pendingReason();
    }
    if (scenario == Scenario.FLEET && options.mode().equals("smoke") && !only.contains("fleet")) {
      return SMOKE_WITHOUT_FLEET;
    }
    if (scenario == Scenario.LONG && options.longSeconds() <= 0) {
      return "not run: --full only";
    }
    boolean byClient =
        only.stream().anyMatch(c -> Clients.KEYS.contains(c) || FleetClient.KEYS.contains(c));
    if (!only.isEmpty() && !only.contains(scenario.key()) && !byClient) {
      return "not run: left out by --only";
    }
    return null;
  }

  private static void record(
      Report report,
      RunResult result,
      BenchOptions options,
      java.io.PrintStream log,
      long t0,
      RunResult[] baseline) {
    if (result.interactiveOnly()) {
      baseline[0] = result;
      log.printf(
          "%-9s %-18s interactive-only baseline: calls=%d (at %.0f s)%n",
          result.scenario().key(),
          result.client(),
          result.records().size(),
          (System.nanoTime() - t0) / 1e9);
      return;
    }
    Map<String, Object> figures = Figures.of(result, options.p999());
    figures.putAll(result.extra());
    if (result.scenario() == Scenario.MIXED && baseline[0] != null) {
      Map<String, Object> mixed = Figures.mixed(result, baseline[0]);
      figures.putAll(mixed);
      baseline[0] = null;
      log.println("  mixed: " + mixed);
    }
    report.add(result, figures);
    log.printf(
        "%-9s %-18s calls=%-5s ok=%-5s 429=%-5s err=%-5s cap=%-6s p50=%-7s p99=%-7s (at %.0f s)%n",
        result.scenario().key(),
        result.client(),
        figures.get("calls"),
        figures.get("ok"),
        figures.get("errors_429"),
        figures.get("errors"),
        figures.get("goodput_fraction"),
        figures.get("latency_p50_ms"),
        figures.get("latency_p99_ms"),
        (System.nanoTime() - t0) / 1e9);
    if (result.scenario() == Scenario.FLEET) {
      log.println(
          "  fleet: probes_after_cooldown="
              + figures.get("probes_after_cooldown")
              + " by backend "
              + figures.get("probes_after_cooldown_by_backend")
              + " backend_429_by_backend="
              + figures.get("backend_429_by_backend")
              + (figures.containsKey("propagation_ms")
                  ? " propagation_ms="
                      + figures.get("propagation_ms")
                      + " added_latency_us="
                      + figures.get("added_latency_us")
                      + " failures="
                      + figures.get("added_latency_failures")
                  : ""));
    }
    if (System.getProperty("bench.debug") != null) {
      Map<String, Long> errs = new java.util.TreeMap<>();
      result
          .records()
          .forEach(
              r -> {
                if (r.error != null) {
                  errs.merge(r.error, 1L, Long::sum);
                }
              });
      long[] lag =
          result.records().stream()
              .mapToLong(r -> r.startedNanos - r.scheduledNanos)
              .sorted()
              .toArray();
      log.println(
          "  send lag ms p50=" + lag[lag.length / 2] / 1e6 + " max=" + lag[lag.length - 1] / 1e6);
      log.println(
          "  window capacity: "
              + result.windowStats().deployments().stream()
                  .map(d -> d.resource() + "=" + Math.round(d.capacityFraction() * 1000) / 1000.0)
                  .toList());
      log.println(
          "  errors: "
              + errs
              + " backends: "
              + result.finalStats().deployments().stream()
                  .map(
                      d ->
                          d.resource()
                              + " req="
                              + d.requests()
                              + " ok="
                              + d.succeeded()
                              + " 429="
                              + d.throttled()
                              + " fail="
                              + d.failed())
                  .toList());
    }
  }

  /**
   * Warms the JIT up on every client's code path (a short light run each, not reported), so the
   * first measured runs are not slower for being first.
   */
  static void warmUpJvm(BenchOptions options, java.io.PrintStream log) throws InterruptedException {
    BenchOptions warm =
        new BenchOptions(
            "warm-up",
            options.seed() + 1,
            options.timeScale(),
            0,
            false,
            Math.min(options.scenarioSeconds(), 10),
            0,
            1,
            false,
            false,
            options.out());
    LoadHarness harness = new LoadHarness(warm);
    long t0 = System.nanoTime();
    List<LoadHarness.Pending> pending = new java.util.ArrayList<>();
    for (String client : Clients.KEYS) {
      pending.add(harness.start(Scenario.LIGHT, client));
    }
    for (LoadHarness.Pending p : pending) {
      p.finish();
    }
    log.printf("JVM warm-up done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  /** The SDK and Netty log retries and closed connections; a benchmark prints only its results. */
  static void quietLogs() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    // The SDK logs every exhausted retry at ERROR; the report counts them.
    System.setProperty("org.slf4j.simpleLogger.log.com.azure", "off");
    System.setProperty("org.slf4j.simpleLogger.log.reactor", "off");
    System.setProperty("org.slf4j.simpleLogger.log.io.netty", "off");
  }

  static Map<String, Object> orderedMap() {
    return new LinkedHashMap<>();
  }

  static List<String> clientKeys() {
    return Clients.KEYS;
  }
}
