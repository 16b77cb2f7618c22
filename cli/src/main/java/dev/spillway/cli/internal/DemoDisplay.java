package dev.spillway.cli.internal;

import dev.spillway.BackendSnapshot;
import dev.spillway.CircuitState;
import dev.spillway.PoolSnapshot;
import dev.spillway.RouteSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the demo shows while it runs: a table of the backends redrawn in place on a terminal, or one
 * plain line at a time otherwise. Thread-safe (stateless).
 */
final class DemoDisplay {
  private static final int BAR_WIDTH = 30;

  private DemoDisplay() {}

  /**
   * The progress of the run.
   *
   * @param elapsed time since the load started
   * @param length the run's length
   * @param calls calls ended so far
   * @param failed of which failed
   */
  record Progress(Duration elapsed, Duration length, int calls, int failed) {}

  /**
   * The table: one row per backend with its tier, state, calls served, 429s, latency estimate and
   * tokens, then a progress bar.
   *
   * @param snapshot the pool now
   * @param model the model whose routes are shown
   * @param progress the run's progress
   * @return the lines
   */
  static List<String> table(PoolSnapshot snapshot, String model, Progress progress) {
    int width = snapshot.backends().stream().mapToInt(b -> b.id().length()).max().orElse(0);
    String row = "%-" + width + "s  %4s  %-14s  %7s  %5s  %8s  %9s";
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT, row, "backend", "tier", "state", "calls", "429s", "ewma", "tokens"));
    for (BackendSnapshot backend : snapshot.backends()) {
      RouteSnapshot route = backend.route(model);
      lines.add(
          String.format(
              Locale.ROOT,
              row,
              backend.id(),
              backend.tier(),
              state(backend, route, snapshot.takenAt()),
              count(route.successes()),
              count(route.throttled()),
              latency(route.peakEwma()),
              count(route.inputTokens() + route.outputTokens())));
    }
    double done =
        Math.min(
            1, (double) progress.elapsed().toMillis() / Math.max(1, progress.length().toMillis()));
    int filled = (int) Math.round(done * BAR_WIDTH);
    lines.add("");
    lines.add(
        String.format(
            Locale.ROOT,
            "[%s%s] %2d/%d s   %s calls, %d failed",
            "#".repeat(filled),
            "-".repeat(BAR_WIDTH - filled),
            Math.min(progress.elapsed().toSeconds(), progress.length().toSeconds()),
            progress.length().toSeconds(),
            count(progress.calls()),
            progress.failed()));
    return lines;
  }

  /**
   * One plain line: progress, then the calls each backend served.
   *
   * @param snapshot the pool now
   * @param model the model whose routes are shown
   * @param progress the run's progress
   * @return the line
   */
  static String line(PoolSnapshot snapshot, String model, Progress progress) {
    String served =
        snapshot.backends().stream()
            .map(b -> b.id() + " " + b.route(model).successes())
            .collect(Collectors.joining(", "));
    long throttled = snapshot.backends().stream().mapToLong(b -> b.route(model).throttled()).sum();
    return String.format(
        Locale.ROOT,
        "[%2d/%d s] %s calls, %d failed; served: %s; 429s: %d",
        Math.min(progress.elapsed().toSeconds(), progress.length().toSeconds()),
        progress.length().toSeconds(),
        count(progress.calls()),
        progress.failed(),
        served,
        throttled);
  }

  private static String state(BackendSnapshot backend, RouteSnapshot route, Instant now) {
    if (backend.circuit() == CircuitState.OPEN) {
      return "circuit open";
    }
    switch (route.state()) {
      case AVAILABLE:
        return "ok";
      case COOLING:
        long millis =
            route.coolingUntil() == null
                ? 0
                : Math.max(0, Duration.between(now, route.coolingUntil()).toMillis());
        return String.format(Locale.ROOT, "cooling %.1fs", millis / 1000.0);
      case PROBING:
        return "probing";
      case FULL:
        return "full";
      case HELD:
        return "held";
      case CIRCUIT_OPEN:
        return "circuit open";
      case DISABLED:
        return "disabled";
      default:
        throw new IllegalStateException("unknown route state " + route.state());
    }
  }

  /** The engine's estimate, which includes its penalties for throttled and failed attempts. */
  private static String latency(Duration ewma) {
    if (ewma == null) {
      return "-";
    }
    return ewma.toMillis() < 10_000
        ? ewma.toMillis() + " ms"
        : String.format(Locale.ROOT, "%.0f s", ewma.toMillis() / 1000.0);
  }

  private static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }
}
