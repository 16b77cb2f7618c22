package dev.spillway.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.azure.AzureUrlPathMode;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.client.okhttp.OkHttpClient;
import com.openai.core.RequestOptions;
import com.openai.core.http.HttpMethod;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpRequestBody;
import com.openai.core.http.HttpResponse;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.files.FileListParams;
import com.openai.models.responses.ResponseCreateParams;
import dev.spillway.Backend;
import dev.spillway.CallOutcome;
import dev.spillway.ConsumerPolicy;
import dev.spillway.ConsumerSettings;
import dev.spillway.Deployment;
import dev.spillway.PoolSettings;
import dev.spillway.Priority;
import dev.spillway.QuotaPeriod;
import dev.spillway.adaptertests.Stubs;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.openai.internal.PerBackendTransport;
import dev.spillway.openai.internal.SpillwayHttpClient;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.spi.AdapterSupport;
import dev.spillway.testing.RecordingListener;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only openai-java's clients do, against two WireMock backends (a PTU tier 0 and a PAYG tier
 * 1): what goes on the wire for each Azure path mode, the Responses API balanced only when
 * stateless, and one pool serving both SDKs. The scenarios every adapter shares run in {@link
 * OpenAiScenariosIT}.
 */
class WireIT {
  static final String MODEL = "gpt-4o";
  static final String PTU_DEPLOYMENT = "gpt4o-ptu";
  static final String PAYG_DEPLOYMENT = "gpt-4o-payg";
  static final String PTU_KEY = "ptu-key-3f9a";
  static final String PAYG_KEY = "payg-key-77c1";
  static final ObjectMapper JSON = new ObjectMapper();

  static final WireMockServer ptu =
      new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  static final WireMockServer payg =
      new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

  RecordingListener events = new RecordingListener();
  SpillwayPool pool;

  @BeforeAll
  static void start() {
    ptu.start();
    payg.start();
  }

  @AfterAll
  static void stop() {
    ptu.stop();
    payg.stop();
  }

  @BeforeEach
  void reset() {
    for (WireMockServer server : List.of(ptu, payg)) {
      server.resetAll();
      server.stubFor(any(anyUrl()).willReturn(Stubs.ok()));
    }
    pool = pool("sweden-ptu");
  }

  final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : clients) {
      c.close();
    }
    clients.clear();
    pool.close();
  }

  OpenAIClient track(OpenAIClient client) {
    clients.add(client::close);
    return client;
  }

  static ChatCompletionCreateParams chat() {
    return ChatCompletionCreateParams.builder()
        .model(MODEL)
        .addUserMessage("Hello, assistant!")
        .maxCompletionTokens(100)
        .build();
  }

  static List<LoggedRequest> requests(WireMockServer server) {
    return server.findAll(RequestPatternBuilder.allRequests());
  }

  static JsonNode body(LoggedRequest request) throws Exception {
    return JSON.readTree(request.getBodyAsString());
  }

  CallOutcome awaitOutcome(int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> events.outcomes().size() >= n);
    return events.outcomes().get(n - 1);
  }

  @Test
  void v1ApiWritesTheRouteDeploymentIntoTheBodyModelAndTheBackendKeyIntoApiKey() throws Exception {
    OpenAIClient client = track(SpillwayOpenAI.client(pool));
    {
      ChatCompletion completion = client.chat().completions().create(chat());

      assertThat(completion.choices().get(0).message().content()).hasValue("Hello");
    }
    List<LoggedRequest> sent = requests(ptu);
    assertThat(sent).hasSize(1);
    assertThat(requests(payg)).isEmpty();
    LoggedRequest request = sent.get(0);
    assertThat(request.getUrl()).isEqualTo("/openai/v1/chat/completions");
    assertThat(body(request).get("model").asText()).isEqualTo(PTU_DEPLOYMENT);
    assertThat(body(request).get("messages").get(0).get("content").asText())
        .isEqualTo("Hello, assistant!");
    assertThat(request.getHeader("api-key")).isEqualTo(PTU_KEY);
    assertThat(request.containsHeader("Authorization")).isFalse();
    assertThat(request.header("x-stainless-retry-count").values()).containsExactly("0");
    assertThat(request.header("x-stainless-lang").values()).containsExactly("java");
    CallOutcome outcome = awaitOutcome(1);
    assertThat(outcome.backendId()).isEqualTo("sweden-ptu");
    assertThat(outcome.usage().inputTokens()).isEqualTo(11);
    assertThat(outcome.usage().outputTokens()).isEqualTo(9);
    assertThat(outcome.usage().estimated()).isFalse();
  }

  @Test
  void spillwayHeadersNameTheConsumerAndTagsOfTheCallAndNeverLeaveTheProcess() throws Exception {
    OpenAIClient client =
        track(
            SpillwayOpenAI.client(pool)
                .withOptions(o -> o.putAllHeaders(SpillwayOpenAI.callHeaders("team-a", null))));
    client
        .chat()
        .completions()
        .create(
            chat().toBuilder()
                .putAllAdditionalHeaders(
                    SpillwayOpenAI.callHeaders(null, Map.of("job", "nightly", "run", "7")))
                .build());
    client.files().list(FileListParams.builder().build()); // pinned to home: stripped there too

    CallOutcome chat = awaitOutcome(1);
    assertThat(chat.consumerId()).isEqualTo("team-a");
    assertThat(chat.tags())
        .containsExactlyInAnyOrderEntriesOf(Map.of("job", "nightly", "run", "7"));
    assertThat(awaitOutcome(2).consumerId()).isEqualTo("team-a");
    List<LoggedRequest> sent = requests(ptu);
    assertThat(sent).hasSize(2);
    assertThat(sent)
        .allSatisfy(
            r ->
                assertThat(r.getHeaders().keys())
                    .noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("x-spillway-")));
  }

  @Test
  void thePriorityHeaderSetsTheCallsPriorityAndABadOneFailsItNamingTheHeader() {
    OpenAIClient client = track(SpillwayOpenAI.client(pool));
    client
        .chat()
        .completions()
        .create(
            chat().toBuilder()
                .putAllAdditionalHeaders(
                    SpillwayOpenAI.callHeaders("jobs", Priority.BATCH, Map.of()))
                .build());
    ChatCompletionCreateParams urgent =
        chat().toBuilder().putAdditionalHeader(SpillwayOpenAI.PRIORITY_HEADER, "urgent").build();

    assertThat(awaitOutcome(1).priority()).isEqualTo(Priority.BATCH);
    assertThat(requests(ptu)).hasSize(1);
    assertThat(requests(ptu).get(0).containsHeader(SpillwayOpenAI.PRIORITY_HEADER)).isFalse();
    assertThatThrownBy(() -> client.chat().completions().create(urgent))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "header 'x-spillway-priority': priority must be 'interactive' or 'batch', was"
                + " 'urgent'");
    assertThat(requests(ptu)).hasSize(1);
  }

  @Test
  void rejectionsAreTheSdksRateLimitAndPermissionDeniedExceptions() {
    pool.close();
    pool =
        pool(
            "sweden-ptu",
            b ->
                b.consumers(
                    ConsumerSettings.of(
                        ConsumerPolicy.of("team-a").withRpmLimit(1),
                        ConsumerPolicy.of("team-b").withTokenQuota(10, QuotaPeriod.HOUR))));
    OpenAIClient client = track(SpillwayOpenAI.client(pool));
    ChatCompletionCreateParams teamA =
        chat().toBuilder()
            .putAllAdditionalHeaders(SpillwayOpenAI.callHeaders("team-a", Map.of()))
            .build();
    client.chat().completions().create(teamA);

    assertThatThrownBy(() -> client.chat().completions().create(teamA))
        .isInstanceOfSatisfying(
            RateLimitException.class,
            e -> {
              assertThat(e.headers().values("x-spillway-rejection"))
                  .containsExactly("consumer_limit");
              assertThat(e.getMessage()).contains("consumer limit: consumer 'team-a'");
            });
    assertThatThrownBy(
            () ->
                client
                    .chat()
                    .completions()
                    .create(
                        chat().toBuilder()
                            .putAllAdditionalHeaders(SpillwayOpenAI.callHeaders("team-b", Map.of()))
                            .build()))
        .isInstanceOfSatisfying(
            PermissionDeniedException.class,
            e -> {
              assertThat(e.headers().values("x-spillway-rejection"))
                  .containsExactly("quota_exceeded");
              assertThat(e.getMessage()).contains("quota exceeded: consumer 'team-b'");
            });
    assertThat(requests(ptu).size() + requests(payg).size()).isEqualTo(1);
  }

  @Test
  void aSpillwayHeaderWithTwoValuesFailsTheCallBeforeAnythingIsSent() {
    OpenAIClient client = track(SpillwayOpenAI.client(pool));
    ChatCompletionCreateParams twoConsumers =
        chat().toBuilder()
            .putAdditionalHeaders(SpillwayOpenAI.CONSUMER_HEADER, List.of("team-a", "team-b"))
            .build();

    assertThatThrownBy(() -> client.chat().completions().create(twoConsumers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header 'x-spillway-consumer' has 2 values; a call carries one");
    assertThat(requests(ptu)).isEmpty();
  }

  @Test
  void aRequestWithoutTheSdksTelemetryHeadersGoesOutWithoutItsRetryCount() throws Exception {
    // as openai-java builds a request with its telemetry off, under the pool's client options
    byte[] json = JSON.writeValueAsBytes(Map.of("model", MODEL, "messages", List.of()));
    HttpRequest request =
        HttpRequest.builder()
            .method(HttpMethod.POST)
            .baseUrl(SpillwayOpenAI.PLACEHOLDER_HOST + "/openai/v1")
            .addPathSegments("chat", "completions")
            .putHeader("api-key", SpillwayOpenAI.PLACEHOLDER_KEY)
            .putHeader(SpillwayHttpClient.RETRY_COUNT_HEADER, "0")
            .body(jsonBody(json))
            .build();
    try (SpillwayHttpClient http =
            new SpillwayHttpClient(AdapterSupport.of(pool), SpillwayOpenAI.transport());
        HttpResponse response = http.execute(request, RequestOptions.none())) {
      assertThat(response.statusCode()).isEqualTo(200);
    }
    LoggedRequest sent = requests(ptu).get(0);
    assertThat(body(sent).get("model").asText()).isEqualTo(PTU_DEPLOYMENT);
    assertThat(sent.containsHeader(SpillwayHttpClient.RETRY_COUNT_HEADER)).isFalse();
  }

  static HttpRequestBody jsonBody(byte[] json) {
    return new HttpRequestBody() {
      @Override
      public void writeTo(OutputStream out) {
        try {
          out.write(json);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public String contentType() {
        return "application/json";
      }

      @Override
      public long contentLength() {
        return json.length;
      }

      @Override
      public boolean repeatable() {
        return true;
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void theDefaultTransportIsOneOkHttpClientPerBackend() throws Exception {
    List<String> made = new CopyOnWriteArrayList<>();
    PerBackendTransport transport =
        new PerBackendTransport(
            () -> {
              made.add("client " + (made.size() + 1));
              return OkHttpClient.builder().build();
            });
    OpenAIClient client =
        track(
            new OpenAIClientImpl(
                SpillwayOpenAI.clientOptions(pool, AzureUrlPathMode.UNIFIED, transport).build()));
    ptu.stubFor(
        post(urlPathEqualTo("/openai/v1/chat/completions"))
            .willReturn(Stubs.error(429, "429").withHeader("retry-after-ms", "60000")));

    client.chat().completions().create(chat()); // PTU 429, then PAYG
    client.chat().completions().create(chat()); // PTU cooling: PAYG

    assertThat(requests(ptu)).hasSize(1);
    assertThat(requests(payg)).hasSize(2);
    assertThat(made).hasSize(2);
    client.close();
    HttpRequest after =
        HttpRequest.builder()
            .method(HttpMethod.GET)
            .baseUrl("http://127.0.0.1:" + payg.port())
            .build();
    assertThatThrownBy(() -> transport.execute(after, RequestOptions.none()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the client is closed");
  }

  @Test
  void legacyModeWritesTheRouteDeploymentIntoThePathAndLeavesTheBodyAsTheSdkWroteIt()
      throws Exception {
    OpenAIClient client =
        track(
            new OpenAIClientImpl(
                SpillwayOpenAI.clientOptions(
                        pool, AzureUrlPathMode.LEGACY, OkHttpClient.builder().build())
                    .build()));
    {
      client.chat().completions().create(chat());
    }
    LoggedRequest request = requests(ptu).get(0);
    assertThat(request.getUrl())
        .startsWith("/openai/deployments/" + PTU_DEPLOYMENT + "/chat/completions?api-version=");
    assertThat(body(request).get("model").asText()).isEqualTo(MODEL);
    assertThat(request.getHeader("api-key")).isEqualTo(PTU_KEY);
  }

  @Test
  void statefulOperationsGoToTheHomeBackendAndAStatelessResponseIsBalanced() throws Exception {
    String responseBody =
        "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,\"model\":\"gpt-4o\","
            + "\"output\":[],\"parallel_tool_calls\":true,\"tool_choice\":\"auto\",\"tools\":[],"
            + "\"usage\":{\"input_tokens\":5,\"output_tokens\":2,\"total_tokens\":7,"
            + "\"input_tokens_details\":{\"cached_tokens\":0},"
            + "\"output_tokens_details\":{\"reasoning_tokens\":0}}}";
    for (WireMockServer server : List.of(ptu, payg)) {
      server.stubFor(
          post(urlPathEqualTo("/openai/v1/responses")).willReturn(Stubs.json(200, responseBody)));
      server.stubFor(
          any(urlPathEqualTo("/openai/v1/files"))
              .willReturn(Stubs.json(200, "{\"object\":\"list\",\"data\":[],\"has_more\":false}")));
    }
    pool.close();
    pool = pool("eastus-paygo");
    OpenAIClient client = track(SpillwayOpenAI.client(pool));
    client.files().list(FileListParams.builder().build());
    client.responses().create(ResponseCreateParams.builder().model(MODEL).input("hi").build());
    client
        .responses()
        .create(ResponseCreateParams.builder().model(MODEL).input("hi").store(false).build());
    // files and the stored response: home (PAYG), body untouched; store=false: PTU, rewritten
    List<LoggedRequest> home = requests(payg);
    assertThat(home)
        .extracting(LoggedRequest::getUrl)
        .containsExactly("/openai/v1/files", "/openai/v1/responses");
    assertThat(body(home.get(1)).get("model").asText()).isEqualTo(MODEL);
    assertThat(home).allSatisfy(r -> assertThat(r.getHeader("api-key")).isEqualTo(PAYG_KEY));
    List<LoggedRequest> balanced = requests(ptu);
    assertThat(balanced).hasSize(1);
    assertThat(body(balanced.get(0)).get("model").asText()).isEqualTo(PTU_DEPLOYMENT);
    assertThat(body(balanced.get(0)).get("store").asBoolean()).isFalse();
  }

  private SpillwayPool pool(String home) {
    return pool(home, b -> {});
  }

  private SpillwayPool pool(String home, Consumer<SpillwayPool.Builder> customize) {
    SpillwayPool.Builder b =
        SpillwayPool.builder()
            .backend(
                Backend.builder("sweden-ptu")
                    .endpoint("http://127.0.0.1:" + ptu.port())
                    .tier(0)
                    .deployment(Deployment.ptu(MODEL, PTU_DEPLOYMENT, 300_000))
                    .build(),
                Credential.apiKey(PTU_KEY))
            .backend(
                Backend.builder("eastus-paygo")
                    .endpoint("http://127.0.0.1:" + payg.port())
                    .tier(1)
                    .deployment(MODEL, PAYG_DEPLOYMENT)
                    .build(),
                Credential.apiKey(PAYG_KEY))
            .homeBackend(home)
            .listener(events)
            .settings(PoolSettings.builder().timeout(Duration.ofSeconds(30)).build())
            .randomSeed(7);
    customize.accept(b);
    return b.build();
  }

  @Test
  void onePoolServesBothSdksAndA429SeenThroughOneKeepsTheOtherOffThatRoute() {
    ptu.stubFor(
        post(urlPathEqualTo("/openai/v1/chat/completions"))
            .willReturn(Stubs.error(429, "429").withHeader("retry-after-ms", "60000")));
    OpenAIClient openai = track(SpillwayOpenAI.client(pool));
    {
      openai.chat().completions().create(chat());
    }
    assertThat(requests(ptu)).hasSize(1);
    assertThat(requests(payg)).hasSize(1);

    com.azure.ai.openai.OpenAIClient azure = SpillwayAzure.openAIClientBuilder(pool).buildClient();
    azure.getChatCompletions(
        MODEL,
        new ChatCompletionsOptions(List.of(new ChatRequestUserMessage("Hello"))).setMaxTokens(10));

    // the azure client went straight to PAYG: the PTU route is still cooling
    assertThat(requests(ptu)).hasSize(1);
    List<LoggedRequest> paygRequests = requests(payg);
    assertThat(paygRequests).hasSize(2);
    assertThat(paygRequests.get(1).getUrl())
        .startsWith("/openai/deployments/" + PAYG_DEPLOYMENT + "/chat/completions");
    assertThat(awaitOutcome(2).backendId()).isEqualTo("eastus-paygo");
  }
}
