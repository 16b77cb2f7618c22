package dev.spillway.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.BackendSnapshot;
import dev.spillway.CircuitState;
import dev.spillway.PoolSnapshot;
import dev.spillway.RouteSnapshot;
import dev.spillway.RouteState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoDisplayTest {
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  static final PoolSnapshot SNAPSHOT =
      new PoolSnapshot(
          NOW,
          List.of(
              backend(
                  "sweden-ptu-1",
                  0,
                  CircuitState.CLOSED,
                  route(
                      RouteState.COOLING,
                      NOW.plusMillis(1250),
                      Duration.ofMillis(92),
                      412,
                      3,
                      61_204)),
              backend(
                  "eastus-paygo",
                  1,
                  CircuitState.CLOSED,
                  route(RouteState.AVAILABLE, null, Duration.ofSeconds(215), 80, 0, 12_000)),
              backend(
                  "westus-paygo",
                  1,
                  CircuitState.OPEN,
                  route(RouteState.CIRCUIT_OPEN, null, null, 0, 0, 0))));
  static final DemoDisplay.Progress HALF_WAY =
      new DemoDisplay.Progress(Duration.ofMillis(12_500), Duration.ofSeconds(25), 1234, 0);

  @Test
  void tableShowsEachBackendsStateCountsAndProgress() {
    assertThat(DemoDisplay.table(SNAPSHOT, "gpt-4o", HALF_WAY))
        .containsExactly(
            "backend       tier  state             calls   429s      ewma     tokens",
            "sweden-ptu-1     0  cooling 1.3s        412      3     92 ms     61,204",
            "eastus-paygo     1  ok                   80      0     215 s     12,000",
            "westus-paygo     1  circuit open          0      0         -          0",
            "",
            "[###############---------------] 12/25 s   1,234 calls, 0 failed");
  }

  @Test
  void plainLineSumsUpTheSameState() {
    assertThat(DemoDisplay.line(SNAPSHOT, "gpt-4o", HALF_WAY))
        .isEqualTo(
            "[12/25 s] 1,234 calls,"
                + " 0 failed; served: sweden-ptu-1 412, eastus-paygo 80, westus-paygo 0; 429s: 3");
  }

  private static BackendSnapshot backend(
      String id, int tier, CircuitState circuit, RouteSnapshot route) {
    return new BackendSnapshot(
        id, "http://127.0.0.1:1", tier, 1, null, true, circuit, null, List.of(route));
  }

  private static RouteSnapshot route(
      RouteState state,
      Instant coolingUntil,
      Duration ewma,
      long successes,
      long throttled,
      long tokens) {
    return new RouteSnapshot(
        "gpt-4o",
        "gpt-4o",
        false,
        state,
        coolingUntil,
        ewma,
        0,
        null,
        null,
        successes + throttled,
        successes,
        throttled,
        0,
        0,
        tokens / 4,
        tokens - tokens / 4);
  }
}
