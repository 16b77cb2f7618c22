package dev.spillway.spring.actuate;

import static dev.spillway.spring.SimulatedBackends.LARGE_TPM;
import static dev.spillway.spring.SimulatedBackends.MODEL;
import static dev.spillway.spring.SimulatedBackends.OVERSIZED_MAX_TOKENS;
import static dev.spillway.spring.SimulatedBackends.SMALL_TPM;
import static dev.spillway.spring.SimulatedBackends.chat;
import static dev.spillway.spring.SimulatedBackends.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.azure.ai.openai.OpenAIClient;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.util.BinaryData;
import dev.spillway.PoolSettings;
import dev.spillway.azure.SpillwayContext;
import dev.spillway.spring.SimulatedBackends;
import dev.spillway.spring.SpillwayAutoConfiguration;
import dev.spillway.telemetry.SpillwayMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The same calls, through the real Azure client over the simulator, seen by the core's
 * OpenTelemetry metrics (a real SDK with an in-memory reader) and by the Micrometer binder (a
 * {@link SimpleMeterRegistry}): every metric name, attribute set and value agrees, durations up to
 * the seconds-to-nanoseconds conversion. The calls cover a success, a 429 absorbed by fail-over
 * (attempts and a cool-down), a caller error passed on (an error type, and no tokens), a stream and
 * a call with a consumer id and tags (on neither).
 */
class MeterAgreementTest {
  /** A Micrometer timer keeps nanoseconds, the OpenTelemetry histogram a double sum of seconds. */
  private static final double SECONDS_TOLERANCE = 1e-6;

  /** A snapshot's EWMA is whole nanoseconds. */
  private static final double EWMA_ROUNDING_SECONDS = 1e-9;

  private static SimulatedBackends backends;

  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final OpenTelemetry otel =
      OpenTelemetrySdk.builder()
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
          .build();
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SpillwayAutoConfiguration.class, SpillwayMetricsAutoConfiguration.class))
          .withBean(OpenTelemetry.class, () -> otel);

  @BeforeAll
  static void startSimulator() {
    backends = SimulatedBackends.start(SMALL_TPM, LARGE_TPM);
  }

  @AfterAll
  static void stopSimulator() {
    backends.close();
  }

  /** A measurement: count and sum for distributions, the value in {@code sum} otherwise. */
  private record Point(long count, double sum) {}

  @Test
  void openTelemetryMetricsAndMicrometerMetersAgreeForTheSameCalls() {
    runner
        .withPropertyValues(backends.properties())
        .run(
            context -> {
              SimpleMeterRegistry registry = new SimpleMeterRegistry();
              context.getBean(SpillwayMeterBinder.class).bindTo(registry);
              OpenAIClient client = context.getBean(OpenAIClient.class);

              chat(client, 5);
              chat(client, OVERSIZED_MAX_TOKENS); // 429 on sim-0, then sim-1
              assertThatThrownBy(() -> chat(client, 0)) // max_tokens 0: a 400, passed on
                  .isInstanceOf(HttpResponseException.class);
              client.getChatCompletionsStream(MODEL, options(5)).stream().forEach(chunk -> {});
              client.getChatCompletionsWithResponse(
                  MODEL,
                  BinaryData.fromObject(options(5)),
                  SpillwayContext.requestOptions("consumer-42", Map.of("team", "tag-value-7")));

              long readStart = System.nanoTime();
              Map<String, Map<Map<String, String>, Point>> fromOtel = openTelemetry();
              Map<String, Map<Map<String, String>, Point>> fromMicrometer = micrometer(registry);
              // the peak EWMA decays on read; Micrometer's read came at most this much later
              double decay =
                  Math.exp(
                      -(System.nanoTime() - readStart)
                          / (double) PoolSettings.DEFAULT_EWMA_DECAY.toNanos());

              assertThat(fromMicrometer.keySet())
                  .containsExactlyInAnyOrder(
                      SpillwayMetrics.OPERATION_DURATION.name(),
                      SpillwayMetrics.TOKEN_USAGE.name(),
                      SpillwayMetrics.ATTEMPTS.name(),
                      SpillwayMetrics.COOLDOWNS.name(),
                      SpillwayMetrics.OUTSTANDING.name(),
                      SpillwayMetrics.ROUTE_LATENCY_EWMA.name());
              assertThat(fromOtel.keySet()).isEqualTo(fromMicrometer.keySet());

              String duration = SpillwayMetrics.OPERATION_DURATION.name();
              assertThat(fromMicrometer.get(duration).keySet())
                  .isEqualTo(fromOtel.get(duration).keySet())
                  .contains(callAttributes(null), callAttributes("400"));
              fromOtel
                  .get(duration)
                  .forEach(
                      (attributes, otelPoint) -> {
                        Point meter = fromMicrometer.get(duration).get(attributes);
                        assertThat(meter.count()).as("%s", attributes).isEqualTo(otelPoint.count());
                        assertThat(meter.sum())
                            .as("%s seconds", attributes)
                            .isCloseTo(otelPoint.sum(), within(SECONDS_TOLERANCE));
                      });
              assertThat(fromOtel.get(duration).get(callAttributes(null)).count()).isEqualTo(4);

              String tokens = SpillwayMetrics.TOKEN_USAGE.name();
              assertThat(fromMicrometer.get(tokens)).isEqualTo(fromOtel.get(tokens));
              assertThat(fromOtel.get(tokens).keySet())
                  .noneMatch(a -> a.containsKey(SpillwayMetrics.ERROR_TYPE.getKey()));
              assertThat(fromOtel.get(tokens).values()).allMatch(p -> p.count() == 4);

              for (String counter :
                  new String[] {
                    SpillwayMetrics.ATTEMPTS.name(), SpillwayMetrics.COOLDOWNS.name()
                  }) {
                // Micrometer registers every combination up front; OpenTelemetry only those seen
                assertThat(withoutZeros(fromMicrometer.get(counter)))
                    .as(counter)
                    .isEqualTo(withoutZeros(fromOtel.get(counter)))
                    .isNotEmpty();
              }
              assertThat(fromOtel.get(SpillwayMetrics.ATTEMPTS.name()))
                  .containsEntry(attempt("sim-0", "0", "throttled"), new Point(0, 1));
              assertThat(fromOtel.get(SpillwayMetrics.ATTEMPTS.name()).entrySet())
                  .filteredOn(
                      e -> e.getKey().get("spillway.attempt.outcome").equals("caller_error"))
                  .extracting(Map.Entry::getValue)
                  .containsExactly(new Point(0, 1));

              String outstanding = SpillwayMetrics.OUTSTANDING.name();
              assertThat(fromMicrometer.get(outstanding)).isEqualTo(fromOtel.get(outstanding));

              String ewma = SpillwayMetrics.ROUTE_LATENCY_EWMA.name();
              assertThat(fromMicrometer.get(ewma).keySet())
                  .isEqualTo(fromOtel.get(ewma).keySet())
                  .hasSize(2);
              fromOtel
                  .get(ewma)
                  .forEach(
                      (attributes, otelPoint) ->
                          assertThat(fromMicrometer.get(ewma).get(attributes).sum())
                              .as("%s", attributes)
                              .isPositive()
                              .isBetween(
                                  otelPoint.sum() * decay - EWMA_ROUNDING_SECONDS,
                                  otelPoint.sum() + EWMA_ROUNDING_SECONDS));

              for (Map<Map<String, String>, Point> points : fromOtel.values()) {
                assertThat(points.keySet().toString())
                    .doesNotContain("consumer-42")
                    .doesNotContain("tag-value-7");
              }
              for (Map<Map<String, String>, Point> meters : fromMicrometer.values()) {
                assertThat(meters.keySet().toString())
                    .doesNotContain("consumer-42")
                    .doesNotContain("tag-value-7");
              }
            });
  }

  @Test
  void theConsumerMetersAgreeForDeclaredConsumersAndNeitherNamesAnUndeclaredOne() {
    // a simulator of its own: sim-0's quota is fresh, so the first call is served by tier 0
    try (SimulatedBackends fresh = SimulatedBackends.start(SMALL_TPM, LARGE_TPM)) {
      runner
          .withPropertyValues(fresh.properties())
          .withPropertyValues(
              "spillway.consumers[0].id=team-a",
              "spillway.consumers[0].rpm-limit=1",
              "spillway.consumers[1].id=team-b")
          .run(
              context -> {
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                context.getBean(SpillwayMeterBinder.class).bindTo(registry);
                OpenAIClient client = context.getBean(OpenAIClient.class);

                SpillwayMeterBinderTest.consumerChat(client, "team-a", 5);
                assertThatThrownBy(() -> SpillwayMeterBinderTest.consumerChat(client, "team-a", 5))
                    .isInstanceOf(RuntimeException.class); // rpm-limit 1: consumer limit
                SpillwayMeterBinderTest.consumerChat(client, "team-b", OVERSIZED_MAX_TOKENS);
                SpillwayMeterBinderTest.consumerChat(client, "consumer-42", 5);

                Map<String, Map<Map<String, String>, Point>> fromOtel = openTelemetry();
                Map<String, Map<Map<String, String>, Point>> fromMicrometer = micrometer(registry);
                for (String name :
                    new String[] {
                      SpillwayMetrics.CONSUMER_TOKENS.name(),
                      SpillwayMetrics.CONSUMER_REJECTIONS.name()
                    }) {
                  assertThat(fromMicrometer.get(name)).as(name).isEqualTo(fromOtel.get(name));
                }
                assertThat(fromOtel.get(SpillwayMetrics.CONSUMER_TOKENS.name()).keySet())
                    .extracting(
                        a -> a.get("spillway.consumer.id") + "@" + a.get("spillway.backend.tier"))
                    .containsOnly("team-a@0", "team-b@1")
                    .hasSize(4);
                assertThat(fromOtel.get(SpillwayMetrics.CONSUMER_REJECTIONS.name()))
                    .containsExactly(
                        Map.entry(
                            new TreeMap<>(
                                Map.of(
                                    "spillway.consumer.id", "team-a",
                                    "spillway.rejection.reason", "consumer limit")),
                            new Point(0, 1)));
                for (Map<Map<String, String>, Point> meters : fromMicrometer.values()) {
                  assertThat(meters.keySet().toString()).doesNotContain("consumer-42");
                }
              });
    }
  }

  private static Map<String, String> callAttributes(String errorType) {
    Map<String, String> a = new TreeMap<>();
    a.put("gen_ai.operation.name", "chat");
    a.put("gen_ai.provider.name", "azure.ai.openai");
    a.put("gen_ai.request.model", MODEL);
    if (errorType != null) {
      a.put("error.type", errorType);
    }
    return a;
  }

  private static Map<String, String> attempt(String backendId, String tier, String outcome) {
    return new TreeMap<>(
        Map.of(
            "spillway.backend.id", backendId,
            "spillway.backend.tier", tier,
            "spillway.attempt.outcome", outcome));
  }

  private static Map<Map<String, String>, Point> withoutZeros(Map<Map<String, String>, Point> m) {
    Map<Map<String, String>, Point> result = new HashMap<>(m);
    result.values().removeIf(p -> p.sum() == 0);
    return result;
  }

  /** The reader's metrics: name → attributes (as strings) → point. */
  private Map<String, Map<Map<String, String>, Point>> openTelemetry() {
    Map<String, Map<Map<String, String>, Point>> result = new TreeMap<>();
    for (MetricData metric : reader.collectAllMetrics()) {
      Map<Map<String, String>, Point> points =
          result.computeIfAbsent(metric.getName(), n -> new HashMap<>());
      switch (metric.getType()) {
        case HISTOGRAM -> {
          for (HistogramPointData p : metric.getHistogramData().getPoints()) {
            points.put(strings(p.getAttributes()), new Point(p.getCount(), p.getSum()));
          }
        }
        case LONG_SUM ->
            metric
                .getLongSumData()
                .getPoints()
                .forEach(p -> points.put(strings(p.getAttributes()), new Point(0, p.getValue())));
        case DOUBLE_GAUGE ->
            metric
                .getDoubleGaugeData()
                .getPoints()
                .forEach(p -> points.put(strings(p.getAttributes()), new Point(0, p.getValue())));
        default ->
            throw new AssertionError(
                "unexpected metric type " + metric.getType() + " of " + metric);
      }
    }
    return result;
  }

  /** The registry's meters in the same shape; a gauge without a value (NaN) is no point. */
  private static Map<String, Map<Map<String, String>, Point>> micrometer(
      SimpleMeterRegistry registry) {
    Map<String, Map<Map<String, String>, Point>> result = new TreeMap<>();
    for (Meter meter : registry.getMeters()) {
      Map<String, String> tags = new TreeMap<>();
      for (Tag tag : meter.getId().getTags()) {
        tags.put(tag.getKey(), tag.getValue());
      }
      Point point;
      if (meter instanceof Timer timer) {
        point = new Point(timer.count(), timer.totalTime(TimeUnit.SECONDS));
      } else if (meter instanceof DistributionSummary summary) {
        point = new Point(summary.count(), summary.totalAmount());
      } else if (meter instanceof FunctionCounter counter) {
        point = new Point(0, counter.count());
      } else if (meter instanceof Counter counter) {
        point = new Point(0, counter.count());
      } else if (meter instanceof Gauge gauge) {
        point = Double.isNaN(gauge.value()) ? null : new Point(0, gauge.value());
      } else {
        throw new AssertionError("unexpected meter " + meter.getId());
      }
      Map<Map<String, String>, Point> points =
          result.computeIfAbsent(meter.getId().getName(), n -> new HashMap<>());
      if (point != null) {
        points.put(tags, point);
      }
    }
    return result;
  }

  private static Map<String, String> strings(Attributes attributes) {
    Map<String, String> result = new TreeMap<>();
    attributes.forEach((key, value) -> result.put(key.getKey(), String.valueOf(value)));
    return result;
  }
}
