package dev.spillway.adaptertests;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.spillway.Backend;
import dev.spillway.CallOutcome;
import dev.spillway.ContentFilterResult;
import dev.spillway.Deployment;
import dev.spillway.PoolSettings;
import dev.spillway.Usage;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.audit.AuditRecord;
import dev.spillway.pool.audit.AuditSettings;
import dev.spillway.pool.audit.AuditSink;
import dev.spillway.pool.audit.AuditSinks;
import dev.spillway.pool.audit.CaptureLevel;
import dev.spillway.testing.AzureRecordings;
import dev.spillway.testing.LogCapture;
import dev.spillway.testing.RecordingListener;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Audit records and content safety through one SDK's real clients, sync and async, against one
 * WireMock backend answering with the recorded Azure exchanges (core's {@code azure-recordings/})
 * and the synthetic tool-call stream ({@code tool-call-stream.sse}, see the README beside it): the
 * record of every capture level, a stream reassembled into the non-streamed answer's shape,
 * content-filter results on the record, the outcome, the span and the counter, the redaction hook
 * before every sink, the text cap, the never-blocking queue and a clean close.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AuditScenarios {
  static final String MODEL = "gpt-4o";
  static final String DEPLOYMENT = "gpt4o-ptu";
  static final String KEY = "audit-key-7f3e9a";
  static final String TOOL_ARGUMENTS = "{\"locationName\":\"Honolulu\",\"date\":\"2023-11-09\"}";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final WireMockServer backend =
      new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  private final List<AutoCloseable> opened = new ArrayList<>();
  private RecordingListener events;
  private InMemorySpanExporter spans;
  private InMemoryMetricReader metrics;
  private InMemoryLogRecordExporter logs;
  private OpenTelemetrySdk otel;
  private Collected collected;

  @TempDir Path dir;

  /**
   * @return the SDK under test
   */
  protected abstract Sdk sdk();

  @BeforeAll
  void startBackend() {
    backend.start();
  }

  @AfterAll
  void stopBackend() {
    backend.stop();
  }

  @BeforeEach
  void reset() {
    backend.resetAll();
    backend.stubFor(any(anyUrl()).willReturn(Stubs.ok()));
    events = new RecordingListener();
    collected = new Collected();
    spans = InMemorySpanExporter.create();
    metrics = InMemoryMetricReader.create();
    logs = InMemoryLogRecordExporter.create();
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setLoggerProvider(
                SdkLoggerProvider.builder()
                    .addLogRecordProcessor(SimpleLogRecordProcessor.create(logs))
                    .build())
            .build();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
    opened.clear();
    otel.close();
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aStreamedToolCallIsRecordedInExactlyTheShapeOfTheNonStreamedAnswer(boolean async) {
    SpillwayPool pool = pool(full(collected));
    SdkClient client = client(pool, async);
    backend.stubFor(chat().willReturn(Stubs.json(200, recordedToolCallAnswer())));
    client.chat(MODEL, "What should I wear in Honolulu next Thursday?", 512);
    backend.stubFor(chat().willReturn(stream(resource("tool-call-stream.sse"))));
    client.stream(MODEL, "What should I wear in Honolulu next Thursday?", 512);

    pool.close();
    assertThat(collected.records).hasSize(2);
    AuditRecord plain = collected.records.get(0);
    AuditRecord streamed = collected.records.get(1);
    assertThat(streamed.streamed()).isTrue();
    assertThat(plain.streamed()).isFalse();
    assertThat(streamed.response()).isEqualTo(plain.response());
    AuditRecord.Message answer = streamed.response().choices().get(0).message();
    assertThat(answer.role()).isEqualTo("assistant");
    assertThat(answer.content()).isNull();
    assertThat(answer.toolCalls())
        .containsExactly(
            new AuditRecord.ToolCall(
                0,
                "call_ArEgkg9kPMUIdrCtiyOH1xfv",
                "function",
                "get_future_temperature",
                TOOL_ARGUMENTS));
    assertThat(streamed.finishReasons()).containsExactly("stop");
    assertThat(streamed.responseId()).isEqualTo("chatcmpl-Aau8o1dm3g0wUyuQDYTqZ1t1RGY6w");
    assertThat(streamed.usage()).isEqualTo(Usage.reported(115, 16));
    assertThat(streamed.contentFilter()).isEqualTo(plain.contentFilter());
    assertThat(streamed.contentFilter().of(ContentFilterResult.Source.PROMPT))
        .extracting(ContentFilterResult::category)
        .containsExactly("hate", "jailbreak", "self_harm", "sexual", "violence");
    AuditRecord.Message asked = streamed.request().messages().get(0);
    assertThat(asked.role()).isEqualTo("user");
    assertThat(asked.content()).isEqualTo("What should I wear in Honolulu next Thursday?");
    assertThat(streamed.request().parameters()).containsEntry("stream", "true");
    assertThat(streamed.request().parameters()).doesNotContainKey("stream_options");
    assertThat(streamed.backendId()).isEqualTo("ptu");
    assertThat(streamed.region()).isEqualTo("swedencentral");
    assertThat(streamed.tier()).isZero();
    assertThat(streamed.deployment()).isEqualTo(DEPLOYMENT);
    assertThat(streamed.firstByteAt()).isBetween(streamed.startedAt(), streamed.endedAt());
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aRecordedContentFilterRefusalReachesTheRecordTheOutcomeTheSpanAndTheCounter(boolean async) {
    SpillwayPool pool = pool(metadata(collected));
    SdkClient client = client(pool, async);
    backend.stubFor(
        chat()
            .willReturn(
                Stubs.json(
                    400,
                    recordedResponse(
                        "TestClient_GetChatCompletions_AzureOpenAI_ContentFilterWithError.json"))));

    Throwable refused = catchThrowable(() -> client.chat(MODEL, "How do I rob a bank?", 100));

    assertThat(client.status(refused)).isEqualTo(400);
    CallOutcome outcome = outcome(1);
    assertThat(outcome.contentFilter().errorCode()).isEqualTo("ResponsibleAIPolicyViolation");
    assertThat(outcome.contentFilter().results())
        .contains(
            new ContentFilterResult(
                ContentFilterResult.Source.PROMPT, 0, "violence", true, "medium", null),
            new ContentFilterResult(
                ContentFilterResult.Source.PROMPT, 0, "hate", false, "safe", null));
    pool.close();
    assertThat(collected.records).hasSize(1);
    assertThat(collected.records.get(0).contentFilter()).isEqualTo(outcome.contentFilter());
    SpanData call = callSpan();
    assertThat(call.getAttributes().get(stringArray("spillway.content_filter.prompt.filtered")))
        .containsExactly("violence");
    assertThat(
            call.getAttributes().get(AttributeKey.stringKey("spillway.content_filter.error_code")))
        .isEqualTo("ResponsibleAIPolicyViolation");
    assertThat(contentFilterPoints())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getValue()).isEqualTo(1);
              assertThat(p.getAttributes().asMap())
                  .containsEntry(AttributeKey.stringKey("spillway.content_filter.source"), "prompt")
                  .containsEntry(
                      AttributeKey.stringKey("spillway.content_filter.category"), "violence")
                  .containsEntry(
                      AttributeKey.stringKey("spillway.content_filter.severity"), "medium")
                  .containsEntry(AttributeKey.booleanKey("spillway.content_filter.filtered"), true);
            });
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aRecordedAnswersFilterResultsAreOnTheOutcomeEvenWithAuditOff(boolean async) {
    SpillwayPool pool = pool(null);
    SdkClient client = client(pool, async);
    backend.stubFor(chat().willReturn(Stubs.json(200, recordedResponse("ChatCompletion.json"))));

    client.chat(MODEL, "Hello", 100);

    CallOutcome outcome = outcome(1);
    assertThat(outcome.contentFilter().of(ContentFilterResult.Source.PROMPT))
        .extracting(ContentFilterResult::category)
        .contains("hate", "jailbreak", "self_harm", "sexual", "violence");
    assertThat(outcome.contentFilter().of(ContentFilterResult.Source.COMPLETION))
        .extracting(ContentFilterResult::category)
        .contains("protected_material_code", "protected_material_text");
    assertThat(outcome.contentFilter().filtered()).isFalse();
    assertThat(contentFilterPoints()).as("no hit: every category safe").isEmpty();
    assertThat(pool.auditRecordsDropped()).isZero();
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aMetadataRecordHoldsNoText(boolean async) throws IOException {
    Path file = dir.resolve("metadata-" + async + ".jsonl");
    SpillwayPool pool =
        pool(
            b ->
                b.capture(CaptureLevel.METADATA)
                    .sink(collected)
                    .sink(AuditSinks.jsonLines(file, 1 << 20, 2)));
    SdkClient client = client(pool, async);
    backend.stubFor(chat().willReturn(Stubs.json(200, recordedToolCallAnswer())));
    client.chat(MODEL, "my secret question", 100);
    backend.stubFor(chat().willReturn(stream(resource("tool-call-stream.sse"))));
    client.stream(MODEL, "my secret question", 100);

    pool.close();
    assertThat(collected.records)
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.request()).isNull();
              assertThat(r.response()).isNull();
              assertThat(r.capture()).isEqualTo(CaptureLevel.METADATA);
              assertThat(r.finishReasons()).containsExactly("stop");
            });
    String written = Files.readString(file);
    assertThat(written.lines()).hasSize(2);
    assertThat(written).doesNotContain("secret", "Honolulu", "get_future_temperature");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void theRedactionHookRunsBeforeEverySinkAndNoKeyIsInAFullRecord(boolean async) throws Exception {
    Path file = dir.resolve("redacted-" + async + ".jsonl");
    List<String> logged;
    try (AutoCloseable level = LogCapture.quiet(AuditSinks.LOGGER, Level.INFO);
        LogCapture log = LogCapture.of(AuditSinks.LOGGER)) {
      SpillwayPool pool =
          pool(
              b ->
                  b.capture(CaptureLevel.FULL)
                      .sink(collected)
                      .sink(AuditSinks.log())
                      .sink(AuditSinks.jsonLines(file, 1 << 20, 2))
                      .sink(AuditSinks.openTelemetry(otel))
                      .redactor(r -> r.withText(t -> t.replace("Honolulu", "[city]"))));
      SdkClient client = client(pool, async);
      backend.stubFor(chat().willReturn(stream(resource("tool-call-stream.sse"))));
      client.stream(MODEL, "What should I wear in Honolulu next Thursday?", 512);
      pool.close();
      logged = log.all();
    }

    assertThat(collected.records).hasSize(1);
    AuditRecord record = collected.records.get(0);
    assertThat(record.request().messages().get(0).content())
        .isEqualTo("What should I wear in [city] next Thursday?");
    assertThat(record.response().choices().get(0).message().toolCalls().get(0).arguments())
        .isEqualTo("{\"locationName\":\"[city]\",\"date\":\"2023-11-09\"}");
    String json = Files.readString(file);
    List<String> everything = new ArrayList<>(logged);
    everything.add(json);
    everything.add(record.toJson());
    for (LogRecordData event : logs.getFinishedLogRecordItems()) {
      everything.add(event.getAttributes().toString());
    }
    assertThat(logged).hasSize(1);
    assertThat(logs.getFinishedLogRecordItems()).hasSize(1);
    assertThat(everything)
        .allSatisfy(
            s -> assertThat(s).contains("[city]").doesNotContain("Honolulu").doesNotContain(KEY));
    JsonNode line = JSON.readTree(json.lines().findFirst().orElseThrow());
    assertThat(line.path("call_id").asText()).isEqualTo(record.callId());
    assertThat(line.path("request").path("messages").get(0).path("role").asText())
        .isEqualTo("user");
    assertThat(line.path("usage").path("input_tokens").asLong()).isEqualTo(115);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void theOpenTelemetryEventCarriesTheGenAiAttributesAndTheMessagesOnlyAtFull(boolean async)
      throws Exception {
    SpillwayPool pool =
        pool(b -> b.capture(CaptureLevel.FULL).sink(AuditSinks.openTelemetry(otel)));
    SdkClient client = client(pool, async);
    backend.stubFor(chat().willReturn(stream(resource("tool-call-stream.sse"))));
    client.stream(MODEL, "What should I wear in Honolulu next Thursday?", 512);
    pool.close();
    SpillwayPool metadataPool =
        pool(b -> b.capture(CaptureLevel.METADATA).sink(AuditSinks.openTelemetry(otel)));
    client(metadataPool, async).stream(MODEL, "What should I wear?", 512);
    metadataPool.close();

    List<LogRecordData> emitted = logs.getFinishedLogRecordItems();
    assertThat(emitted).hasSize(2);
    LogRecordData full = emitted.get(0);
    assertThat(full.getEventName()).isEqualTo("gen_ai.client.inference.operation.details");
    assertThat(full.getInstrumentationScopeInfo().getSchemaUrl())
        .isEqualTo("https://opentelemetry.io/schemas/1.37.0");
    assertThat(full.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")))
        .isEqualTo("chat");
    assertThat(full.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
        .isEqualTo("azure.ai.openai");
    assertThat(full.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")))
        .isEqualTo(MODEL);
    assertThat(full.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model")))
        .isEqualTo("gpt-4o-2024-08-06");
    assertThat(full.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
        .isEqualTo(115);
    assertThat(full.getAttributes().get(stringArray("gen_ai.response.finish_reasons")))
        .containsExactly("stop");
    JsonNode input =
        JSON.readTree(full.getAttributes().get(AttributeKey.stringKey("gen_ai.input.messages")));
    assertThat(input.get(0).path("role").asText()).isEqualTo("user");
    assertThat(input.get(0).path("parts").get(0).path("type").asText()).isEqualTo("text");
    JsonNode output =
        JSON.readTree(full.getAttributes().get(AttributeKey.stringKey("gen_ai.output.messages")));
    JsonNode part = output.get(0).path("parts").get(0);
    assertThat(part.path("type").asText()).isEqualTo("tool_call");
    assertThat(part.path("name").asText()).isEqualTo("get_future_temperature");
    assertThat(part.path("arguments").asText()).isEqualTo(TOOL_ARGUMENTS);
    assertThat(output.get(0).path("finish_reason").asText()).isEqualTo("stop");
    LogRecordData metadata = emitted.get(1);
    assertThat(metadata.getAttributes().get(AttributeKey.stringKey("gen_ai.input.messages")))
        .isNull();
    assertThat(metadata.getAttributes().get(AttributeKey.stringKey("gen_ai.output.messages")))
        .isNull();
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void capturedTextIsCutAtTheCapWithATruncationMarker(boolean async) {
    SpillwayPool pool = pool(b -> b.capture(CaptureLevel.FULL).sink(collected).maxFieldChars(12));
    SdkClient client = client(pool, async);
    backend.stubFor(chat().willReturn(stream(resource("tool-call-stream.sse"))));
    client.stream(MODEL, "What should I wear in Honolulu next Thursday?", 512);
    pool.close();

    AuditRecord record = collected.records.get(0);
    assertThat(record.request().messages().get(0).content())
        .isEqualTo("What should " + AuditRecord.TRUNCATION_MARKER + "33 chars]");
    assertThat(record.response().choices().get(0).message().toolCalls().get(0).arguments())
        .isEqualTo(
            TOOL_ARGUMENTS.substring(0, 12)
                + AuditRecord.TRUNCATION_MARKER
                + (TOOL_ARGUMENTS.length() - 12)
                + " chars]");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void whileASinkIsBlockedCallsCompleteAndTheOverflowIsCountedAsDrops(boolean async)
      throws Exception {
    Blocking blocked = new Blocking();
    SpillwayPool pool = pool(b -> b.sink(blocked).queueCapacity(2));
    SdkClient client = client(pool, async);

    client.chat(MODEL, "one", 10);
    assertThat(blocked.entered.await(10, TimeUnit.SECONDS)).as("the sink took record 1").isTrue();
    for (int i = 2; i <= 6; i++) {
      assertThat(client.chat(MODEL, "call " + i, 10)).isEqualTo("Hello");
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> events.outcomes().size() == 6);
    assertThat(pool.auditRecordsDropped()).as("records 4, 5 and 6: the queue holds 2").isEqualTo(3);
    assertThat(droppedCounter()).isEqualTo(3);
    blocked.release.countDown();
    pool.close();
    assertThat(blocked.written).hasSize(3);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aCleanCloseWritesEveryQueuedRecordFirst(boolean async) throws Exception {
    Blocking slow = new Blocking();
    Path file = dir.resolve("close-" + async + ".jsonl");
    SpillwayPool pool = pool(b -> b.sink(slow).sink(AuditSinks.jsonLines(file, 1 << 20, 2)));
    SdkClient client = client(pool, async);
    for (int i = 1; i <= 5; i++) {
      client.chat(MODEL, "call " + i, 10);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> events.outcomes().size() == 5);
    assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();

    Thread closing = new Thread(pool::close, "closing");
    closing.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> closing.getState() == Thread.State.TIMED_WAITING);
    assertThat(slow.written).as("four records still queued when close began").isEmpty();
    slow.release.countDown();
    closing.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(closing.isAlive()).isFalse();
    assertThat(slow.written).hasSize(5);
    assertThat(Files.readAllLines(file)).hasSize(5);
    assertThat(pool.auditRecordsDropped()).isZero();
  }

  // ---------------------------------------------------------------------------------------------

  private static Consumer<AuditSettings.Builder> full(AuditSink sink) {
    return b -> b.capture(CaptureLevel.FULL).sink(sink);
  }

  private static Consumer<AuditSettings.Builder> metadata(AuditSink sink) {
    return b -> b.capture(CaptureLevel.METADATA).sink(sink);
  }

  /** A pool of one PTU backend; audit records per {@code audit}, or off when it is null. */
  private SpillwayPool pool(Consumer<AuditSettings.Builder> audit) {
    SpillwayPool.Builder b =
        SpillwayPool.builder()
            .backend(
                Backend.builder("ptu")
                    .endpoint("http://127.0.0.1:" + backend.port())
                    .tier(0)
                    .region("swedencentral")
                    .deployment(Deployment.ptu(MODEL, DEPLOYMENT, 300_000))
                    .build(),
                Credential.apiKey(KEY))
            .listener(events)
            .openTelemetry(otel)
            .settings(
                PoolSettings.builder()
                    .timeout(Duration.ofSeconds(30))
                    .attemptTimeout(Duration.ofSeconds(10))
                    .streamAttemptTimeout(Duration.ofSeconds(10))
                    .build())
            .randomSeed(7);
    if (audit != null) {
      AuditSettings.Builder settings = AuditSettings.builder();
      audit.accept(settings);
      b.audit(settings.build());
    }
    SpillwayPool pool = b.build();
    opened.add(pool);
    return pool;
  }

  private SdkClient client(SpillwayPool pool, boolean async) {
    SdkClient client = sdk().client(pool, async);
    opened.add(0, client);
    return client;
  }

  private CallOutcome outcome(int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> events.outcomes().size() >= n);
    return events.outcomes().get(n - 1);
  }

  private SpanData callSpan() {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().startsWith("chat"))
        .findFirst()
        .orElseThrow();
  }

  private List<LongPointData> contentFilterPoints() {
    return metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("spillway.content_filter"))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .toList();
  }

  private long droppedCounter() {
    return metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("spillway.audit.dropped"))
        .map(MetricData::getLongSumData)
        .flatMap(d -> d.getPoints().stream())
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  private static AttributeKey<List<String>> stringArray(String name) {
    return AttributeKey.stringArrayKey(name);
  }

  private static MappingBuilder chat() {
    return post(urlPathMatching("/openai/(v1|deployments/[^/]+)/chat/completions"));
  }

  private static ResponseDefinitionBuilder stream(String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "text/event-stream")
        .withBody(body);
  }

  /** The first entry's response body of a recording, as the service sent it. */
  static String recordedResponse(String recording) {
    try {
      return JSON.readTree(AzureRecordings.read(recording))
          .path("Entries")
          .get(0)
          .path("ResponseBody")
          .toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The recorded tool-call answer (SimpleToolWorksTool.json, entry 1). */
  static String recordedToolCallAnswer() {
    return recordedResponse("SimpleToolWorksTool.json");
  }

  static String resource(String name) {
    try (InputStream in = AuditScenarios.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A sink that keeps what it gets. */
  static final class Collected implements AuditSink {
    final List<AuditRecord> records = new CopyOnWriteArrayList<>();

    @Override
    public void write(AuditRecord record) {
      records.add(record);
    }
  }

  /** A sink that holds its first write until released. */
  static final class Blocking implements AuditSink {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<AuditRecord> written = new CopyOnWriteArrayList<>();

    @Override
    public void write(AuditRecord record) throws InterruptedException {
      entered.countDown();
      if (!release.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
      written.add(record);
    }
  }
}
