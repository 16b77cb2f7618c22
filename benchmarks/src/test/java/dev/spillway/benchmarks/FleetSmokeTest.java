package dev.spillway.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code fleet} scenario alone in a tiny version (three simulated seconds at its F = 5, no
 * warm-up, few store samples) and checks its rows' schema and invariants, not its figures. The
 * {@code spillway-redis} row needs {@code redis-server} on the {@code PATH}: without it the row is
 * skipped with a note, except on CI ({@code CI=true}, where Redis is installed), where its absence
 * fails the test.
 */
class FleetSmokeTest {
  @TempDir static Path dir;
  static JsonNode report;

  /** Whether this machine has {@code redis-server}, so the Redis row runs. */
  static boolean redis;

  @BeforeAll
  static void runTheFleetAlone() throws Exception {
    redis = RedisLauncher.find() != null;
    if ("true".equals(System.getenv("CI"))) {
      assertThat(redis)
          .as("CI installs redis-server: the fleet scenario's spillway-redis row needs it")
          .isTrue();
    }
    BenchmarkMain.quietLogs();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Report r =
        BenchmarkMain.run(
            BenchOptions.smokeFleet(dir),
            true,
            List.of("fleet"),
            new PrintStream(log, true, StandardCharsets.UTF_8));
    r.write(dir);
    report = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
  }

  /** The rows that ran: the Redis one only where redis-server is installed. */
  static List<String> rows() {
    return redis ? FleetClient.KEYS : FleetClient.KEYS.subList(0, 2);
  }

  @Test
  void runsItsRowsAtFiveTimesCompressionWhateverTheRunsF() {
    JsonNode scenarios = report.get("scenarios");
    assertThat(iterable(scenarios.fieldNames())).containsExactly("fleet");
    assertThat(iterable(scenarios.get("fleet").fieldNames())).containsExactlyElementsOf(rows());
    JsonNode definition = report.get("scenario_definitions").get("fleet");
    assertThat(definition.get("status").asText()).isEqualTo("run");
    assertThat(definition.get("instances").asInt()).isEqualTo(4);
    assertThat(definition.get("rate_per_instance_c").asDouble()).isEqualTo(0.3);
    assertThat(definition.get("time_scale").asDouble()).isEqualTo(5);
    assertThat(report.get("time_scale").asDouble()).as("the run's own F").isEqualTo(60);
    for (String row : rows()) {
      assertThat(scenarios.get("fleet").get(row).get("time_scale").asDouble()).as(row).isEqualTo(5);
    }
  }

  @Test
  void everyRowHasTheUsualFiguresAndTheFleetsOwn() {
    JsonNode fleet = report.get("scenarios").get("fleet");
    long calls = fleet.get("spillway-single").get("calls").asLong();
    assertThat(calls).isPositive();
    for (String row : rows()) {
      JsonNode f = fleet.get(row);
      for (String figure : BenchmarkSmokeTest.FIGURES) {
        assertThat(f.has(figure)).as("fleet/" + row + " has " + figure).isTrue();
      }
      for (String figure : Report.FLEET_FIGURES) {
        boolean redisOnly = Report.FLEET_REDIS_FIGURES.contains(figure);
        assertThat(f.has(figure))
            .as("fleet/" + row + " has " + figure)
            .isEqualTo(!redisOnly || row.equals(FleetClient.REDIS));
      }
      assertThat(f.get("calls").asLong())
          .as(row + ": every row, the same arrivals")
          .isEqualTo(calls);
      assertThat(f.get("ok").asLong() + f.get("errors").asLong()).as(row).isEqualTo(calls);
      for (String rate : List.of("caller_429_rate", "caller_error_rate", "ptu_token_share")) {
        assertThat(f.get(rate).asDouble()).as(row + " " + rate).isBetween(0.0, 1.0);
      }
      assertThat(f.get("instances").asInt()).isEqualTo(row.equals("spillway-single") ? 1 : 4);
      long probes = f.get("probes_after_cooldown").asLong();
      assertThat(probes).as(row).isNotNegative();
      assertThat(sum(f.get("probes_after_cooldown_by_backend")))
          .as(row + ": probes by backend add up")
          .isEqualTo(probes);
      assertThat(sum(f.get("backend_429_by_backend")))
          .as(row + ": 429s by backend add up")
          .isEqualTo(f.get("backend_429").asLong());
      assertThat(f.get("backend_429_in_others_cooldown").asLong())
          .as(row)
          .isBetween(0L, f.get("backend_429").asLong());
      assertThat(f.get("cooldowns_cleared_early").asLong()).as(row).isNotNegative();
    }
    assertThat(fleet.get("spillway-single").get("backend_429_in_others_cooldown").asLong())
        .as("one instance has no others")
        .isZero();
  }

  @Test
  void theRedisRowMeasuresPropagationAndCallsNeverFailWhateverRedisDoes() {
    if (!redis) {
      assertThat(report.get("skipped_rows").get("fleet").get(FleetClient.REDIS).asText())
          .contains("redis-server not found");
      return;
    }
    JsonNode r = report.get("scenarios").get("fleet").get(FleetClient.REDIS);
    JsonNode propagation = r.get("propagation_ms");
    assertThat(propagation.get("samples").asInt() + propagation.get("lost").asInt())
        .isEqualTo(FleetStoreProbes.SMOKE_PROPAGATION_SAMPLES);
    assertThat(propagation.get("samples").asInt()).isPositive();
    assertThat(propagation.get("max").asDouble())
        .isGreaterThanOrEqualTo(propagation.get("p50").asDouble());
    for (String state : List.of("up", "paused", "down")) {
      assertThat(r.get("added_latency_us").get(state).isNumber()).as(state).isTrue();
      assertThat(r.get("added_latency_failures").get(state).asLong())
          .as("calls never fail with Redis " + state)
          .isZero();
      assertThat(r.get("added_latency_detail").get(state).get("redis_calls_ok").asLong())
          .as(state)
          .isPositive();
    }
    assertThat(report.get("skipped_rows").isEmpty()).isTrue();
  }

  @Test
  void theTargetRowIsMeasuredOrPendingForWantOfRedis() throws Exception {
    JsonNode target = null;
    for (JsonNode t : report.get("targets")) {
      if (t.get("figure").asText().equals("fleet with Redis backend_429_per_success")) {
        target = t;
      }
    }
    assertThat(target).isNotNull();
    String status = target.get("status").asText();
    if (redis) {
      // the short run on a busy machine may fall behind its schedule: no verdict then
      assertThat(status).matches("met|not met|invalid: harness fell behind: .*");
      assertThat(target.get("measured").asText()).contains("spillway-single").contains("local");
    } else {
      assertThat(status).startsWith("pending: ").contains("redis-server not found");
    }
    String md = Files.readString(dir.resolve("report.md"));
    assertThat(md).contains("| fleet | spillway-single |").contains("F = 5");
    assertThat(Files.readString(dir.resolve("report.html"))).contains("<h2>Fleet (F = 5");
  }

  private static long sum(JsonNode counts) {
    long n = 0;
    for (JsonNode c : counts) {
      n += c.asLong();
    }
    return n;
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
