package dev.spillway.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verdicts on the whole-call figures, from the figures {@link JmhSuite} reports. */
class JmhChecksTest {

  /** The figures of one transport's pair of calls, keys prefixed as JmhSuite's. */
  private static void call(Map<String, Object> jmh, String prefix, double spillway, double plain) {
    jmh.put(prefix + "spillway_call_p50_us", spillway);
    jmh.put(prefix + "plain_call_p50_us", plain);
    jmh.put(prefix + "spillway_call_p99_us", 3 * spillway);
    jmh.put(prefix + "plain_call_p99_us", 3 * plain);
  }

  private static List<Map<String, Object>> rows(Map<String, Object> jmh, String figure) {
    Report report = new Report(BenchOptions.smoke(Path.of("target")));
    report.jmh(jmh);
    return report.targets().stream().filter(t -> t.get("figure").equals(figure)).toList();
  }

  @Test
  void aQuickRunsLoopbackRowsArePendingWithItsReason() {
    Map<String, Object> jmh = new LinkedHashMap<>();
    call(jmh, "", 10.0, 8.0);
    call(jmh, "openai_", 20.0, 10.0);
    jmh.put(JmhSuite.LOOPBACK_SKIPPED, JmhSuite.LOOPBACK_QUICK_REASON);

    assertThat(rows(jmh, "JMH whole call p50, loopback HTTP"))
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get("met")).isNull();
              assertThat(row.get("status")).isEqualTo("pending: " + JmhSuite.LOOPBACK_QUICK_REASON);
            });
    assertThat(rows(jmh, "JMH whole call p99, openai-java, loopback HTTP"))
        .singleElement()
        .extracting(row -> row.get("status"))
        .asString()
        .startsWith("pending: loopback HTTP calls run in --full only");
    // the instant-stub rows keep their verdicts
    assertThat(rows(jmh, "JMH whole call p50, instant stub"))
        .singleElement()
        .extracting(row -> row.get("met"))
        .isEqualTo(true);
    assertThat(rows(jmh, "JMH whole call p50, openai-java, instant stub"))
        .singleElement()
        .extracting(row -> row.get("met"))
        .isEqualTo(false);
  }

  @Test
  void aFullRunsLoopbackRowsGetVerdicts() {
    Map<String, Object> jmh = new LinkedHashMap<>();
    call(jmh, "", 10.0, 8.0);
    call(jmh, "loopback_", 300.0, 290.0);
    call(jmh, "openai_", 12.0, 10.0);
    call(jmh, "openai_loopback_", 400.0, 300.0);

    assertThat(rows(jmh, "JMH whole call p50, loopback HTTP"))
        .singleElement()
        .extracting(row -> row.get("met"))
        .isEqualTo(true);
    assertThat(rows(jmh, "JMH whole call p50, openai-java, loopback HTTP"))
        .singleElement()
        .extracting(row -> row.get("status"))
        .isEqualTo("not met");
  }
}
