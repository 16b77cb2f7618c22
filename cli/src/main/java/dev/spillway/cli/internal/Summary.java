package dev.spillway.cli.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The totals of a run or demo.
 *
 * <p>Immutable and thread-safe.
 *
 * @param calls calls made
 * @param ok calls that succeeded
 * @param failed calls that failed
 * @param byBackend successful calls per answering backend, by backend id
 * @param backend429 attempts answered 429, over all calls
 * @param absorbed429 attempts answered 429 in calls that then succeeded elsewhere
 * @param p50 median latency of the successful calls, or {@code null} when none succeeded
 * @param p99 99th percentile latency of the successful calls, or {@code null}
 * @param inputTokens input tokens over all calls
 * @param outputTokens output tokens over all calls
 */
record Summary(
    int calls,
    int ok,
    int failed,
    SortedMap<String, Long> byBackend,
    long backend429,
    long absorbed429,
    Duration p50,
    Duration p99,
    long inputTokens,
    long outputTokens) {

  /** Copies the map. */
  Summary {
    byBackend = Collections.unmodifiableSortedMap(new TreeMap<>(byBackend));
  }

  /**
   * Prints the summary of {@code results} after the per-call lines: one JSON line, or a blank line
   * and the text report.
   *
   * @return the exit code: {@link Cli#OK} when every call succeeded, else {@link Cli#CALLS_FAILED}
   */
  static int print(Collection<CallResult> results, boolean json, PrintStream out) {
    Summary summary = of(results);
    if (json) {
      out.println(JsonLines.summary(summary));
    } else {
      out.println();
      TextReport.summary(summary).forEach(out::println);
    }
    out.flush();
    return summary.failed() == 0 ? Cli.OK : Cli.CALLS_FAILED;
  }

  /**
   * Adds up results.
   *
   * @param results the calls
   * @return the totals
   */
  static Summary of(Collection<CallResult> results) {
    SortedMap<String, Long> byBackend = new TreeMap<>();
    long throttled = 0;
    long absorbed = 0;
    long input = 0;
    long output = 0;
    int ok = 0;
    long[] latencies = new long[results.size()];
    for (CallResult result : results) {
      throttled += result.throttled();
      input += result.usage().inputTokens();
      output += result.usage().outputTokens();
      if (result.ok()) {
        absorbed += result.throttled();
        latencies[ok++] = result.latency().toNanos();
        if (result.backend() != null) {
          byBackend.merge(result.backend(), 1L, Long::sum);
        }
      }
    }
    Arrays.sort(latencies, 0, ok);
    return new Summary(
        results.size(),
        ok,
        results.size() - ok,
        byBackend,
        throttled,
        absorbed,
        percentile(latencies, ok, 50),
        percentile(latencies, ok, 99),
        input,
        output);
  }

  /**
   * The share of the successful calls each backend answered.
   *
   * @return fractions in [0, 1], by backend id
   */
  SortedMap<String, Double> shares() {
    SortedMap<String, Double> shares = new TreeMap<>();
    for (Map.Entry<String, Long> entry : byBackend.entrySet()) {
      shares.put(entry.getKey(), (double) entry.getValue() / ok);
    }
    return shares;
  }

  /** Nearest rank: the smallest value with at least {@code p} % of the values at or below it. */
  private static Duration percentile(long[] sorted, int count, int p) {
    if (count == 0) {
      return null;
    }
    int rank = (int) Math.ceil(p / 100.0 * count);
    return Duration.ofNanos(sorted[Math.max(rank, 1) - 1]);
  }
}
