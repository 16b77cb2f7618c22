package dev.spillway.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;

import com.azure.ai.openai.OpenAIAsyncClient;
import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestMessage;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.rest.RequestOptions;
import com.azure.core.util.Context;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.spillway.Backend;
import dev.spillway.CallOutcome;
import dev.spillway.Deployment;
import dev.spillway.PoolListener;
import dev.spillway.PoolSettings;
import dev.spillway.adaptertests.Stubs;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.core.publisher.Mono;

/**
 * Two WireMock backends (a PTU tier 0 and a PAYG tier 1) and a pool over them with short time
 * constants, the outcomes it produced, and calls through the real SDK clients, sync or async.
 *
 * <p>A JUnit extension, registered on a static field as WireMock's {@code WireMockExtension} is:
 * {@code @RegisterExtension static final Harness H = new Harness();}. The servers start before the
 * class's first test and stop after its last; before each test the harness {@link #reset}s, so
 * every test starts from backends that answer 200 and no pools.
 */
final class Harness implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  static final String MODEL = "gpt-4o";
  static final String EMBEDDING_MODEL = "text-embedding";
  static final String PTU_DEPLOYMENT = "gpt4o-ptu";
  static final String PTU_EMBEDDING_DEPLOYMENT = "embedding-ptu";
  static final String PAYG_DEPLOYMENT = "gpt-4o-payg";
  static final String PTU_KEY = "ptu-key";
  static final String PAYG_KEY = "payg-key";
  static final String CHAT_BODY = Stubs.CHAT_BODY;

  /** Shared by all tests of a JVM: one Netty client, counting how the wrapper calls it. */
  static final CountingHttpClient HTTP = new CountingHttpClient(HttpClient.createDefault());

  final WireMockServer ptu = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  final WireMockServer payg = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  final List<CallOutcome> outcomes = new CopyOnWriteArrayList<>();
  private final List<SpillwayPool> pools = new ArrayList<>();

  @Override
  public void beforeAll(ExtensionContext context) {
    ptu.start();
    payg.start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    reset();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    pools.forEach(SpillwayPool::close);
    pools.clear();
    ptu.stop();
    payg.stop();
  }

  /** Forgets stubs, requests and outcomes; every backend answers 200 with {@link #CHAT_BODY}. */
  void reset() {
    for (WireMockServer server : List.of(ptu, payg)) {
      server.resetAll();
      server.stubFor(any(anyUrl()).willReturn(ok()));
    }
    outcomes.clear();
    pools.forEach(SpillwayPool::close);
    pools.clear();
  }

  static ResponseDefinitionBuilder ok() {
    return Stubs.ok();
  }

  static ResponseDefinitionBuilder error(int status, String code) {
    return Stubs.error(status, code);
  }

  static String url(WireMockServer server) {
    return "http://127.0.0.1:" + server.port();
  }

  static String chatPath(String deployment) {
    return "/openai/deployments/" + deployment + "/chat/completions";
  }

  void stubChat(WireMockServer server, String deployment, ResponseDefinitionBuilder response) {
    server.stubFor(post(urlPathEqualTo(chatPath(deployment))).willReturn(response));
  }

  /** The settings of the default pool: short timeouts and laps, for tests on a local server. */
  static final PoolSettings SETTINGS =
      PoolSettings.builder()
          .timeout(Duration.ofSeconds(5))
          .attemptTimeout(Duration.ofMillis(1500))
          .streamAttemptTimeout(Duration.ofMillis(1500))
          .lapBackoff(Duration.ofMillis(20))
          .build();

  /** The default pool: PTU (gpt-4o and text-embedding, tier 0) and PAYG (gpt-4o, tier 1). */
  SpillwayPool.Builder builder() {
    return SpillwayPool.builder()
        .backend(
            Backend.builder("sweden-ptu")
                .endpoint(url(ptu))
                .tier(0)
                .deployment(Deployment.ptu(MODEL, PTU_DEPLOYMENT, 300_000))
                .deployment(EMBEDDING_MODEL, PTU_EMBEDDING_DEPLOYMENT)
                .build(),
            Credential.apiKey(PTU_KEY))
        .backend(
            Backend.builder("eastus-paygo")
                .endpoint(url(payg))
                .tier(1)
                .deployment(MODEL, PAYG_DEPLOYMENT)
                .build(),
            Credential.apiKey(PAYG_KEY))
        .listener(
            new PoolListener() {
              @Override
              public void onCallComplete(CallOutcome outcome) {
                outcomes.add(outcome);
              }
            })
        .settings(SETTINGS)
        .streamIdleTimeout(Duration.ofMillis(1500))
        .randomSeed(7);
  }

  SpillwayPool pool() {
    return pool(b -> {});
  }

  SpillwayPool pool(Consumer<SpillwayPool.Builder> customize) {
    SpillwayPool.Builder b = builder();
    customize.accept(b);
    SpillwayPool pool = b.build();
    pools.add(pool);
    return pool;
  }

  static ChatCompletionsOptions chatOptions() {
    List<ChatRequestMessage> messages = List.of(new ChatRequestUserMessage("Hello, assistant!"));
    return new ChatCompletionsOptions(messages).setMaxTokens(100);
  }

  /** One chat call through the SDK's sync or async client. */
  static ChatCompletions chat(SpillwayPool pool, Mode mode) {
    return chat(
        SpillwayAzure.openAIClientBuilder(pool, HTTP),
        mode,
        MODEL,
        chatOptions(),
        new RequestOptions());
  }

  static ChatCompletions chat(
      OpenAIClientBuilder builder,
      Mode mode,
      String model,
      ChatCompletionsOptions options,
      RequestOptions requestOptions) {
    if (mode == Mode.SYNC) {
      OpenAIClient client = builder.buildClient();
      return client.getChatCompletionsWithResponse(model, options, requestOptions).getValue();
    }
    OpenAIAsyncClient client = builder.buildAsyncClient();
    return client.getChatCompletionsWithResponse(model, options, requestOptions).block().getValue();
  }

  static int count(WireMockServer server) {
    return server.countRequestsMatching(RequestPatternBuilder.allRequests().build()).getCount();
  }

  static int count(WireMockServer server, String deployment) {
    return server
        .countRequestsMatching(
            RequestPatternBuilder.newRequestPattern(
                    RequestMethod.ANY, urlPathEqualTo(chatPath(deployment)))
                .build())
        .getCount();
  }

  /** The outcome of the {@code n}th call (from 1), waiting up to 10 s for it to settle. */
  CallOutcome awaitOutcome(int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() >= n);
    return outcomes.get(n - 1);
  }

  CallOutcome lastOutcome() {
    return outcomes.get(outcomes.size() - 1);
  }

  /** Counts how the wrapper drives the real client: sendSync on the sync path, send on async. */
  static final class CountingHttpClient implements HttpClient {
    final HttpClient delegate;
    final AtomicInteger sendSync = new AtomicInteger();
    final AtomicInteger send = new AtomicInteger();

    CountingHttpClient(HttpClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
      return send(request, Context.NONE);
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request, Context context) {
      send.incrementAndGet();
      return delegate.send(request, context);
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
      sendSync.incrementAndGet();
      return delegate.sendSync(request, context);
    }
  }
}
