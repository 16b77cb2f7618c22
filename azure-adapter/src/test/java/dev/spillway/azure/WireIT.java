package dev.spillway.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.spillway.azure.Harness.MODEL;
import static dev.spillway.azure.Harness.PAYG_DEPLOYMENT;
import static dev.spillway.azure.Harness.PTU_DEPLOYMENT;
import static dev.spillway.azure.Harness.chat;
import static dev.spillway.azure.Harness.chatOptions;
import static dev.spillway.azure.Harness.count;
import static dev.spillway.azure.Harness.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.OpenAIServiceVersion;
import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import com.azure.core.http.rest.RequestOptions;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.spillway.Backend;
import dev.spillway.CallOutcome;
import dev.spillway.Deployment;
import dev.spillway.UnknownModelException;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.testing.ManualTime;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/** What goes on the wire: deployments, auth per backend, trace context, SDK options, home. */
class WireIT {
  @RegisterExtension static final Harness H = new Harness();

  private static List<LoggedRequest> requests(WireMockServer server) {
    return server.findAll(
        com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
            com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void eachAttemptCarriesItsRouteDeploymentKeyAndTraceContext(Mode mode) {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    SpillwayPool pool = H.pool(b -> b.openTelemetry(otel));
    H.stubChat(H.ptu, PTU_DEPLOYMENT, error(429, "429").withHeader("retry-after-ms", "1000"));

    chat(pool, mode);

    LoggedRequest ptu = requests(H.ptu).get(0);
    LoggedRequest payg = requests(H.payg).get(0);
    assertThat(ptu.getUrl()).startsWith(Harness.chatPath(PTU_DEPLOYMENT) + "?api-version=");
    assertThat(payg.getUrl()).startsWith(Harness.chatPath(PAYG_DEPLOYMENT) + "?api-version=");
    assertThat(ptu.getHeader("api-key")).isEqualTo(Harness.PTU_KEY);
    assertThat(payg.getHeader("api-key")).isEqualTo(Harness.PAYG_KEY);
    assertThat(ptu.containsHeader("Authorization")).isFalse();
    assertThat(ptu.getBodyAsString()).isEqualTo(payg.getBodyAsString());
    // The SDK pipeline ran once for the call: one request id for both attempts.
    assertThat(ptu.getHeader("x-ms-client-request-id"))
        .isEqualTo(payg.getHeader("x-ms-client-request-id"));
    assertThat(ptu.getHeader("User-Agent")).contains("azure-ai-openai");
    List<SpanData> attempts =
        spans.getFinishedSpanItems().stream()
            .filter(s -> s.getName().startsWith("attempt "))
            .toList();
    assertThat(attempts).hasSize(2);
    assertThat(ptu.getHeader("traceparent"))
        .startsWith("00-" + attempts.get(0).getTraceId() + "-" + attempts.get(0).getSpanId() + "-");
    assertThat(payg.getHeader("traceparent"))
        .startsWith("00-" + attempts.get(1).getTraceId() + "-" + attempts.get(1).getSpanId() + "-");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void syncClientRunsAttemptsThroughSendSyncAndAsyncThroughSend(Mode mode) {
    SpillwayPool pool = H.pool();
    int sendSync = Harness.HTTP.sendSync.get();
    int send = Harness.HTTP.send.get();

    chat(pool, mode);

    assertThat(Harness.HTTP.sendSync.get() - sendSync).isEqualTo(mode == Mode.SYNC ? 1 : 0);
    assertThat(Harness.HTTP.send.get() - send).isEqualTo(mode == Mode.ASYNC ? 1 : 0);
  }

  /** Issues tokens with a fixed lifetime, dated by the test's clock, and counts the requests. */
  static final class CountingTokenCredential implements TokenCredential {
    final String name;
    final Duration lifetime;
    final Clock clock;
    final AtomicInteger requests = new AtomicInteger();
    final List<String> scopes = new CopyOnWriteArrayList<>();

    CountingTokenCredential(String name, Duration lifetime, Clock clock) {
      this.name = name;
      this.lifetime = lifetime;
      this.clock = clock;
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
      return Mono.fromSupplier(() -> issue(request));
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
      return issue(request);
    }

    private AccessToken issue(TokenRequestContext request) {
      scopes.addAll(request.getScopes());
      OffsetDateTime now = OffsetDateTime.now(clock);
      return new AccessToken(name + "-" + requests.incrementAndGet(), now.plus(lifetime));
    }
  }

  /** Manual time for the Entra tests: the pool's clock and the tokens' issue time. */
  private final ManualTime time = new ManualTime();

  private final CountingTokenCredential ptuTokens =
      new CountingTokenCredential("ptu", Duration.ofHours(1), time.clock());
  private final CountingTokenCredential paygTokens =
      new CountingTokenCredential("payg", Duration.ofHours(1), time.clock());

  private SpillwayPool entraPool() {
    return SpillwayPool.builder()
        .ticker(time)
        .clock(time.clock())
        .backend(
            Backend.builder("sweden-ptu")
                .endpoint(Harness.url(H.ptu))
                .tier(0)
                .deployment(Deployment.ptu(MODEL, PTU_DEPLOYMENT, 0))
                .build(),
            Credential.entra(ptuTokens))
        .backend(
            Backend.builder("eastus-paygo")
                .endpoint(Harness.url(H.payg))
                .tier(1)
                .deployment(MODEL, PAYG_DEPLOYMENT)
                .build(),
            Credential.entra(paygTokens))
        .build();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void entraTokenIsFetchedOncePerBackendUntilItExpires(Mode mode) {
    try (SpillwayPool pool = entraPool()) {
      H.stubChat(H.ptu, PTU_DEPLOYMENT, error(429, "429").withHeader("retry-after-ms", "200"));
      chat(pool, mode);
      chat(pool, mode);
      H.stubChat(H.ptu, PTU_DEPLOYMENT, Harness.ok());
      time.advanceMillis(200); // the cool-down ends
      chat(pool, mode);

      assertThat(count(H.ptu)).isEqualTo(2);
      assertThat(count(H.payg)).isEqualTo(2);
      assertThat(ptuTokens.requests).hasValue(1);
      assertThat(paygTokens.requests).hasValue(1);
      assertThat(ptuTokens.scopes).containsOnly(Credential.ENTRA_SCOPE);
      assertThat(requests(H.ptu))
          .allSatisfy(
              r -> {
                assertThat(r.getHeader("Authorization")).isEqualTo("Bearer ptu-1");
                assertThat(r.containsHeader("api-key")).isFalse();
              });
      assertThat(requests(H.payg))
          .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer payg-1"));
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void entraTokenIsRefreshedFiveMinutesBeforeItExpires(Mode mode) {
    // Token expiry is read against the pool's clock, here the test's manual time: no real waits.
    try (SpillwayPool pool = entraPool()) {
      chat(pool, mode);
      time.advance(Duration.ofMinutes(54).toNanos()); // six minutes left: still fresh
      chat(pool, mode);
      assertThat(ptuTokens.requests).hasValue(1);
      time.advance(
          Duration.ofMinutes(2).toNanos()); // four minutes left: inside the five-minute margin
      chat(pool, mode);

      assertThat(ptuTokens.requests).hasValue(2);
      assertThat(requests(H.ptu))
          .extracting(r -> r.getHeader("Authorization"))
          .containsExactly("Bearer ptu-1", "Bearer ptu-1", "Bearer ptu-2");
      assertThat(paygTokens.requests).hasValue(0);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void rotatedKeyIsUsedOnTheNextAttempt(Mode mode) {
    AtomicReference<String> key = new AtomicReference<>("key-1");
    try (SpillwayPool rotating =
        SpillwayPool.builder()
            .backend(
                Backend.builder("sweden-ptu")
                    .endpoint(Harness.url(H.ptu))
                    .deployment(MODEL, PTU_DEPLOYMENT)
                    .build(),
                Credential.apiKey(key::get))
            .build()) {
      chat(rotating, mode);
      key.set("key-2");
      chat(rotating, mode);
    }
    assertThat(requests(H.ptu))
        .extracting(r -> r.getHeader("api-key"))
        .containsExactly("key-1", "key-2");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void sdkOptionsOnTheReturnedBuilderTakeEffect(Mode mode) {
    SpillwayPool pool = H.pool();
    Logger httpLog = (Logger) LoggerFactory.getLogger("com.azure");
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    Level level = httpLog.getLevel();
    httpLog.setLevel(Level.INFO);
    httpLog.addAppender(logged);
    try {
      OpenAIClientBuilder builder =
          SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP)
              .serviceVersion(OpenAIServiceVersion.V2024_10_01_PREVIEW)
              .httpLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.BASIC))
              .addPolicy(
                  new HttpPipelineSyncPolicy() {
                    @Override
                    protected void beforeSendingRequest(HttpPipelineCallContext context) {
                      context
                          .getHttpRequest()
                          .setHeader(
                              com.azure.core.http.HttpHeaderName.fromString("x-added-policy"),
                              "yes");
                    }
                  });
      chat(builder, mode, MODEL, chatOptions(), new RequestOptions());
    } finally {
      httpLog.detachAppender(logged);
      httpLog.setLevel(level);
    }

    LoggedRequest request = requests(H.ptu).get(0);
    assertThat(request.queryParameter("api-version").firstValue()).isEqualTo("2024-10-01-preview");
    assertThat(request.getHeader("x-added-policy")).isEqualTo("yes");
    assertThat(logged.list)
        .anySatisfy(
            e -> assertThat(e.getFormattedMessage()).contains(SpillwayAzure.PLACEHOLDER_ENDPOINT));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void statefulOperationsGoToTheHomeBackendOnlyAndAreNeverRetried(Mode mode) {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    SpillwayPool pool = H.pool(b -> b.openTelemetry(otel));
    H.ptu.stubFor(
        get(urlPathEqualTo("/openai/files"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"object\":\"list\",\"data\":[]}")));
    OpenAIClientBuilder builder = SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP);

    int files =
        mode == Mode.SYNC
            ? builder.buildClient().listFilesWithResponse(new RequestOptions()).getValue().size()
            : builder
                .buildAsyncClient()
                .listFilesWithResponse(new RequestOptions())
                .block()
                .getValue()
                .size();
    assertThat(files).isZero();
    assertThat(requests(H.ptu).get(0).getHeader("api-key")).isEqualTo(Harness.PTU_KEY);

    H.ptu.stubFor(get(urlPathEqualTo("/openai/files")).willReturn(error(500, "server_error")));
    assertThatThrownBy(
            () -> {
              if (mode == Mode.SYNC) {
                builder.buildClient().listFilesWithResponse(new RequestOptions());
              } else {
                builder.buildAsyncClient().listFilesWithResponse(new RequestOptions()).block();
              }
            })
        .isInstanceOfSatisfying(
            HttpResponseException.class,
            e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(500));

    assertThat(count(H.ptu)).isEqualTo(2);
    assertThat(count(H.payg)).isZero();
    // each went through the engine as a single-route call: an outcome and a span apiece
    await().until(() -> H.outcomes.size() == 2);
    assertThat(H.outcomes)
        .allSatisfy(
            o -> {
              assertThat(o.operation()).isEqualTo("files");
              assertThat(o.model()).isNull();
              assertThat(o.attempts())
                  .singleElement()
                  .satisfies(a -> assertThat(a.backendId()).isEqualTo("sweden-ptu"));
            })
        .extracting(CallOutcome::status)
        .containsExactly(200, 500);
    assertThat(spans.getFinishedSpanItems())
        .filteredOn(span -> span.getName().equals("files"))
        .extracting(span -> span.getAttributes().get(AttributeKey.stringKey("error.type")))
        .containsExactly(null, "500");
    assertThat(spans.getFinishedSpanItems())
        .filteredOn(span -> span.getName().equals("attempt sweden-ptu"))
        .hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void homeBackendIsConfigurable(Mode mode) {
    SpillwayPool pool = H.pool(b -> b.homeBackend("eastus-paygo"));
    H.payg.stubFor(
        get(urlPathEqualTo("/openai/files"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"object\":\"list\",\"data\":[]}")));
    OpenAIClientBuilder builder = SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP);
    if (mode == Mode.SYNC) {
      builder.buildClient().listFilesWithResponse(new RequestOptions());
    } else {
      builder.buildAsyncClient().listFilesWithResponse(new RequestOptions()).block();
    }
    assertThat(count(H.ptu)).isZero();
    assertThat(requests(H.payg).get(0).getHeader("api-key")).isEqualTo(Harness.PAYG_KEY);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void unknownModelFailsFastListingTheServedModels(Mode mode) {
    SpillwayPool pool = H.pool();

    assertThatThrownBy(
            () ->
                chat(
                    SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP),
                    mode,
                    "gpt-5",
                    chatOptions(),
                    new RequestOptions()))
        .isInstanceOfSatisfying(
            UnknownModelException.class,
            e -> {
              assertThat(e.servedModels()).containsExactly("gpt-4o", "text-embedding");
              assertThat(e.getMessage()).contains("gpt-5").contains("[gpt-4o, text-embedding]");
            });
    assertThat(count(H.ptu) + count(H.payg)).isZero();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void consumerIdAndTagsTravelThroughTheContext(Mode mode) {
    SpillwayPool pool = H.pool();

    chat(
        SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP),
        mode,
        MODEL,
        chatOptions(),
        SpillwayContext.requestOptions("billing-service", Map.of("team", "search")));

    assertThat(H.lastOutcome().consumerId()).isEqualTo("billing-service");
    assertThat(H.lastOutcome().tags()).containsExactly(Map.entry("team", "search"));
  }
}
