package dev.spillway.adaptertests;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.Backend;
import dev.spillway.CallOutcome;
import dev.spillway.CircuitState;
import dev.spillway.ConsumerPolicy;
import dev.spillway.ConsumerSettings;
import dev.spillway.Deployment;
import dev.spillway.PoolSettings;
import dev.spillway.Priority;
import dev.spillway.PriorityPolicy;
import dev.spillway.QuotaPeriod;
import dev.spillway.RejectionReason;
import dev.spillway.Usage;
import dev.spillway.pool.ConsumerResolver;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.testing.LogCapture;
import dev.spillway.testing.ManualTime;
import dev.spillway.testing.RecordingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;

/**
 * The adapter-neutral scenarios, run by every adapter's tests through its SDK's real clients, sync
 * and async: rows of the outcome table with exact request counts per backend, streams, auth, key
 * rotation, stateful operations, cancellation and secrets. Two WireMock backends: a PTU (tier 0)
 * and a PAYG (tier 1) serving the logical model {@value #MODEL} under deployments of their own.
 *
 * <p>A subclass supplies {@link #sdk()}; the scenarios assert only on what reaches the backends
 * (whichever path shape the SDK uses: the deployment in the path or in the body's {@code model}),
 * on the pool's {@link CallOutcome}s and on what the SDK raised.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AdapterScenarios {
  /** The logical model. */
  public static final String MODEL = "gpt-4o";

  /** A second model, served by the PTU backend only. */
  public static final String EMBEDDING_MODEL = "text-embedding";

  static final String PTU_DEPLOYMENT = "gpt4o-ptu";
  static final String PTU_EMBEDDING_DEPLOYMENT = "embedding-ptu";
  static final String PAYG_DEPLOYMENT = "gpt-4o-payg";
  static final String PTU_KEY = "ptu-key-5e1b";
  static final String PAYG_KEY = "payg-key-a07c";
  static final String CHAT_BODY = Stubs.CHAT_BODY;
  static final String CHUNK =
      "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
          + "\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},"
          + "\"finish_reason\":null}]}\n\n";
  static final String USAGE_CHUNK =
      "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
          + "\"gpt-4o-2024-08-06\",\"choices\":[],\"usage\":{\"prompt_tokens\":22,"
          + "\"completion_tokens\":28,\"total_tokens\":50}}\n\n";

  static final String EMBEDDINGS_BODY =
      "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
          + "\"embedding\":[0.1,0.2]}],\"model\":\"ada\",\"usage\":{\"prompt_tokens\":4,"
          + "\"total_tokens\":4}}";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The wall clock of the consumer scenarios: limits count on it. */
  private static final Instant WALL = Instant.parse("2026-12-02T10:00:30.250Z");

  private final WireMockServer ptu =
      new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  private final WireMockServer payg =
      new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  private RecordingListener events = new RecordingListener();
  private final List<AutoCloseable> opened = new ArrayList<>();

  /**
   * @return the SDK under test
   */
  protected abstract Sdk sdk();

  @BeforeAll
  void startBackends() {
    ptu.start();
    payg.start();
  }

  @AfterAll
  void stopBackends() {
    ptu.stop();
    payg.stop();
  }

  @BeforeEach
  void answerOk() {
    for (WireMockServer server : List.of(ptu, payg)) {
      server.resetAll();
      server.stubFor(any(anyUrl()).willReturn(json(200, CHAT_BODY)));
    }
    events = new RecordingListener();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
    opened.clear();
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aCallGoesToThePtuWithItsDeploymentItsKeyAndReportedUsage(boolean async) {
    SdkClient client = client(pool(b -> {}), async);

    assertThat(client.chat(MODEL, "Hello", 100)).isEqualTo("Hello");

    assertThat(requests(ptu)).hasSize(1);
    assertThat(requests(payg)).isEmpty();
    LoggedRequest sent = requests(ptu).get(0);
    assertThat(deploymentOf(sent)).isEqualTo(PTU_DEPLOYMENT);
    assertThat(sent.getHeader("api-key")).isEqualTo(PTU_KEY);
    assertThat(sent.containsHeader("Authorization")).isFalse();
    CallOutcome outcome = outcome(1);
    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.backendId()).isEqualTo("ptu");
    assertThat(outcome.deployment()).isEqualTo(PTU_DEPLOYMENT);
    assertThat(outcome.usage()).isEqualTo(Usage.reported(11, 9));
    assertThat(outcome.operation()).isEqualTo("chat");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aThrottledPtuSpillsToPaygAndCoolsForItsRetryAfter(boolean async) {
    ptu.stubFor(chat().willReturn(error(429, "429").withHeader("retry-after-ms", "60000")));
    SdkClient client = client(pool(b -> {}), async);

    client.chat(MODEL, "one", 10);
    client.chat(MODEL, "two", 10);

    assertThat(requests(ptu)).hasSize(1);
    assertThat(requests(payg)).hasSize(2);
    assertThat(requests(payg))
        .allSatisfy(r -> assertThat(deploymentOf(r)).isEqualTo(PAYG_DEPLOYMENT));
    assertThat(requests(payg))
        .allSatisfy(r -> assertThat(r.getHeader("api-key")).isEqualTo(PAYG_KEY));
    assertThat(outcome(1).attempts()).hasSize(2);
    assertThat(outcome(1).backendId()).isEqualTo("payg");
    assertThat(outcome(2).attempts()).hasSize(1);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void whenEveryRouteCoolsTheSdkSeesA429WithRetryAfterAndNothingIsSent(boolean async) {
    for (WireMockServer server : List.of(ptu, payg)) {
      server.stubFor(chat().willReturn(error(429, "429").withHeader("retry-after-ms", "60000")));
    }
    SdkClient client = client(pool(b -> {}), async);

    Throwable last = catchThrowable(() -> client.chat(MODEL, "one", 10));
    assertThat(client.status(last)).as("the last backend answer, unchanged").isEqualTo(429);
    int sent = requests(ptu).size() + requests(payg).size();
    assertThat(sent).isEqualTo(2);

    Throwable cooling = catchThrowable(() -> client.chat(MODEL, "two", 10));

    assertThat(client.status(cooling)).isEqualTo(429);
    assertThat(Long.parseLong(client.header(cooling, "retry-after-ms"))).isPositive();
    assertThat(Long.parseLong(client.header(cooling, "Retry-After"))).isBetween(1L, 60L);
    assertThat(requests(ptu).size() + requests(payg).size()).isEqualTo(sent);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aConsumerOverItsTpmGetsTheSdks429WithItsRetryAfterAndNothingIsSent(boolean async) {
    SdkClient client =
        client(
            pool(
                b ->
                    b.clock(Clock.fixed(WALL, ZoneOffset.UTC))
                        .consumers(
                            ConsumerSettings.of(ConsumerPolicy.of("team-a").withTpmLimit(100)))),
            async);

    assertThat(client.chatAs("team-a", null, MODEL, "one", 150))
        .as("a call larger than the whole limit is admitted into an empty window")
        .isEqualTo("Hello");
    Throwable over = catchThrowable(() -> client.chatAs("team-a", null, MODEL, "two", 150));

    assertThat(client.status(over)).isEqualTo(429);
    assertThat(client.header(over, "x-spillway-rejection")).isEqualTo("consumer_limit");
    // the first call's second, 10:00:30, leaves the 60 s window at 10:01:30.000
    assertThat(client.header(over, "retry-after-ms")).isEqualTo("59750");
    assertThat(client.header(over, "Retry-After")).isEqualTo("60");
    assertThat(requests(ptu)).hasSize(1);
    assertThat(requests(payg)).isEmpty();
    CallOutcome rejected = outcome(2);
    assertThat(rejected.rejection()).isEqualTo(RejectionReason.CONSUMER_LIMIT);
    assertThat(rejected.consumerId()).isEqualTo("team-a");
    assertThat(rejected.attempts()).isEmpty();

    assertThat(client.chatAs("team-b", null, MODEL, "three", 150))
        .as("another consumer has its own window")
        .isEqualTo("Hello");
    assertThat(requests(ptu)).hasSize(2);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aSpentQuotaIsA403UntilTheNextPeriodAndNothingIsSent(boolean async) {
    SdkClient client =
        client(
            pool(
                b ->
                    b.clock(Clock.fixed(WALL, ZoneOffset.UTC))
                        .consumers(
                            ConsumerSettings.of(
                                ConsumerPolicy.of("team-a").withTokenQuota(30, QuotaPeriod.DAY)))),
            async);

    client.chatAs("team-a", null, MODEL, "one", 10); // answered with 11 + 9 tokens
    Throwable spent = catchThrowable(() -> client.chatAs("team-a", null, MODEL, "two", 10));

    assertThat(client.status(spent)).isEqualTo(403);
    assertThat(client.header(spent, "x-spillway-rejection")).isEqualTo("quota_exceeded");
    long untilMidnight =
        Duration.between(WALL, Instant.parse("2026-12-03T00:00:00Z"))
            .toMillis(); // 13 h 59 m 29.75 s
    assertThat(client.header(spent, "retry-after-ms")).isEqualTo(Long.toString(untilMidnight));
    assertThat(client.header(spent, "Retry-After"))
        .isEqualTo(Long.toString((untilMidnight + 999) / 1000));
    assertThat(requests(ptu)).hasSize(1);
    assertThat(requests(payg)).isEmpty();
    assertThat(outcome(2).rejection()).isEqualTo(RejectionReason.QUOTA_EXCEEDED);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aModelOutsideTheConsumersListIsA403WithoutRetryAfter(boolean async) {
    SdkClient client =
        client(
            pool(
                b ->
                    b.consumers(
                        ConsumerSettings.of(
                            ConsumerPolicy.of("team-a").withModels(Set.of(EMBEDDING_MODEL))))),
            async);

    Throwable refused = catchThrowable(() -> client.chatAs("team-a", null, MODEL, "one", 10));

    assertThat(client.status(refused)).isEqualTo(403);
    assertThat(client.header(refused, "x-spillway-rejection")).isEqualTo("model_not_allowed");
    assertThat(client.header(refused, "Retry-After")).isNull();
    assertThat(requests(ptu)).isEmpty();
    assertThat(requests(payg)).isEmpty();
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aBatchCallNeverReachesPaygAndTheCallsPriorityOverridesTheConsumers(boolean async) {
    ptu.stubFor(chat().willReturn(error(429, "429").withHeader("retry-after-ms", "60000")));
    PriorityPolicy noQueue = new PriorityPolicy(0, 0.10, 0, Duration.ZERO);
    SdkClient client =
        client(
            pool(
                b ->
                    b.consumers(
                        new ConsumerSettings(
                            List.of(ConsumerPolicy.of("jobs").withPriority(Priority.BATCH)),
                            null,
                            noQueue))),
            async);

    assertThat(client.chatAs("jobs", Priority.INTERACTIVE, MODEL, "now", 10))
        .as("an interactive call of a batch consumer spills to PAYG")
        .isEqualTo("Hello");
    Throwable asConfigured = catchThrowable(() -> client.chatAs("jobs", null, MODEL, "later", 10));
    Throwable asAsked =
        catchThrowable(() -> client.chatAs("chat", Priority.BATCH, MODEL, "later", 10));

    assertThat(requests(ptu)).hasSize(1);
    assertThat(requests(payg)).hasSize(1);
    for (Throwable queueFull : List.of(asConfigured, asAsked)) {
      assertThat(client.status(queueFull)).isEqualTo(429);
      assertThat(client.header(queueFull, "x-spillway-rejection")).isEqualTo("queue_full");
      assertThat(Long.parseLong(client.header(queueFull, "retry-after-ms")))
          .as("until the PTU's retry-after-ms ends")
          .isBetween(1L, 60_000L);
    }
    assertThat(outcome(1).priority()).isEqualTo(Priority.INTERACTIVE);
    assertThat(outcome(2).priority()).isEqualTo(Priority.BATCH);
    assertThat(outcome(3).priority()).isEqualTo(Priority.BATCH);
    assertThat(outcome(3).rejection()).isEqualTo(RejectionReason.QUEUE_FULL);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aCallThatNamesNoConsumerGetsTheResolversAnswerAndANamedOneWins(boolean async) {
    SdkClient client = client(pool(b -> b.consumerResolver(ConsumerResolver.mdc("tenant"))), async);

    MDC.put("tenant", "tenant-7");
    try {
      client.chat(MODEL, "one", 10);
      client.chatAs("named", null, MODEL, "two", 10);
    } finally {
      MDC.remove("tenant");
    }
    client.chat(MODEL, "three", 10);

    assertThat(outcome(1).consumerId())
        .as("the resolver runs only on the caller's thread")
        .isEqualTo(sdk().callsTransportOnCallersThread(async) ? "tenant-7" : null);
    assertThat(outcome(2).consumerId()).isEqualTo("named");
    assertThat(outcome(3).consumerId()).isNull();
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aStreamGetsIncludeUsageItsUsageChunkHiddenAndItsUsageOnTheOutcome(boolean async) {
    ptu.stubFor(chat().willReturn(stream(CHUNK + CHUNK + USAGE_CHUNK + "data: [DONE]\n\n")));
    SdkClient client = client(pool(b -> {}), async);

    SdkClient.Streamed streamed = client.stream(MODEL, "Hello", 100);

    assertThat(streamed.text()).isEqualTo("HelHel");
    assertThat(streamed.usageChunks()).isZero();
    JsonNode body = body(requests(ptu).get(0));
    assertThat(body.path("stream").asBoolean()).isTrue();
    assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
    CallOutcome outcome = outcome(1);
    assertThat(outcome.usage().inputTokens()).isEqualTo(22);
    assertThat(outcome.usage().outputTokens()).isEqualTo(28);
    assertThat(outcome.usage().estimated()).isFalse();
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aStreamThePtuRefusesBeforeItsFirstByteFailsOverToPayg(boolean async) {
    ptu.stubFor(chat().willReturn(error(429, "429").withHeader("retry-after-ms", "60000")));
    payg.stubFor(chat().willReturn(stream(CHUNK + "data: [DONE]\n\n")));
    SdkClient client = client(pool(b -> {}), async);

    assertThat(client.stream(MODEL, "Hello", 100).text()).isEqualTo("Hel");

    assertThat(requests(ptu)).hasSize(1);
    assertThat(requests(payg)).hasSize(1);
    assertThat(outcome(1).backendId()).isEqualTo("payg");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aCallerWhoClosesAStreamEarlySettlesTheCallCancelledWithEstimatedUsage(boolean async) {
    ptu.stubFor(
        chat()
            .willReturn(
                stream(CHUNK + CHUNK + CHUNK + "data: [DONE]\n\n")
                    .withChunkedDribbleDelay(3, 300)));
    SdkClient client = client(pool(b -> {}), async);

    assertThat(client.streamFirstChunkThenClose(MODEL, "Hello")).isEqualTo("Hel");

    CallOutcome outcome = outcome(1);
    assertThat(outcome.backendId()).isEqualTo("ptu");
    assertThat(outcome.usage().estimated()).isTrue();
    assertThat(requests(payg)).isEmpty();
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aStatefulCallGoesToTheHomeBackendOnlyWithItsKey(boolean async) {
    for (WireMockServer server : List.of(ptu, payg)) {
      server.stubFor(
          any(urlPathMatching("/openai/(v1/)?files"))
              .willReturn(json(200, "{\"object\":\"list\",\"data\":[],\"has_more\":false}")));
    }
    SdkClient client = client(pool(b -> b.homeBackend("payg")), async);

    client.listFiles();

    assertThat(requests(ptu)).isEmpty();
    assertThat(requests(payg)).hasSize(1);
    assertThat(requests(payg).get(0).getHeader("api-key")).isEqualTo(PAYG_KEY);
    CallOutcome outcome = outcome(1);
    assertThat(outcome.operation()).isEqualTo("files");
    assertThat(outcome.backendId()).isEqualTo("payg");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void anEntraBackendGetsABearerTokenAndNoKey(boolean async) {
    TokenCredential entra =
        request ->
            Mono.just(
                new AccessToken(
                    "entra-token-91d2", OffsetDateTime.now(ZoneOffset.UTC).plusHours(1)));
    SdkClient client = client(pool(b -> {}, Credential.entra(entra)), async);

    client.chat(MODEL, "Hello", 10);

    LoggedRequest sent = requests(ptu).get(0);
    assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer entra-token-91d2");
    assertThat(sent.containsHeader("api-key")).isFalse();
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aRotatedKeyIsSentFromTheNextAttemptOn(boolean async) {
    AtomicReference<String> key = new AtomicReference<>("key-before-rotation");
    SdkClient client = client(pool(b -> {}, Credential.apiKey(key::get)), async);

    client.chat(MODEL, "one", 10);
    key.set("key-after-rotation");
    client.chat(MODEL, "two", 10);

    assertThat(requests(ptu))
        .extracting(r -> r.getHeader("api-key"))
        .containsExactly("key-before-rotation", "key-after-rotation");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void a401ToAKeyRotatedMeanwhileFailsOverAtOnceWithoutTheAuthBreak(boolean async) {
    // the supplier gives the old key once (the first attempt), then the new one
    AtomicInteger reads = new AtomicInteger();
    Credential rotating =
        Credential.apiKey(() -> reads.getAndIncrement() == 0 ? "key-old-3c1" : "key-new-8d2");
    SpillwayPool pool = pool(b -> {}, rotating);
    SdkClient client = client(pool, async);
    ptu.stubFor(chat().withHeader("api-key", equalTo("key-old-3c1")).willReturn(error(401, "401")));

    client.chat(MODEL, "one", 10);
    client.chat(MODEL, "two", 10);

    assertThat(attempts(outcome(1))).containsExactly(AttemptOutcome.FAILED, AttemptOutcome.SUCCESS);
    assertThat(outcome(1).backendId()).isEqualTo("payg");
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.CLOSED);
    assertThat(outcome(2).backendId()).isEqualTo("ptu");
    assertThat(requests(ptu))
        .extracting(r -> r.getHeader("api-key"))
        .containsExactly("key-old-3c1", "key-new-8d2");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void noKeyReachesWhatTheCallerSeesWhenABackendRefusesIt(boolean async) throws Exception {
    for (WireMockServer server : List.of(ptu, payg)) {
      server.stubFor(chat().willReturn(error(401, "401")));
    }
    List<String> loggers = List.of("dev.spillway", "com.azure", "com.openai", "okhttp3");
    List<AutoCloseable> levels = new ArrayList<>();
    List<LogCapture> logs = new ArrayList<>();
    for (String logger : loggers) {
      levels.add(LogCapture.quiet(logger, Level.TRACE));
      logs.add(LogCapture.of(logger));
    }
    try {
      SdkClient client = client(pool(b -> {}), async);

      Throwable error = catchThrowable(() -> client.chat(MODEL, "Hello", 10));

      assertThat(client.status(error)).isEqualTo(401);
      for (Throwable t = error; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t)).doesNotContain(PTU_KEY, PAYG_KEY);
      }
      assertThat(client.toString()).doesNotContain(PTU_KEY, PAYG_KEY);
      assertThat(outcome(1).toString()).doesNotContain(PTU_KEY, PAYG_KEY);
      List<String> logged = logs.stream().flatMap(l -> l.all().stream()).toList();
      assertThat(logged).as("TRACE logs of Spillway and the SDK").isNotEmpty();
      assertThat(logged).noneMatch(m -> m != null && (m.contains(PTU_KEY) || m.contains(PAYG_KEY)));
    } finally {
      for (LogCapture l : logs) {
        l.close();
      }
      for (AutoCloseable l : levels) {
        l.close();
      }
    }
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aStreamThatBreaksAfterItsHeadersFailsAndIsNotRetriedElsewhere(boolean async) {
    ptu.stubFor(chat().willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
    SdkClient client = client(pool(b -> {}), async);

    Throwable error = catchThrowable(() -> client.stream(MODEL, "Hello", 100));

    assertThat(error).isNotNull();
    assertThat(counts()).containsExactly(1, 0);
    CallOutcome outcome = outcome(1);
    assertThat(outcome.succeeded()).isFalse();
    assertThat(attempts(outcome)).containsExactly(AttemptOutcome.FAILED);
  }

  // --- the outcome table (docs/design.md), one row at a time; cool-downs on a ManualTime ticker
  // that only the test moves, so a loaded machine cannot end one early or late

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void ptuRetryAfterMsCoolsDownForExactlyThatThenReturnsToPtu(boolean async) {
    ManualTime time = new ManualTime();
    SdkClient client = client(pool(b -> b.ticker(time)), async);
    ptu.stubFor(chat().willReturn(error(429, "429").withHeader("retry-after-ms", "400")));

    client.chat(MODEL, "one", 10);
    assertThat(counts()).containsExactly(1, 1);
    assertThat(attempts(outcome(1)))
        .containsExactly(AttemptOutcome.THROTTLED, AttemptOutcome.SUCCESS);
    assertThat(outcome(1).attempts().get(0).coolDown()).isEqualTo(Duration.ofMillis(400));
    assertThat(outcome(1).backendId()).isEqualTo("payg");

    client.chat(MODEL, "two", 10); // still cooling: straight to PAYG
    assertThat(counts()).containsExactly(1, 2);

    ptu.stubFor(chat().willReturn(json(200, CHAT_BODY)));
    time.advanceMillis(399);
    client.chat(MODEL, "three", 10); // 1 ms of cool-down left
    assertThat(counts()).containsExactly(1, 3);
    time.advanceMillis(1);
    client.chat(MODEL, "four", 10);
    client.chat(MODEL, "five", 10);
    assertThat(counts()).containsExactly(3, 3);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aStandard429WithRetryAfterAndResetTokensCoolsForTheRetryAfter(boolean async) {
    ManualTime time = new ManualTime();
    SdkClient client = client(pool(b -> b.ticker(time)), async);
    // the real standard-deployment 429 (recording 11): no retry-after-ms
    ptu.stubFor(
        chat()
            .willReturn(
                error(429, "429")
                    .withHeader("Retry-After", "1")
                    .withHeader("policy-id", "DeploymentRatelimit-Token")
                    .withHeader("x-ratelimit-limit-requests", "10")
                    .withHeader("x-ratelimit-limit-tokens", "10000")
                    .withHeader("x-ratelimit-remaining-requests", "1")
                    .withHeader("x-ratelimit-reset-tokens", "1")));

    client.chat(MODEL, "one", 10);
    assertThat(counts()).containsExactly(1, 1);
    assertThat(outcome(1).attempts().get(0).coolDown()).isEqualTo(Duration.ofSeconds(1));
    client.chat(MODEL, "two", 10);
    assertThat(counts()).containsExactly(1, 2);

    ptu.stubFor(chat().willReturn(json(200, CHAT_BODY)));
    time.advanceMillis(1000);
    client.chat(MODEL, "three", 10);
    assertThat(counts()).containsExactly(2, 2);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void theEndOfACoolDownLetsASingleProbeThrough(boolean async) throws Exception {
    ManualTime time = new ManualTime();
    SdkClient client = client(pool(b -> b.ticker(time)), async);
    ptu.stubFor(chat().willReturn(error(429, "429").withHeader("retry-after-ms", "300")));
    client.chat(MODEL, "one", 10);
    assertThat(counts()).containsExactly(1, 1);
    time.advanceMillis(300);
    // the probe is slow and throttled again; calls arriving meanwhile must not follow it
    ptu.stubFor(
        chat()
            .willReturn(
                error(429, "429").withHeader("retry-after-ms", "5000").withFixedDelay(400)));

    ExecutorService executor = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        calls.add(executor.submit(() -> client.chat(MODEL, "concurrent", 10)));
      }
      for (Future<String> call : calls) {
        call.get(60, TimeUnit.SECONDS);
      }
    } finally {
      executor.shutdownNow();
    }
    assertThat(counts()).containsExactly(2, 5);
  }

  static Stream<Arguments> transientStatuses() {
    return Stream.of(false, true)
        .flatMap(a -> Stream.of(500, 502, 503, 504, 408).map(s -> Arguments.of(a, s)));
  }

  @ParameterizedTest(name = "async={0} status={1}")
  @MethodSource("transientStatuses")
  void aTransientStatusFailsOverOnce(boolean async, int status) {
    SdkClient client = client(pool(b -> {}), async);
    ptu.stubFor(chat().willReturn(error(status, "server_error")));

    assertThat(client.chat(MODEL, "Hello", 10)).isEqualTo("Hello");

    assertThat(counts()).containsExactly(1, 1);
    assertThat(attempts(outcome(1))).containsExactly(AttemptOutcome.FAILED, AttemptOutcome.SUCCESS);
    assertThat(outcome(1).attempts().get(0).status()).isEqualTo(status);
    assertThat(outcome(1).backendId()).isEqualTo("payg");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aServiceUnavailableWithARetryHintIsAThrottle(boolean async) {
    ManualTime time = new ManualTime();
    SdkClient client = client(pool(b -> b.ticker(time)), async);
    ptu.stubFor(chat().willReturn(error(503, "busy").withHeader("retry-after-ms", "2000")));

    client.chat(MODEL, "one", 10);
    client.chat(MODEL, "two", 10);

    assertThat(counts()).containsExactly(1, 2);
    assertThat(outcome(1).attempts().get(0).outcome()).isEqualTo(AttemptOutcome.THROTTLED);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void anUnauthorizedBackendFailsOverAndIsAvoided(boolean async) {
    SpillwayPool pool = pool(b -> {});
    SdkClient client = client(pool, async);
    ptu.stubFor(chat().willReturn(error(401, "401")));

    client.chat(MODEL, "one", 10);
    client.chat(MODEL, "two", 10);

    assertThat(counts()).containsExactly(1, 2);
    assertThat(attempts(outcome(1)))
        .containsExactly(AttemptOutcome.MISCONFIGURED, AttemptOutcome.SUCCESS);
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.OPEN);
  }

  static Stream<Arguments> misconfiguredRoutes() {
    return Stream.of(false, true)
        .flatMap(
            a ->
                Stream.of(
                    Arguments.of(a, 404, "DeploymentNotFound"),
                    Arguments.of(a, 400, "OperationNotSupported")));
  }

  @ParameterizedTest(name = "async={0} {1} {2}")
  @MethodSource("misconfiguredRoutes")
  void aMisconfiguredRouteIsAvoidedWhileTheBackendsOtherDeploymentsServe(
      boolean async, int status, String code) {
    SdkClient client = client(pool(b -> {}), async);
    ptu.stubFor(chat().willReturn(error(status, code)));
    ptu.stubFor(
        post(urlPathMatching("/openai/(v1|deployments/[^/]+)/embeddings"))
            .willReturn(json(200, EMBEDDINGS_BODY)));

    client.chat(MODEL, "one", 10);
    client.chat(MODEL, "two", 10);
    assertThat(client.embed(EMBEDDING_MODEL, "hello")).isEqualTo(1);

    assertThat(requests(ptu))
        .extracting(AdapterScenarios::deploymentOf)
        .containsExactly(PTU_DEPLOYMENT, PTU_EMBEDDING_DEPLOYMENT);
    assertThat(requests(payg))
        .extracting(AdapterScenarios::deploymentOf)
        .containsExactly(PAYG_DEPLOYMENT, PAYG_DEPLOYMENT);
    assertThat(attempts(outcome(1)))
        .containsExactly(AttemptOutcome.MISCONFIGURED, AttemptOutcome.SUCCESS);
    assertThat(outcome(3).usage()).isEqualTo(Usage.reported(4, 0));
    assertThat(outcome(3).operation()).isEqualTo("embeddings");
  }

  static Stream<Arguments> callerErrors() {
    return Stream.of(false, true)
        .flatMap(
            a ->
                Stream.of(
                    Arguments.of(a, 400, "content_filter"),
                    Arguments.of(a, 400, "invalid_request_error"),
                    Arguments.of(a, 404, "NotFound"),
                    Arguments.of(a, 413, "too_large"),
                    Arguments.of(a, 422, "unprocessable")));
  }

  @ParameterizedTest(name = "async={0} {1} {2}")
  @MethodSource("callerErrors")
  void aCallerErrorIsReturnedOnceUnchangedAndNotRetried(boolean async, int status, String code) {
    SdkClient client = client(pool(b -> {}), async);
    ptu.stubFor(chat().willReturn(error(status, code)));

    Throwable error = catchThrowable(() -> client.chat(MODEL, "Hello", 10));

    assertThat(client.status(error)).isEqualTo(status);
    assertThat(error).hasMessageContaining("test " + code);
    assertThat(counts()).containsExactly(1, 0);
    assertThat(attempts(outcome(1))).containsExactly(AttemptOutcome.CALLER_ERROR);
    assertThat(outcome(1).status()).isEqualTo(status);
  }

  // --- a backend that goes away and comes back, on a port of its own: the connections the
  // transport kept to it are closed by the backend, not by the client

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aKeepAliveConnectionTheBackendClosedCostsNoFailedAttempt(boolean async) {
    // a backend restarted between two calls (or one that closes idle connections): the connection
    // the first call left in the transport's pool is dead when the second call is sent
    WireMockServer first = answering(0);
    opened.add(first::stop);
    int port = first.port();
    SdkClient client = client(pool(port, b -> {}, Credential.apiKey(PTU_KEY)), async);
    assertThat(client.chat(MODEL, "one", 10)).isEqualTo("Hello");

    first.stop(); // closes the idle keep-alive connection
    WireMockServer again = answering(port);
    opened.add(again::stop);

    assertThat(client.chat(MODEL, "two", 10)).isEqualTo("Hello");

    assertThat(requests(again)).hasSize(1);
    assertThat(requests(payg)).isEmpty();
    assertThat(attempts(outcome(2))).containsExactly(AttemptOutcome.SUCCESS);
    assertThat(outcome(2).backendId()).isEqualTo("ptu");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aBackendThatWentDownAfterServingIsProbedEveryTenthOfTheBreakDuration(boolean async)
      throws Exception {
    // the benchmark's failure scenario in small: the backend served calls (five connections kept
    // alive), then closed them and refused connections. Its failures are refusals, so the circuit
    // they open is probed after break duration / 10 (100 ms); were they taken for broken
    // exchanges on the closed connections, the circuit would stay open the whole 1 s
    ManualTime time = new ManualTime();
    WireMockServer first = answering(0);
    opened.add(first::stop);
    int port = first.port();
    first.stubFor(any(anyUrl()).willReturn(json(200, CHAT_BODY).withFixedDelay(500)));
    SpillwayPool pool =
        pool(
            port,
            b -> b.ticker(time).settings(s -> s.circuitBreakDuration(Duration.ofSeconds(1))),
            Credential.apiKey(PTU_KEY));
    SdkClient client = client(pool, async);
    ExecutorService executor = Executors.newFixedThreadPool(5);
    try {
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        calls.add(executor.submit(() -> client.chat(MODEL, "concurrent", 10)));
      }
      for (Future<String> call : calls) {
        assertThat(call.get(60, TimeUnit.SECONDS)).isEqualTo("Hello");
      }
    } finally {
      executor.shutdownNow();
    }
    assertThat(requests(first)).hasSize(5);

    first.stop(); // closes the five idle connections; the port now refuses
    for (int i = 1; i <= 5; i++) {
      assertThat(client.chat(MODEL, "while down " + i, 10)).isEqualTo("Hello");
    }
    assertThat(requests(payg)).hasSize(5);
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.OPEN);

    WireMockServer again = answering(port);
    opened.add(again::stop);
    time.advanceMillis(99);
    client.chat(MODEL, "still open", 10);
    assertThat(requests(again)).isEmpty();
    time.advanceMillis(1);
    client.chat(MODEL, "back", 10);

    assertThat(requests(again)).hasSize(1);
    assertThat(requests(payg)).hasSize(6);
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.CLOSED);
  }

  /** A started backend answering every request with the chat body, on {@code port} (0: any). */
  private static WireMockServer answering(int port) {
    WireMockServer server =
        new WireMockServer(
            (port == 0 ? options().dynamicPort() : options().port(port)).bindAddress("127.0.0.1"));
    server.start();
    server.stubFor(any(anyUrl()).willReturn(json(200, CHAT_BODY)));
    return server;
  }

  // ---------------------------------------------------------------------------------------------

  private List<Integer> counts() {
    return List.of(requests(ptu).size(), requests(payg).size());
  }

  private static List<AttemptOutcome> attempts(CallOutcome outcome) {
    return outcome.attempts().stream().map(AttemptRecord::outcome).toList();
  }

  private SdkClient client(SpillwayPool pool, boolean async) {
    SdkClient client = sdk().client(pool, async);
    opened.add(client);
    return client;
  }

  private SpillwayPool pool(Consumer<SpillwayPool.Builder> customize) {
    return pool(customize, Credential.apiKey(PTU_KEY));
  }

  private SpillwayPool pool(Consumer<SpillwayPool.Builder> customize, Credential ptuCredential) {
    return pool(ptu.port(), customize, ptuCredential);
  }

  private SpillwayPool pool(
      int ptuPort, Consumer<SpillwayPool.Builder> customize, Credential ptuCredential) {
    SpillwayPool.Builder b =
        SpillwayPool.builder()
            .backend(
                Backend.builder("ptu")
                    .endpoint("http://127.0.0.1:" + ptuPort)
                    .tier(0)
                    .deployment(Deployment.ptu(MODEL, PTU_DEPLOYMENT, 300_000))
                    .deployment(EMBEDDING_MODEL, PTU_EMBEDDING_DEPLOYMENT)
                    .build(),
                ptuCredential)
            .backend(
                Backend.builder("payg")
                    .endpoint("http://127.0.0.1:" + payg.port())
                    .tier(1)
                    .deployment(MODEL, PAYG_DEPLOYMENT)
                    .build(),
                Credential.apiKey(PAYG_KEY))
            .listener(events)
            .settings(
                PoolSettings.builder()
                    .timeout(Duration.ofSeconds(30))
                    .attemptTimeout(Duration.ofSeconds(10))
                    .streamAttemptTimeout(Duration.ofSeconds(10))
                    .lapBackoff(Duration.ofMillis(20))
                    .build())
            .streamIdleTimeout(Duration.ofSeconds(10))
            .randomSeed(7);
    customize.accept(b);
    SpillwayPool pool = b.build();
    opened.add(pool);
    return pool;
  }

  private CallOutcome outcome(int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> events.outcomes().size() >= n);
    return events.outcomes().get(n - 1);
  }

  private static MappingBuilder chat() {
    return post(urlPathMatching("/openai/(v1|deployments/[^/]+)/chat/completions"));
  }

  private static ResponseDefinitionBuilder json(int status, String body) {
    return Stubs.json(status, body);
  }

  private static ResponseDefinitionBuilder error(int status, String code) {
    return Stubs.error(status, code);
  }

  private static ResponseDefinitionBuilder stream(String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "text/event-stream")
        .withBody(body);
  }

  private static List<LoggedRequest> requests(WireMockServer server) {
    return server.findAll(RequestPatternBuilder.allRequests());
  }

  /** The deployment a request names: its path segment, or the v1 body's {@code model}. */
  private static String deploymentOf(LoggedRequest request) {
    String path = request.getUrl();
    String prefix = "/openai/deployments/";
    if (path.startsWith(prefix)) {
      String segment = path.substring(prefix.length(), path.indexOf('/', prefix.length()));
      return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }
    return body(request).path("model").asText();
  }

  private static JsonNode body(LoggedRequest request) {
    try {
      return JSON.readTree(request.getBodyAsString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
