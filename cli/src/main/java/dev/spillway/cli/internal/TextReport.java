package dev.spillway.cli.internal;

import dev.spillway.AttemptRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The human-readable output of {@code run} and {@code demo}. Thread-safe (stateless). */
final class TextReport {
  private TextReport() {}

  /**
   * One line per call, such as {@code call 1 ok 200 eastus-paygo 41.2 ms sweden-ptu 429 (cool-down
   * 2000 ms) > eastus-paygo 200 12+40 tokens}.
   *
   * @param result the call
   * @return the line
   */
  static String call(CallResult result) {
    String attempts =
        result.attempts().stream().map(TextReport::attempt).collect(Collectors.joining(" > "));
    String line =
        String.format(
            Locale.ROOT,
            "call %d  %s  %s  %s  %s  %s  %d+%d tokens",
            result.call(),
            result.ok() ? "ok" : "FAILED",
            result.status() == null ? "---" : result.status(),
            result.backend() == null ? "-" : result.backend(),
            millis(result.latency()),
            attempts.isEmpty() ? "no attempt" : attempts,
            result.usage().inputTokens(),
            result.usage().outputTokens());
    return result.error() == null ? line : line + "  error: " + result.error();
  }

  /**
   * The summary block.
   *
   * @param summary the totals
   * @return the lines
   */
  static List<String> summary(Summary summary) {
    List<String> lines = new ArrayList<>();
    int width =
        Math.max(
            "backend".length(),
            summary.byBackend().keySet().stream().mapToInt(String::length).max().orElse(0));
    lines.add(
        String.format(Locale.ROOT, "%-" + width + "s  %7s  %6s", "backend", "calls", "share"));
    for (Map.Entry<String, Double> share : summary.shares().entrySet()) {
      lines.add(
          String.format(
              Locale.ROOT,
              "%-" + width + "s  %,7d  %5.1f%%",
              share.getKey(),
              summary.byBackend().get(share.getKey()),
              share.getValue() * 100));
    }
    lines.add("");
    lines.add(
        String.format(
            Locale.ROOT,
            "calls          %,d: %,d ok, %,d failed",
            summary.calls(),
            summary.ok(),
            summary.failed()));
    lines.add("latency        p50 " + millis(summary.p50()) + ", p99 " + millis(summary.p99()));
    lines.add(
        String.format(
            Locale.ROOT,
            "tokens         %,d in, %,d out",
            summary.inputTokens(),
            summary.outputTokens()));
    lines.add(
        String.format(
            Locale.ROOT,
            "429s absorbed  %,d (of %,d answered 429)",
            summary.absorbed429(),
            summary.backend429()));
    return lines;
  }

  /**
   * A duration in milliseconds with one decimal.
   *
   * @param duration the duration, or {@code null}
   * @return for example {@code 41.2 ms}, or {@code -} for {@code null}
   */
  static String millis(Duration duration) {
    return duration == null
        ? "-"
        : String.format(Locale.ROOT, "%.1f ms", JsonLines.millis(duration));
  }

  private static String attempt(AttemptRecord attempt) {
    StringBuilder text =
        new StringBuilder(attempt.backendId())
            .append(' ')
            .append(attempt.status() != null ? attempt.status().toString() : attempt.errorType());
    if (attempt.coolDown() != null) {
      text.append(" (cool-down ").append(attempt.coolDown().toMillis()).append(" ms)");
    }
    return text.toString();
  }
}
