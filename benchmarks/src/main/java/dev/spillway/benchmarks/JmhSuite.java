package dev.spillway.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the micro-benchmarks of docs/benchmark.md §2 programmatically (fork 1, short iterations) and
 * turns the results into report.json's {@code jmh} figures, each with its error: JMH's 99.9 % score
 * error for averages; for sample percentiles, half the spread of the per-iteration percentiles.
 */
final class JmhSuite {
  /**
   * The key under which a {@code --quick} run says why it has no loopback figures (their value is
   * the reason).
   */
  static final String LOOPBACK_SKIPPED = "loopback_skipped";

  /**
   * Why {@code --quick} leaves the loopback-HTTP calls to {@code --full}: with its warmup they
   * measured the JIT compiler of the call, the simulator and the HTTP stack, not the call, and they
   * do not fit its 6 minutes with a warmup that would.
   */
  static final String LOOPBACK_QUICK_REASON =
      "loopback HTTP calls run in --full only: after --quick's 3 x 0.3 s warmup their p50 was"
          + " 1.0-3.7 ms in five runs, against 0.17-0.33 ms per 3 000 calls once 18 000 had run";

  private JmhSuite() {}

  static Map<String, Object> run(BenchOptions options, PrintStream log) throws Exception {
    boolean full = options.mode().equals("full");
    Map<String, Object> out = new LinkedHashMap<>();

    log.println("JMH: select() and the plain pick, 1 thread, GC profiler");
    Collection<RunResult> single =
        new Runner(
                base(full)
                    .include(SelectBenchmark.class.getName() + "\\.(select|plainWeightedRandom)$")
                    .threads(1)
                    .addProfiler(GCProfiler.class)
                    .build())
            .run();
    RunResult select = find(single, "select");
    RunResult plain = find(single, "plainWeightedRandom");
    out.put("select_ns_op", round(select.getPrimaryResult().getScore()));
    out.put("select_ns_op_error", round(select.getPrimaryResult().getScoreError()));
    log.println("JMH: select(), 2 threads");
    RunResult select2 =
        find(
            new Runner(
                    base(full)
                        .include(SelectBenchmark.class.getName() + "\\.select$")
                        .threads(2)
                        .build())
                .run(),
            "select");
    out.put("select_ns_op_2threads", round(select2.getPrimaryResult().getScore()));
    out.put("select_ns_op_2threads_error", round(select2.getPrimaryResult().getScoreError()));
    Result<?> alloc = allocation(select);
    out.put("select_bytes_op", alloc == null ? null : round(alloc.getScore()));
    out.put("select_bytes_op_error", alloc == null ? null : round(alloc.getScoreError()));
    out.put("plain_pick_ns_op", round(plain.getPrimaryResult().getScore()));
    out.put("plain_pick_ns_op_error", round(plain.getPrimaryResult().getScoreError()));
    Result<?> plainAlloc = allocation(plain);
    out.put("plain_pick_bytes_op", plainAlloc == null ? null : round(plainAlloc.getScore()));

    log.println("JMH: whole call, plain vs Spillway vs Spillway + OpenTelemetry SDK, instant stub");
    Collection<RunResult> calls = pair(out, "", callBase(full), CallOverheadBenchmark.class);
    double[] p50Spillway = percentile(find(calls, CallOverheadBenchmark.class, "spillway"), 50);
    double[] p50Telemetry =
        percentile(find(calls, CallOverheadBenchmark.class, "spillwayTelemetry"), 50);
    out.put("telemetry_overhead_us", round(p50Telemetry[0] - p50Spillway[0]));
    out.put("telemetry_overhead_us_error", round(Math.hypot(p50Telemetry[1], p50Spillway[1])));
    out.put("spillway_telemetry_call_p50_us", round(p50Telemetry[0]));

    if (full) {
      log.println("JMH: whole call, plain vs Spillway, loopback HTTP to a zero-latency simulator");
      pair(out, "loopback_", base(true), LoopbackOverheadBenchmark.class);
    } else {
      out.put(LOOPBACK_SKIPPED, LOOPBACK_QUICK_REASON);
    }
    log.println(
        "JMH: whole call through openai-java, plain vs Spillway, instant stub"
            + (full ? " and loopback" : ""));
    pair(out, "openai_", callBase(full), OpenAiCallOverheadBenchmark.class);
    if (full) {
      pair(out, "openai_loopback_", base(true), OpenAiLoopbackOverheadBenchmark.class);
    }
    return out;
  }

  /**
   * Runs the methods of one call benchmark (a {@code plain} and a {@code spillway} call, perhaps
   * more) on one thread and puts the overhead figures of the pair, keys prefixed.
   */
  private static Collection<RunResult> pair(
      Map<String, Object> out, String prefix, ChainedOptionsBuilder options, Class<?> benchmark)
      throws RunnerException {
    Collection<RunResult> results =
        new Runner(options.include(benchmark.getName() + "\\.").threads(1).build()).run();
    overhead(out, prefix, find(results, benchmark, "plain"), find(results, benchmark, "spillway"));
    return results;
  }

  /** The overhead figures of one transport, keys prefixed (e.g. {@code loopback_}). */
  private static void overhead(
      Map<String, Object> out, String prefix, RunResult plainCall, RunResult spillwayCall) {
    double[] p50Plain = percentile(plainCall, 50);
    double[] p50Spillway = percentile(spillwayCall, 50);
    double[] p99Plain = percentile(plainCall, 99);
    double[] p99Spillway = percentile(spillwayCall, 99);
    out.put(prefix + "overhead_p50_us", round(p50Spillway[0] - p50Plain[0]));
    out.put(prefix + "overhead_p50_us_error", round(Math.hypot(p50Spillway[1], p50Plain[1])));
    out.put(prefix + "overhead_p99_us", round(p99Spillway[0] - p99Plain[0]));
    out.put(prefix + "overhead_p99_us_error", round(Math.hypot(p99Spillway[1], p99Plain[1])));
    out.put(prefix + "overhead_ratio", round(p50Spillway[0] / p50Plain[0]));
    out.put(
        prefix + "overhead_ratio_error",
        round(
            p50Spillway[0]
                / p50Plain[0]
                * Math.hypot(p50Spillway[1] / p50Spillway[0], p50Plain[1] / p50Plain[0])));
    out.put(prefix + "plain_call_p50_us", round(p50Plain[0]));
    out.put(prefix + "plain_call_p99_us", round(p99Plain[0]));
    out.put(prefix + "spillway_call_p50_us", round(p50Spillway[0]));
    out.put(prefix + "spillway_call_p99_us", round(p99Spillway[0]));
  }

  /**
   * The options of the instant-stub call benchmarks: in both modes, the full run's warmup (5 × 1 s)
   * instead of the quick 3 × 0.3 s. Measured on 2 cores, a call through either SDK is still being
   * compiled after 0.9 s: the plain Azure call's average falls from 391 µs in its first 0.5 s to
   * 8.0 µs after 4 s, the Spillway call's (more code to compile) from 832 µs to 11.3 µs after 5 s,
   * so the short warmup measured the JIT compiler, not the call. The same options apply to the
   * plain and the Spillway call of each SDK.
   */
  private static ChainedOptionsBuilder callBase(boolean full) {
    return base(full).warmupIterations(5).warmupTime(TimeValue.seconds(1));
  }

  private static ChainedOptionsBuilder base(boolean full) {
    return new OptionsBuilder()
        .forks(1)
        .warmupIterations(full ? 5 : 3)
        .warmupTime(TimeValue.milliseconds(full ? 1000 : 300))
        .measurementIterations(full ? 5 : 3)
        .measurementTime(TimeValue.milliseconds(full ? 2000 : 500))
        .jvmArgs("-Xms256m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error")
        .shouldFailOnError(true)
        .verbosity(VerboseMode.SILENT);
  }

  private static RunResult find(Collection<RunResult> results, String method) {
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      if (name.endsWith("." + method)) {
        return r;
      }
    }
    throw new IllegalStateException("JMH produced no result for " + method);
  }

  private static RunResult find(Collection<RunResult> results, Class<?> benchmark, String method) {
    for (RunResult r : results) {
      if (r.getParams().getBenchmark().equals(benchmark.getName() + "." + method)) {
        return r;
      }
    }
    throw new IllegalStateException("JMH produced no result for " + benchmark.getName() + method);
  }

  private static Result<?> allocation(RunResult r) {
    for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
      if (e.getKey().endsWith("gc.alloc.rate.norm")) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The percentile over all samples, and half the spread of the per-iteration percentiles. */
  private static double[] percentile(RunResult r, double p) {
    double all = r.getPrimaryResult().getStatistics().getPercentile(p);
    List<Double> perIteration = new ArrayList<>();
    for (BenchmarkResult b : r.getBenchmarkResults()) {
      for (IterationResult i : b.getIterationResults()) {
        perIteration.add(i.getPrimaryResult().getStatistics().getPercentile(p));
      }
    }
    double min = perIteration.stream().mapToDouble(Double::doubleValue).min().orElse(all);
    double max = perIteration.stream().mapToDouble(Double::doubleValue).max().orElse(all);
    return new double[] {all, (max - min) / 2};
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
