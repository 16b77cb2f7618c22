package dev.spillway;

import static dev.spillway.testing.ScriptedTransport.failure;
import static dev.spillway.testing.ScriptedTransport.ok;
import static dev.spillway.testing.ScriptedTransport.status;
import static dev.spillway.testing.ScriptedTransport.throttled;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.catchThrowable;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.within;

import dev.spillway.spi.AsyncAttemptTransport;
import dev.spillway.spi.Attempt;
import dev.spillway.spi.AttemptResponse;
import dev.spillway.spi.AttemptTimeoutException;
import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import dev.spillway.testing.ManualTime;
import dev.spillway.testing.Pools;
import dev.spillway.testing.ScriptedTransport;
import dev.spillway.testing.ScriptedTransport.Reply;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * docs/design.md "Telemetry", checked against the real OpenTelemetry SDK with in-memory exporters:
 * span names, kinds, parentage and every attribute with its type; metric names, kinds, units and
 * point attributes; W3C trace context on the wire; streams settling telemetry on the completion
 * handle. Every behaviour runs over the sync and the async path.
 */
class TelemetryTest {
  // The names are spelled out here rather than taken from the engine's constants, so a renamed
  // constant fails this test instead of silently changing what dashboards see.
  static final AttributeKey<String> OPERATION = stringKey("gen_ai.operation.name");
  static final AttributeKey<String> PROVIDER = stringKey("gen_ai.provider.name");
  static final AttributeKey<String> REQUEST_MODEL = stringKey("gen_ai.request.model");
  static final AttributeKey<String> RESPONSE_MODEL = stringKey("gen_ai.response.model");
  static final AttributeKey<Long> INPUT_TOKENS = longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS = longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<String> TOKEN_TYPE = stringKey("gen_ai.token.type");
  static final AttributeKey<String> SERVER_ADDRESS = stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = longKey("server.port");
  static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");
  static final AttributeKey<Long> HTTP_STATUS = longKey("http.response.status_code");
  static final AttributeKey<String> BACKEND_ID = stringKey("spillway.backend.id");
  static final AttributeKey<Long> BACKEND_TIER = longKey("spillway.backend.tier");
  static final AttributeKey<Long> ATTEMPT_COUNT = longKey("spillway.attempt.count");
  static final AttributeKey<String> CONSUMER_ID = stringKey("spillway.consumer.id");
  static final AttributeKey<String> DEPLOYMENT = stringKey("spillway.route.deployment");
  static final AttributeKey<String> ATTEMPT_OUTCOME = stringKey("spillway.attempt.outcome");
  static final AttributeKey<Long> RETRY_AFTER_MS = longKey("spillway.retry_after_ms");
  static final AttributeKey<String> COOLDOWN_REASON = stringKey("spillway.cooldown.reason");
  static final AttributeKey<Long> WAIT_MS = longKey("spillway.wait_ms");
  static final AttributeKey<String> TAG_FEATURE = stringKey("spillway.tag.feature");

  static final String PROVIDER_AZURE = "azure.ai.openai";
  static final String CALL_SPAN = "chat gpt-4o";
  static final String RESPONSE_MODEL_NAME = "gpt-4o-2024-11-20";
  static final long TEN_MINUTES = TimeUnit.MINUTES.toNanos(10);

  enum Mode {
    SYNC,
    ASYNC
  }

  private final ManualTime time = new ManualTime();
  private final List<BackendPool> pools = new ArrayList<>();
  private InMemorySpanExporter spans;
  private InMemoryMetricReader metrics;
  private OpenTelemetrySdk otel;

  @BeforeEach
  void setUp() {
    spans = InMemorySpanExporter.create();
    metrics = InMemoryMetricReader.create();
    otel = sdk(ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
  }

  private OpenTelemetrySdk sdk(ContextPropagators propagators) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .setPropagators(propagators)
        .build();
  }

  @AfterEach
  void tearDown() {
    pools.forEach(BackendPool::close);
    otel.close();
    GlobalOpenTelemetry.resetForTest();
  }

  // ---- the 429-then-200 call ----

  /** PTU on the default port; PAYG on an explicit port, so server.port is not just a default. */
  private static final Backend PTU = Pools.backend("ptu", 0);

  private static final Backend PAYGO =
      Backend.builder("paygo")
          .endpoint("https://paygo.example.test:8443")
          .tier(1)
          .deployment("gpt-4o", "paygo-gpt4o")
          .build();

  private static CallRequest chat() {
    return CallRequest.builder("chat", "gpt-4o")
        .promptTokens(12)
        .consumerId("team-a")
        .tag("feature", "summarize")
        .build();
  }

  /** PTU answers 429 (retry-after-ms 2000) after 30 ms, PAYG 200 after 120 ms. */
  private ScriptedTransport throttleThenSuccess(Mode mode, BackendPool pool) {
    ScriptedTransport t =
        new ScriptedTransport(time)
            .on("ptu", throttled(2000).latencyMillis(30))
            .on("paygo", ok().latencyMillis(120).usage(10, 20).responseModel(RESPONSE_MODEL_NAME));
    Reply reply = call(mode, pool, chat(), t);
    assertThat(reply.backendId()).isEqualTo("paygo");
    return t;
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void callSpanIsAClientChildOfTheCallersSpanWithEveryAttributeOfTheTable(Mode mode) {
    BackendPool pool = pool(PTU, PAYGO);
    Span parent = otel.getTracer("test").spanBuilder("caller").startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      throttleThenSuccess(mode, pool);
    } finally {
      parent.end();
    }

    assertThat(callSpan())
        .hasName(CALL_SPAN)
        .hasKind(SpanKind.CLIENT)
        .hasTraceId(parent.getSpanContext().getTraceId())
        .hasParentSpanId(parent.getSpanContext().getSpanId())
        .hasStatus(StatusData.unset())
        .hasAttributesSatisfyingExactly(
            equalTo(OPERATION, "chat"),
            equalTo(PROVIDER, PROVIDER_AZURE),
            equalTo(REQUEST_MODEL, "gpt-4o"),
            equalTo(RESPONSE_MODEL, RESPONSE_MODEL_NAME),
            equalTo(INPUT_TOKENS, 10L),
            equalTo(OUTPUT_TOKENS, 20L),
            equalTo(SERVER_ADDRESS, "paygo.example.test"),
            equalTo(SERVER_PORT, 8443L),
            equalTo(BACKEND_ID, "paygo"),
            equalTo(BACKEND_TIER, 1L),
            equalTo(ATTEMPT_COUNT, 2L),
            equalTo(CONSUMER_ID, "team-a"),
            equalTo(TAG_FEATURE, "summarize"));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void eachAttemptIsAClientSpanUnderTheCallSpanWithItsOutcome(Mode mode) {
    throttleThenSuccess(mode, pool(PTU, PAYGO));

    SpanData call = callSpan();
    List<SpanData> attempts = attemptSpans();
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(0))
        .hasName("attempt ptu")
        .hasKind(SpanKind.CLIENT)
        .hasTraceId(call.getTraceId())
        .hasParentSpanId(call.getSpanId())
        .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfyingExactly(
            equalTo(BACKEND_ID, "ptu"),
            equalTo(BACKEND_TIER, 0L),
            equalTo(DEPLOYMENT, "ptu-gpt4o"),
            equalTo(HTTP_STATUS, 429L),
            equalTo(ATTEMPT_OUTCOME, "throttled"),
            equalTo(RETRY_AFTER_MS, 2000L),
            equalTo(ERROR_TYPE, "429"));
    assertThat(attempts.get(1))
        .hasName("attempt paygo")
        .hasKind(SpanKind.CLIENT)
        .hasTraceId(call.getTraceId())
        .hasParentSpanId(call.getSpanId())
        .hasStatus(StatusData.unset())
        .hasAttributesSatisfyingExactly(
            equalTo(BACKEND_ID, "paygo"),
            equalTo(BACKEND_TIER, 1L),
            equalTo(DEPLOYMENT, "paygo-gpt4o"),
            equalTo(HTTP_STATUS, 200L),
            equalTo(ATTEMPT_OUTCOME, "success"));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void eachSentAttemptCarriesTheTraceparentOfItsOwnAttemptSpan(Mode mode) {
    ScriptedTransport t = throttleThenSuccess(mode, pool(PTU, PAYGO));

    assertThat(t.sent()).hasSize(2);
    List<SpanData> attempts = attemptSpans();
    for (int i = 0; i < 2; i++) {
      assertThat(t.sent().get(i).backendId())
          .isEqualTo(attempts.get(i).getAttributes().get(BACKEND_ID));
      assertThat(t.sent().get(i).traceHeaders())
          .containsEntry("traceparent", traceparent(attempts.get(i).getSpanContext()));
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void traceparentIsInjectedEvenWhenTheSdkHasNoPropagatorConfigured(Mode mode) {
    otel.close(); // shuts its exporters down too
    spans = InMemorySpanExporter.create();
    metrics = InMemoryMetricReader.create();
    otel = sdk(ContextPropagators.noop());
    ScriptedTransport t = throttleThenSuccess(mode, pool(PTU, PAYGO));

    List<SpanData> attempts = attemptSpans();
    assertThat(t.sent())
        .extracting(s -> s.traceHeaders().get("traceparent"))
        .containsExactly(
            traceparent(attempts.get(0).getSpanContext()),
            traceparent(attempts.get(1).getSpanContext()));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void durationHistogramInSecondsCoversEveryAttemptWithOnlyTheOperationAttributes(Mode mode) {
    throttleThenSuccess(mode, pool(PTU, PAYGO));

    assertThat(metric("gen_ai.client.operation.duration"))
        .hasUnit("s")
        .hasHistogramSatisfying(
            h ->
                h.hasPointsSatisfying(
                    p ->
                        p.hasCount(1)
                            .hasSum(0.150) // 30 ms throttled + 120 ms admitted
                            .hasAttributesSatisfyingExactly(
                                equalTo(OPERATION, "chat"),
                                equalTo(PROVIDER, PROVIDER_AZURE),
                                equalTo(REQUEST_MODEL, "gpt-4o"))));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void tokenUsageHistogramRecordsInputAndOutputTokensSeparately(Mode mode) {
    throttleThenSuccess(mode, pool(PTU, PAYGO));

    assertThat(metric("gen_ai.client.token.usage"))
        .hasUnit("{token}")
        .hasHistogramSatisfying(
            h ->
                h.hasPointsSatisfying(
                    p ->
                        p.hasCount(1)
                            .hasSum(10)
                            .hasAttributesSatisfyingExactly(
                                equalTo(OPERATION, "chat"), equalTo(PROVIDER, PROVIDER_AZURE),
                                equalTo(REQUEST_MODEL, "gpt-4o"), equalTo(TOKEN_TYPE, "input")),
                    p ->
                        p.hasCount(1)
                            .hasSum(20)
                            .hasAttributesSatisfyingExactly(
                                equalTo(OPERATION, "chat"), equalTo(PROVIDER, PROVIDER_AZURE),
                                equalTo(REQUEST_MODEL, "gpt-4o"), equalTo(TOKEN_TYPE, "output"))));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void attemptsCounterCountsEachAttemptByBackendTierAndOutcome(Mode mode) {
    throttleThenSuccess(mode, pool(PTU, PAYGO));

    assertThat(metric("spillway.attempts"))
        .hasUnit("{attempt}")
        .hasLongSumSatisfying(
            s ->
                s.isMonotonic()
                    .hasPointsSatisfying(
                        p ->
                            p.hasValue(1)
                                .hasAttributesSatisfyingExactly(
                                    equalTo(BACKEND_ID, "ptu"),
                                    equalTo(BACKEND_TIER, 0L),
                                    equalTo(ATTEMPT_OUTCOME, "throttled")),
                        p ->
                            p.hasValue(1)
                                .hasAttributesSatisfyingExactly(
                                    equalTo(BACKEND_ID, "paygo"),
                                    equalTo(BACKEND_TIER, 1L),
                                    equalTo(ATTEMPT_OUTCOME, "success"))));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void cooldownsCounterNamesTheRouteAndTheReason(Mode mode) {
    BackendPool pool = pool(PTU, PAYGO);
    ScriptedTransport t =
        new ScriptedTransport(time)
            .on("ptu", status(404).errorCode("DeploymentNotFound"))
            .on("paygo", throttled(2000), ok());
    assertThat(call(mode, pool, chat(), t).backendId()).isEqualTo("paygo");

    assertThat(metric("spillway.cooldowns"))
        .hasUnit("{cooldown}")
        .hasLongSumSatisfying(
            s ->
                s.isMonotonic()
                    .hasPointsSatisfying(
                        p ->
                            p.hasValue(1)
                                .hasAttributesSatisfyingExactly(
                                    equalTo(BACKEND_ID, "ptu"),
                                    equalTo(DEPLOYMENT, "ptu-gpt4o"),
                                    equalTo(COOLDOWN_REASON, "misconfigured")),
                        p ->
                            p.hasValue(1)
                                .hasAttributesSatisfyingExactly(
                                    equalTo(BACKEND_ID, "paygo"),
                                    equalTo(DEPLOYMENT, "paygo-gpt4o"),
                                    equalTo(COOLDOWN_REASON, "throttled"))));
    assertThat(attemptSpans().get(0))
        .hasAttributesSatisfying(
            equalTo(HTTP_STATUS, 404L),
            equalTo(ATTEMPT_OUTCOME, "misconfigured"),
            equalTo(ERROR_TYPE, "404"));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void outstandingUpDownCounterIsBackToZeroOnceCallsSettle(Mode mode) {
    throttleThenSuccess(mode, pool(PTU, PAYGO));

    assertThat(metric("spillway.outstanding"))
        .hasUnit("{request}")
        .hasLongSumSatisfying(
            s ->
                s.isNotMonotonic()
                    .hasPointsSatisfying(
                        p ->
                            p.hasValue(0)
                                .hasAttributesSatisfyingExactly(equalTo(BACKEND_ID, "ptu")),
                        p ->
                            p.hasValue(0)
                                .hasAttributesSatisfyingExactly(equalTo(BACKEND_ID, "paygo"))));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void latencyEwmaGaugeReportsEachSampledRouteInSeconds(Mode mode) {
    throttleThenSuccess(mode, pool(PTU, PAYGO));

    assertThat(metric("spillway.route.latency.ewma"))
        .hasUnit("s")
        .hasDoubleGaugeSatisfying(
            g ->
                g.hasPointsSatisfying(
                    // the throttle never lowers a cost: its 30 ms count as a penalty sample,
                    // decayed
                    // (tau 10 s) over the 120 ms since
                    p ->
                        p.hasAttributesSatisfyingExactly(
                                equalTo(BACKEND_ID, "ptu"), equalTo(DEPLOYMENT, "ptu-gpt4o"))
                            .satisfies(
                                v ->
                                    assertThat(v.getValue())
                                        .isCloseTo(0.030 * Math.exp(-0.120 / 10), within(1e-12))),
                    p ->
                        p.hasValue(0.120)
                            .hasAttributesSatisfyingExactly(
                                equalTo(BACKEND_ID, "paygo"), equalTo(DEPLOYMENT, "paygo-gpt4o"))));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void consumerIdAndTagsGoOnTheCallSpanButNeverOnAMetricPoint(Mode mode) {
    BackendPool pool = pool(PTU, PAYGO);
    throttleThenSuccess(mode, pool);
    ScriptedTransport failing =
        new ScriptedTransport(time)
            .byDefault("ptu", a -> status(500))
            .byDefault("paygo", a -> status(500));
    assertThat(catchThrowable(() -> call(mode, pool, chat(), failing))).isNotNull();

    assertThat(spans.getFinishedSpanItems())
        .filteredOn(s -> s.getName().equals(CALL_SPAN))
        .hasSize(2)
        .allSatisfy(
            s ->
                assertThat(s)
                    .hasAttributesSatisfying(
                        equalTo(CONSUMER_ID, "team-a"), equalTo(TAG_FEATURE, "summarize")));
    Collection<MetricData> all = metrics.collectAllMetrics();
    assertThat(all)
        .extracting(MetricData::getName)
        .contains(
            "gen_ai.client.operation.duration",
            "gen_ai.client.token.usage",
            "spillway.attempts",
            "spillway.cooldowns",
            "spillway.outstanding",
            "spillway.route.latency.ewma");
    for (MetricData m : all) {
      for (PointData p : m.getData().getPoints()) {
        p.getAttributes()
            .forEach(
                (key, value) -> {
                  assertThat(key.getKey())
                      .as(m.getName())
                      .isNotEqualTo("spillway.consumer.id")
                      .doesNotStartWith("spillway.tag.");
                  assertThat(String.valueOf(value))
                      .as(m.getName() + " " + key)
                      .doesNotContain("team-a")
                      .doesNotContain("summarize");
                });
      }
    }
  }

  // ---- waits ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void waitForACoolingRouteIsASpanEventOfTheCallSpan(Mode mode) {
    BackendPool pool = pool(PTU);
    ScriptedTransport t = new ScriptedTransport(time).on("ptu", throttled(500), ok());
    assertThat(call(mode, pool, chat(), t).backendId()).isEqualTo("ptu");

    assertThat(callSpan())
        .hasAttribute(ATTEMPT_COUNT, 2L)
        .hasEventsSatisfyingExactly(
            e -> e.hasName("spillway.wait").hasAttributesSatisfyingExactly(equalTo(WAIT_MS, 500L)));
    assertThat(attemptSpans()).allSatisfy(s -> assertThat(s.getEvents()).isEmpty());
  }

  // ---- failures ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void failedCallHasErrorTypeOnItsSpanAndOnTheDurationMetricOnly(Mode mode) {
    BackendPool pool =
        track(
            Pools.manual(time, PTU, PAYGO)
                .openTelemetry(otel)
                .settings(PoolSettings.builder().maxAttempts(2).build())
                .build());
    ScriptedTransport t =
        new ScriptedTransport(time).on("ptu", status(500)).on("paygo", status(502));
    Throwable thrown = catchThrowable(() -> call(mode, pool, chat(), t));
    assertThat(thrown).isInstanceOf(AttemptsExhaustedException.class);

    assertThat(callSpan())
        .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfying(
            equalTo(ERROR_TYPE, "dev.spillway.AttemptsExhaustedException"),
            equalTo(ATTEMPT_COUNT, 2L))
        .hasAttributesSatisfying(
            a ->
                assertThat(a.asMap())
                    .doesNotContainKeys(
                        SERVER_ADDRESS, SERVER_PORT, BACKEND_ID, BACKEND_TIER, RESPONSE_MODEL));
    assertThat(attemptSpans())
        .satisfiesExactly(
            s ->
                assertThat(s)
                    .hasStatusSatisfying(st -> st.hasCode(StatusCode.ERROR))
                    .hasAttributesSatisfyingExactly(
                        equalTo(BACKEND_ID, "ptu"),
                        equalTo(BACKEND_TIER, 0L),
                        equalTo(DEPLOYMENT, "ptu-gpt4o"),
                        equalTo(HTTP_STATUS, 500L),
                        equalTo(ATTEMPT_OUTCOME, "failed"),
                        equalTo(ERROR_TYPE, "500")),
            s ->
                assertThat(s)
                    .hasStatusSatisfying(st -> st.hasCode(StatusCode.ERROR))
                    .hasAttributesSatisfyingExactly(
                        equalTo(BACKEND_ID, "paygo"),
                        equalTo(BACKEND_TIER, 1L),
                        equalTo(DEPLOYMENT, "paygo-gpt4o"),
                        equalTo(HTTP_STATUS, 502L),
                        equalTo(ATTEMPT_OUTCOME, "failed"),
                        equalTo(ERROR_TYPE, "502")));
    assertThat(metric("gen_ai.client.operation.duration"))
        .hasHistogramSatisfying(
            h ->
                h.hasPointsSatisfying(
                    p ->
                        p.hasCount(1)
                            .hasAttributesSatisfyingExactly(
                                equalTo(OPERATION, "chat"),
                                equalTo(PROVIDER, PROVIDER_AZURE),
                                equalTo(REQUEST_MODEL, "gpt-4o"),
                                equalTo(ERROR_TYPE, "dev.spillway.AttemptsExhaustedException"))));
    assertThat(findMetric("gen_ai.client.token.usage")).isEmpty();
    assertThat(metric("spillway.attempts"))
        .hasLongSumSatisfying(
            s ->
                s.hasPointsSatisfying(
                    p ->
                        p.hasValue(1)
                            .hasAttributesSatisfyingExactly(
                                equalTo(BACKEND_ID, "ptu"),
                                equalTo(BACKEND_TIER, 0L),
                                equalTo(ATTEMPT_OUTCOME, "failed")),
                    p ->
                        p.hasValue(1)
                            .hasAttributesSatisfyingExactly(
                                equalTo(BACKEND_ID, "paygo"),
                                equalTo(BACKEND_TIER, 1L),
                                equalTo(ATTEMPT_OUTCOME, "failed"))));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void callWithNoRouteAvailableHasACallSpanWithoutAttemptSpans(Mode mode) {
    BackendPool pool =
        track(
            Pools.manual(time, PTU)
                .openTelemetry(otel)
                .settings(PoolSettings.builder().maxWait(Duration.ZERO).build())
                .build());
    ScriptedTransport t = new ScriptedTransport(time).on("ptu", throttled(30_000));
    assertThat(catchThrowable(() -> call(mode, pool, chat(), t)))
        .isInstanceOf(NoBackendAvailableException.class);
    spans.reset(); // keep only the second call, which finds the one route cooling

    assertThat(catchThrowable(() -> call(mode, pool, chat(), t)))
        .isInstanceOf(NoBackendAvailableException.class);

    assertThat(spans.getFinishedSpanItems())
        .singleElement()
        .satisfies(
            s ->
                assertThat(s)
                    .hasName(CALL_SPAN)
                    .hasStatusSatisfying(st -> st.hasCode(StatusCode.ERROR))
                    .hasAttributesSatisfying(
                        equalTo(ERROR_TYPE, "dev.spillway.NoBackendAvailableException"),
                        equalTo(ATTEMPT_COUNT, 0L))
                    .hasAttributesSatisfying(
                        a ->
                            assertThat(a.asMap())
                                .doesNotContainKeys(SERVER_ADDRESS, BACKEND_ID, RESPONSE_MODEL)));
    assertThat(t.sent()).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void attemptWithoutResponseHasTheExceptionClassAsErrorTypeAndNoStatusCode(Mode mode) {
    BackendPool pool =
        track(
            Pools.manual(time, PTU, PAYGO)
                .openTelemetry(otel)
                .settings(PoolSettings.builder().maxAttempts(2).build())
                .build());
    ScriptedTransport t =
        new ScriptedTransport(time)
            .on("ptu", failure(new ConnectException("connection refused")))
            // sync transports enforce the attempt timeout themselves; async ones are cancelled by
            // it
            .on(
                "paygo",
                mode == Mode.SYNC
                    ? failure(new AttemptTimeoutException("paygo", Duration.ofSeconds(60)))
                    : ok().latencyMillis(61_000));
    Throwable thrown = catchThrowable(() -> call(mode, pool, chat(), t));
    assertThat(thrown).isInstanceOf(AttemptsExhaustedException.class);

    assertThat(attemptSpans())
        .satisfiesExactly(
            s ->
                assertThat(s)
                    .hasAttributesSatisfyingExactly(
                        equalTo(BACKEND_ID, "ptu"),
                        equalTo(BACKEND_TIER, 0L),
                        equalTo(DEPLOYMENT, "ptu-gpt4o"),
                        equalTo(ATTEMPT_OUTCOME, "failed"),
                        equalTo(ERROR_TYPE, "java.net.ConnectException")),
            s ->
                assertThat(s)
                    .hasAttributesSatisfyingExactly(
                        equalTo(BACKEND_ID, "paygo"),
                        equalTo(BACKEND_TIER, 1L),
                        equalTo(DEPLOYMENT, "paygo-gpt4o"),
                        equalTo(ATTEMPT_OUTCOME, "failed"),
                        equalTo(ERROR_TYPE, "dev.spillway.spi.AttemptTimeoutException")));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void callerErrorEndsTheCallWithItsStatusAsErrorTypeAndTheAnsweringBackend(Mode mode) {
    BackendPool pool = pool(PTU, PAYGO);
    ScriptedTransport t =
        new ScriptedTransport(time).on("ptu", status(400).errorCode("content_filter"));
    assertThat(call(mode, pool, chat(), t).status()).isEqualTo(400);

    assertThat(callSpan())
        .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfying(
            equalTo(ERROR_TYPE, "400"), equalTo(ATTEMPT_COUNT, 1L),
            equalTo(BACKEND_ID, "ptu"), equalTo(BACKEND_TIER, 0L),
            equalTo(SERVER_ADDRESS, "ptu.openai.azure.com"), equalTo(SERVER_PORT, 443L));
    assertThat(attemptSpans())
        .singleElement()
        .satisfies(
            s ->
                assertThat(s)
                    .hasAttributesSatisfyingExactly(
                        equalTo(BACKEND_ID, "ptu"),
                        equalTo(BACKEND_TIER, 0L),
                        equalTo(DEPLOYMENT, "ptu-gpt4o"),
                        equalTo(HTTP_STATUS, 400L),
                        equalTo(ATTEMPT_OUTCOME, "caller_error"),
                        equalTo(ERROR_TYPE, "400")));
    assertThat(metric("gen_ai.client.operation.duration"))
        .hasHistogramSatisfying(
            h ->
                h.hasPointsSatisfying(
                    p ->
                        p.hasCount(1)
                            .hasAttributesSatisfyingExactly(
                                equalTo(OPERATION, "chat"),
                                equalTo(PROVIDER, PROVIDER_AZURE),
                                equalTo(REQUEST_MODEL, "gpt-4o"),
                                equalTo(ERROR_TYPE, "400"))));
    // nothing was admitted: no zero-token points skew the usage histogram
    assertThat(findMetric("gen_ai.client.token.usage")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void cancelledCallEndsItsAttemptSpanAsCancelled(Mode mode) {
    BackendPool pool = pool(PTU, PAYGO);
    if (mode == Mode.SYNC) {
      ScriptedTransport t =
          new ScriptedTransport(time)
              .on("ptu", failure(new InterruptedException("caller interrupted")));
      assertThat(catchThrowable(() -> CallExecutor.of(pool).execute(chat(), t)))
          .isInstanceOf(CallInterruptedException.class);
      assertThat(Thread.interrupted()).isTrue(); // the engine restored the interrupt; clear it
    } else {
      ScriptedTransport t = new ScriptedTransport(time).on("ptu", ok().latencyMillis(5_000));
      CompletableFuture<Reply> f = CallExecutor.of(pool).executeAsync(chat(), t.async());
      time.advanceMillis(1_000);
      f.cancel(true);
      time.runAll(TEN_MINUTES);
    }

    assertThat(callSpan())
        .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfying(
            equalTo(ERROR_TYPE, CancellationException.class.getName()), equalTo(ATTEMPT_COUNT, 1L));
    assertThat(attemptSpans())
        .singleElement()
        .satisfies(
            s ->
                assertThat(s)
                    .hasAttributesSatisfyingExactly(
                        equalTo(BACKEND_ID, "ptu"),
                        equalTo(BACKEND_TIER, 0L),
                        equalTo(DEPLOYMENT, "ptu-gpt4o"),
                        equalTo(ATTEMPT_OUTCOME, "cancelled"),
                        equalTo(ERROR_TYPE, "cancelled")));
    assertThat(metric("spillway.outstanding"))
        .hasLongSumSatisfying(
            s ->
                s.hasPointsSatisfying(
                    p -> p.hasValue(0).hasAttributesSatisfyingExactly(equalTo(BACKEND_ID, "ptu"))));
  }

  // ---- streams ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void streamKeepsCallSpanOutstandingAndDurationOpenUntilTheHandleCompletes(Mode mode) {
    BackendPool pool = pool(PTU, PAYGO);
    ScriptedTransport t =
        new ScriptedTransport(time).on("ptu", ok().latencyMillis(100).leaveOpen());
    Reply reply = call(mode, pool, stream(), t);
    assertThat(reply.status()).isEqualTo(200);

    // headers arrived and the caller has the stream: nothing about the call has ended yet
    assertThat(spans.getFinishedSpanItems()).isEmpty();
    assertThat(findMetric("gen_ai.client.operation.duration")).isEmpty();
    assertThat(metric("spillway.outstanding"))
        .hasLongSumSatisfying(
            s ->
                s.hasPointsSatisfying(
                    p -> p.hasValue(1).hasAttributesSatisfyingExactly(equalTo(BACKEND_ID, "ptu"))));

    time.advanceMillis(3_000); // the body streams for 3 s
    Attempt open = t.openAttempts().get(0);
    open.completion().complete(Usage.reported(7, 42), RESPONSE_MODEL_NAME);

    assertThat(callSpan())
        .hasStatus(StatusData.unset())
        .hasAttributesSatisfyingExactly(
            equalTo(OPERATION, "chat"),
            equalTo(PROVIDER, PROVIDER_AZURE),
            equalTo(REQUEST_MODEL, "gpt-4o"),
            equalTo(RESPONSE_MODEL, RESPONSE_MODEL_NAME),
            equalTo(INPUT_TOKENS, 7L),
            equalTo(OUTPUT_TOKENS, 42L),
            equalTo(SERVER_ADDRESS, "ptu.openai.azure.com"),
            equalTo(SERVER_PORT, 443L),
            equalTo(BACKEND_ID, "ptu"),
            equalTo(BACKEND_TIER, 0L),
            equalTo(ATTEMPT_COUNT, 1L),
            equalTo(CONSUMER_ID, "team-a"),
            equalTo(TAG_FEATURE, "summarize"));
    assertThat(attemptSpans())
        .singleElement()
        .satisfies(
            s ->
                assertThat(s)
                    .hasParentSpanId(callSpan().getSpanId())
                    .hasAttributesSatisfyingExactly(
                        equalTo(BACKEND_ID, "ptu"),
                        equalTo(BACKEND_TIER, 0L),
                        equalTo(DEPLOYMENT, "ptu-gpt4o"),
                        equalTo(HTTP_STATUS, 200L),
                        equalTo(ATTEMPT_OUTCOME, "success")));
    assertThat(metric("gen_ai.client.operation.duration"))
        .hasHistogramSatisfying(h -> h.hasPointsSatisfying(p -> p.hasCount(1).hasSum(3.100)));
    assertThat(metric("gen_ai.client.token.usage"))
        .hasHistogramSatisfying(
            h ->
                h.hasPointsSatisfying(
                    p -> p.hasSum(7).hasAttributesSatisfying(equalTo(TOKEN_TYPE, "input")),
                    p -> p.hasSum(42).hasAttributesSatisfying(equalTo(TOKEN_TYPE, "output"))));
    assertThat(metric("spillway.outstanding"))
        .hasLongSumSatisfying(
            s ->
                s.hasPointsSatisfying(
                    p -> p.hasValue(0).hasAttributesSatisfyingExactly(equalTo(BACKEND_ID, "ptu"))));
    assertThat(t.sent().get(0).traceHeaders())
        .containsEntry("traceparent", traceparent(attemptSpans().get(0).getSpanContext()));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void streamFailingMidwayEndsBothSpansWithTheStreamsError(Mode mode) {
    BackendPool pool = pool(PTU, PAYGO);
    ScriptedTransport t = new ScriptedTransport(time).on("ptu", ok().leaveOpen());
    call(mode, pool, stream(), t);
    time.advanceMillis(500);
    t.openAttempts().get(0).completion().fail(new IOException("connection reset mid-stream"));

    assertThat(callSpan())
        .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfying(
            equalTo(ERROR_TYPE, "java.io.IOException"),
            equalTo(BACKEND_ID, "ptu"),
            equalTo(ATTEMPT_COUNT, 1L));
    assertThat(attemptSpans())
        .singleElement()
        .satisfies(
            s ->
                assertThat(s)
                    .hasStatusSatisfying(st -> st.hasCode(StatusCode.ERROR))
                    .hasAttributesSatisfyingExactly(
                        equalTo(BACKEND_ID, "ptu"),
                        equalTo(BACKEND_TIER, 0L),
                        equalTo(DEPLOYMENT, "ptu-gpt4o"),
                        equalTo(HTTP_STATUS, 200L),
                        equalTo(ATTEMPT_OUTCOME, "failed"),
                        equalTo(ERROR_TYPE, "java.io.IOException")));
    assertThat(metric("gen_ai.client.operation.duration"))
        .hasHistogramSatisfying(
            h ->
                h.hasPointsSatisfying(
                    p ->
                        p.hasCount(1)
                            .hasSum(0.5)
                            .hasAttributesSatisfying(equalTo(ERROR_TYPE, "java.io.IOException"))));
    assertThat(metric("spillway.attempts"))
        .hasLongSumSatisfying(
            s ->
                s.hasPointsSatisfying(
                    p ->
                        p.hasValue(1)
                            .hasAttributesSatisfyingExactly(
                                equalTo(BACKEND_ID, "ptu"),
                                equalTo(BACKEND_TIER, 0L),
                                equalTo(ATTEMPT_OUTCOME, "failed"))));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void streamTheCallerStopsReadingEndsItsAttemptAsCancelled(Mode mode) {
    BackendPool pool = pool(PTU, PAYGO);
    ScriptedTransport t = new ScriptedTransport(time).on("ptu", ok().leaveOpen());
    call(mode, pool, stream(), t);
    t.openAttempts().get(0).completion().cancelled();

    assertThat(attemptSpans())
        .singleElement()
        .satisfies(
            s ->
                assertThat(s)
                    .hasAttributesSatisfying(
                        equalTo(HTTP_STATUS, 200L),
                        equalTo(ATTEMPT_OUTCOME, "cancelled"),
                        equalTo(ERROR_TYPE, "cancelled")));
    assertThat(callSpan())
        .hasAttributesSatisfying(
            equalTo(BACKEND_ID, "ptu"),
            equalTo(INPUT_TOKENS, 12L),
            equalTo(OUTPUT_TOKENS, 0L)); // estimated from the request
    assertThat(metric("spillway.outstanding"))
        .hasLongSumSatisfying(
            s ->
                s.hasPointsSatisfying(
                    p -> p.hasValue(0).hasAttributesSatisfyingExactly(equalTo(BACKEND_ID, "ptu"))));
  }

  @Test
  void streamWhoseCallIsCancelledAsItsHeadersArriveIsDiscardedAndStillSettles() {
    BackendPool pool = pool(PTU, PAYGO);
    AtomicReference<CompletableFuture<Reply>> result = new AtomicReference<>();
    List<Reply> discarded = new ArrayList<>();
    AsyncAttemptTransport<Reply> scripted =
        new ScriptedTransport(time).on("ptu", throttled(2000)).async();
    AsyncAttemptTransport<Reply> transport =
        new AsyncAttemptTransport<>() {
          @Override
          public CompletableFuture<AttemptResponse<Reply>> send(Attempt attempt) {
            if (attempt.number() == 1) {
              return scripted.send(attempt);
            }
            result.get().cancel(true); // the caller gives up just as the stream's headers arrive
            return CompletableFuture.completedFuture(
                new AttemptResponse<>(
                    200,
                    name -> null,
                    null,
                    new Reply(attempt.backend().id(), attempt.deployment().name(), 200)));
          }

          @Override
          public void discard(Reply response) {
            discarded.add(response);
          }
        };
    CompletableFuture<Reply> f = CallExecutor.of(pool).executeAsync(stream(), transport);
    result.set(f);
    time.runAll(TEN_MINUTES);

    assertThat(f).isCancelled();
    // the superseded 429, and the stream nobody will read: handed back to be closed, and the
    // attempt settled
    assertThat(discarded).extracting(Reply::backendId).containsExactly("ptu", "paygo");
    assertThat(callSpan()).hasAttribute(ATTEMPT_COUNT, 2L);
    assertThat(attemptSpans())
        .extracting(s -> s.getAttributes().get(ATTEMPT_OUTCOME))
        .containsExactly("throttled", "cancelled");
    assertThat(metric("spillway.outstanding"))
        .hasLongSumSatisfying(
            s ->
                s.hasPointsSatisfying(
                    p -> p.hasValue(0).hasAttributesSatisfyingExactly(equalTo(BACKEND_ID, "ptu")),
                    p ->
                        p.hasValue(0)
                            .hasAttributesSatisfyingExactly(equalTo(BACKEND_ID, "paygo"))));
  }

  private static CallRequest stream() {
    return CallRequest.builder("chat", "gpt-4o")
        .streaming(true)
        .promptTokens(12)
        .consumerId("team-a")
        .tag("feature", "summarize")
        .build();
  }

  // ---- what is never recorded ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void recordsOnlyTheTablesAttributesSoNoMessageContentCanAppear(Mode mode) {
    BackendPool pool = pool(PTU, PAYGO);
    throttleThenSuccess(mode, pool);
    ScriptedTransport waiting =
        new ScriptedTransport(time).on("ptu", throttled(300)).on("paygo", status(500), ok());
    call(mode, pool, chat(), waiting);

    // The engine has no API that takes prompt or completion text, so the guarantee is that
    // nothing outside the table of docs/design.md is recorded: no gen_ai.input.messages,
    // gen_ai.output.messages, gen_ai.system_instructions, gen_ai.prompt or completion events.
    Set<String> spanKeys =
        Set.of(
            OPERATION.getKey(),
            PROVIDER.getKey(),
            REQUEST_MODEL.getKey(),
            RESPONSE_MODEL.getKey(),
            INPUT_TOKENS.getKey(),
            OUTPUT_TOKENS.getKey(),
            SERVER_ADDRESS.getKey(),
            SERVER_PORT.getKey(),
            ERROR_TYPE.getKey(),
            BACKEND_ID.getKey(),
            BACKEND_TIER.getKey(),
            ATTEMPT_COUNT.getKey(),
            CONSUMER_ID.getKey(),
            DEPLOYMENT.getKey(),
            HTTP_STATUS.getKey(),
            ATTEMPT_OUTCOME.getKey(),
            RETRY_AFTER_MS.getKey());
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).hasSize(6);
    for (SpanData span : finished) {
      assertThat(keys(span.getAttributes()))
          .allSatisfy(
              k ->
                  assertThat(spanKeys.contains(k) || k.equals(TAG_FEATURE.getKey()))
                      .as("%s on span %s", k, span.getName())
                      .isTrue());
      for (EventData event : span.getEvents()) {
        assertThat(event.getName()).isEqualTo("spillway.wait");
        assertThat(keys(event.getAttributes())).containsExactly(WAIT_MS.getKey());
      }
    }
    Set<String> metricKeys =
        Set.of(
            OPERATION.getKey(),
            PROVIDER.getKey(),
            REQUEST_MODEL.getKey(),
            ERROR_TYPE.getKey(),
            TOKEN_TYPE.getKey(),
            BACKEND_ID.getKey(),
            BACKEND_TIER.getKey(),
            ATTEMPT_OUTCOME.getKey(),
            DEPLOYMENT.getKey(),
            COOLDOWN_REASON.getKey());
    for (MetricData m : metrics.collectAllMetrics()) {
      for (PointData p : m.getData().getPoints()) {
        assertThat(keys(p.getAttributes())).as(m.getName()).isSubsetOf(metricKeys);
      }
    }
  }

  // ---- without an SDK ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void withNoOpenTelemetryConfiguredCallsWorkAndCarryTheCallersTraceContext(Mode mode) {
    GlobalOpenTelemetry.resetForTest(); // nothing installed: the global is the no-op API
    BackendPool pool = track(Pools.manual(time, PTU, PAYGO).build());
    SpanContext caller =
        SpanContext.create(
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            TraceFlags.getSampled(),
            TraceState.getDefault());
    ScriptedTransport t = new ScriptedTransport(time).on("ptu", throttled(1000)).on("paygo", ok());
    try (Scope ignored = Span.wrap(caller).makeCurrent()) {
      assertThat(call(mode, pool, chat(), t).backendId()).isEqualTo("paygo");
    }
    // Without an SDK there are no spans of our own, so every attempt carries the caller's span
    // as its parent: the backend's logs still join the caller's trace.
    assertThat(t.sent())
        .hasSize(2)
        .allSatisfy(
            s ->
                assertThat(s.traceHeaders())
                    .containsEntry(
                        "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

    // and a call outside any trace sends no trace context rather than an invalid one
    ScriptedTransport untraced = new ScriptedTransport(time);
    call(mode, pool, chat(), untraced);
    assertThat(untraced.sent())
        .singleElement()
        .satisfies(s -> assertThat(s.traceHeaders()).isEmpty());
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void globalOpenTelemetryInstalledAfterThePoolIsBuiltIsPickedUp() {
    GlobalOpenTelemetry.resetForTest();
    BackendPool pool = track(Pools.manual(time, PTU, PAYGO).build());
    GlobalOpenTelemetry.set(otel); // an agent or the application installs the SDK later

    CallExecutor.of(pool).execute(chat(), new ScriptedTransport(time));

    assertThat(callSpan()).hasAttribute(BACKEND_ID, "ptu");
    assertThat(metric("spillway.attempts"))
        .hasLongSumSatisfying(
            s ->
                s.hasPointsSatisfying(
                    p -> p.hasValue(1).hasAttributesSatisfying(equalTo(BACKEND_ID, "ptu"))));
  }

  // ---- helpers ----

  private BackendPool pool(Backend... backends) {
    return track(Pools.manual(time, backends).openTelemetry(otel).build());
  }

  private BackendPool track(BackendPool pool) {
    pools.add(pool);
    return pool;
  }

  private Reply call(Mode mode, BackendPool pool, CallRequest request, ScriptedTransport t) {
    if (mode == Mode.SYNC) {
      return CallExecutor.of(pool).execute(request, t);
    }
    CompletableFuture<Reply> f = CallExecutor.of(pool).executeAsync(request, t.async());
    time.runAll(TEN_MINUTES);
    assertThat(f).isDone();
    try {
      return f.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private SpanData callSpan() {
    List<SpanData> calls =
        spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(CALL_SPAN)).toList();
    assertThat(calls).as("finished call spans").hasSize(1);
    return calls.get(0);
  }

  /** Finished attempt spans, in the order they ended (a call's attempts never overlap). */
  private List<SpanData> attemptSpans() {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().startsWith("attempt "))
        .toList();
  }

  private Optional<MetricData> findMetric(String name) {
    return metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(name))
        .filter(m -> !m.getData().getPoints().isEmpty())
        .findFirst();
  }

  private MetricData metric(String name) {
    return findMetric(name).orElseThrow(() -> new AssertionError("no metric " + name));
  }

  private static String traceparent(SpanContext context) {
    return "00-"
        + context.getTraceId()
        + "-"
        + context.getSpanId()
        + "-"
        + context.getTraceFlags().asHex();
  }

  private static List<String> keys(Attributes attributes) {
    return attributes.asMap().keySet().stream().map(AttributeKey::getKey).toList();
  }
}
