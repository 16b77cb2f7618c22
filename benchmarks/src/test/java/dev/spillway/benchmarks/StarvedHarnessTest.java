package dev.spillway.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.simulator.SimulatorStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run whose harness fell behind its own schedule yields no target verdict. */
class StarvedHarnessTest {
  private static final long MS = 1_000_000;

  /** 100 light calls, each answered 10 ms after its send, sent {@code lagMs} late. */
  private static List<CallRecord> calls(int unsent, long lagMs) {
    List<CallRecord> records = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      CallRecord r = new CallRecord(i, 1_000 * MS + i * MS);
      if (i < unsent) {
        r.end = CallRecord.End.TIMEOUT;
      } else {
        r.startedNanos = r.scheduledNanos + lagMs * MS;
        r.endNanos = r.startedNanos + 10 * MS;
        r.end = CallRecord.End.OK;
        r.servedBy = "ptu-a";
      }
      records.add(r);
    }
    return records;
  }

  private static Map<String, Object> light(BenchOptions options, List<CallRecord> records) {
    SimulatorStats none = new SimulatorStats(options.timeScale(), List.of());
    RunResult run =
        new RunResult(
            Scenario.LIGHT,
            "spillway",
            false,
            records,
            none,
            none,
            Map.of(),
            null,
            1_000 * MS,
            3_000 * MS,
            0,
            0);
    Report report = new Report(options);
    Map<String, Object> figures = Figures.of(run, false);
    report.add(run, figures);
    return report.targets().stream()
        .filter(t -> t.get("figure").equals("light caller_429_rate"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void callsNeverSentMakeTheScenariosRowsInvalid() {
    BenchOptions options = BenchOptions.smoke(Path.of("target"));
    Map<String, Object> row = light(options, calls(5, 0));
    assertThat(row.get("status")).asString().startsWith("invalid: harness fell behind");
    assertThat(row.get("met")).isNull();
  }

  @Test
  void sendsLaterThanOneSimulatedSecondMakeTheRowsInvalid() {
    BenchOptions options = BenchOptions.smoke(Path.of("target")); // F = 60: a second is 16.7 ms
    assertThat(light(options, calls(0, 40)).get("status"))
        .asString()
        .contains("p99 send lag 40.0 ms");
  }

  @Test
  void aHarnessOnScheduleGivesAVerdict() {
    BenchOptions options = BenchOptions.smoke(Path.of("target"));
    Map<String, Object> row = light(options, calls(0, 1));
    assertThat(row.get("status")).isEqualTo("met");
    assertThat(row.get("met")).isEqualTo(true);
  }
}
