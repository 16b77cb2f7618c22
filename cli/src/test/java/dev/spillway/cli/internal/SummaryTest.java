package dev.spillway.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.spillway.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

  @Test
  void percentilesAreNearestRankOverSuccessfulCalls() {
    List<CallResult> results = new ArrayList<>();
    for (int i = 100; i >= 1; i--) {
      results.add(ok(i, "a", i));
    }
    results.add(
        new CallResult(
            101,
            false,
            500,
            "a",
            Duration.ofSeconds(60),
            List.of(),
            Usage.reported(0, 0),
            "HTTP 500"));

    Summary summary = Summary.of(results);

    assertThat(summary.p50()).isEqualTo(Duration.ofMillis(50));
    assertThat(summary.p99()).isEqualTo(Duration.ofMillis(99));
    assertThat(summary.calls()).isEqualTo(101);
    assertThat(summary.failed()).isEqualTo(1);
  }

  @Test
  void countsSuccessfulCallsByAnsweringBackendAnd429sOfAllCalls() {
    CallResult absorbed =
        new CallResult(
            1,
            true,
            200,
            "paygo",
            Duration.ofMillis(9),
            List.of(JsonLinesTest.THROTTLED, JsonLinesTest.ADMITTED),
            Usage.reported(5, 7),
            null);
    CallResult passedOn =
        new CallResult(
            2,
            false,
            429,
            "ptu",
            Duration.ofMillis(9),
            List.of(JsonLinesTest.THROTTLED),
            Usage.reported(0, 0),
            "HTTP 429");

    Summary summary = Summary.of(List.of(absorbed, passedOn, ok(3, "ptu", 4)));

    assertThat(summary.byBackend()).containsExactly(entry("paygo", 1L), entry("ptu", 1L));
    assertThat(summary.backend429()).isEqualTo(2);
    assertThat(summary.absorbed429()).isEqualTo(1);
    assertThat(summary.shares()).containsEntry("paygo", 0.5);
    assertThat(summary.inputTokens()).isEqualTo(5 + 1);
    assertThat(summary.outputTokens()).isEqualTo(7 + 2);
  }

  private static CallResult ok(int call, String backend, long millis) {
    return new CallResult(
        call,
        true,
        200,
        backend,
        Duration.ofMillis(millis),
        List.of(JsonLinesTest.ADMITTED),
        Usage.reported(1, 2),
        null);
  }
}
