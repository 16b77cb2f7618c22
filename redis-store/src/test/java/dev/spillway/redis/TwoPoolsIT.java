package dev.spillway.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.openai.client.OpenAIClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.spillway.Backend;
import dev.spillway.ConsumerPolicy;
import dev.spillway.ConsumerSettings;
import dev.spillway.Deployment;
import dev.spillway.PoolSettings;
import dev.spillway.RouteState;
import dev.spillway.openai.SpillwayOpenAI;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.redis.testing.RedisServer;
import dev.spillway.testing.RequiresProgram;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two pools (two processes' worth: each its own store, connection and clients) sharing one Redis
 * act as one balancer, through openai-java's real client over real HTTP: a 429 pool A met keeps
 * pool B off that route with zero requests from B, and after the cool-down one probe goes for both.
 */
@RequiresProgram(RedisServer.PROGRAM)
class TwoPoolsIT {
  private static final String OK_BODY =
      "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,"
          + "\"completion_tokens\":2,\"total_tokens\":7}}";

  private final WireMockServer ptu =
      new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  private final WireMockServer payg =
      new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  private final List<AutoCloseable> opened = new ArrayList<>();
  private RedisServer redis;

  @BeforeEach
  void start() {
    ptu.start();
    payg.start();
    payg.stubFor(any(anyUrl()).willReturn(ok()));
    redis = RedisServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    redis.close();
    ptu.stop();
    payg.stop();
  }

  private static ResponseDefinitionBuilder ok() {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(OK_BODY);
  }

  private SpillwayPool pool() {
    return pool(b -> {});
  }

  private SpillwayPool pool(Consumer<SpillwayPool.Builder> customize) {
    SpillwayPool.Builder builder =
        SpillwayPool.builder()
            .backend(
                Backend.builder("ptu")
                    .endpoint("http://127.0.0.1:" + ptu.port())
                    .tier(0)
                    .deployment(Deployment.ptu("gpt-4o", "gpt-4o-ptu", 0))
                    .build(),
                Credential.apiKey("ptu-key"))
            .backend(
                Backend.builder("payg")
                    .endpoint("http://127.0.0.1:" + payg.port())
                    .tier(1)
                    .deployment("gpt-4o", "gpt-4o-payg")
                    .build(),
                Credential.apiKey("payg-key"))
            .settings(PoolSettings.builder().timeout(Duration.ofSeconds(20)).build())
            .stateStore(RedisStateStore.builder(redis.uri().toString()).build());
    customize.accept(builder);
    SpillwayPool pool = builder.build();
    opened.add(pool);
    return pool;
  }

  private OpenAIClient client(SpillwayPool pool) {
    OpenAIClient client = SpillwayOpenAI.client(pool);
    opened.add(client::close);
    return client;
  }

  private static String chat(OpenAIClient client) {
    return client
        .chat()
        .completions()
        .create(
            ChatCompletionCreateParams.builder()
                .model("gpt-4o")
                .addUserMessage("Hello")
                .maxCompletionTokens(10)
                .build())
        .choices()
        .get(0)
        .message()
        .content()
        .orElse("");
  }

  private static int count(WireMockServer server) {
    return server.countRequestsMatching(RequestPatternBuilder.allRequests().build()).getCount();
  }

  private static RouteState ptuRoute(SpillwayPool pool) {
    return pool.snapshot().backend("ptu").route("gpt-4o").state();
  }

  private void throttlePtu(String retryAfterMs) {
    ptu.stubFor(
        any(anyUrl())
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("retry-after-ms", retryAfterMs)
                    .withBody("{\"error\":{\"code\":\"429\"}}")));
  }

  @Test
  void a429SeenByOnePoolKeepsTheOtherOffThatRoute() {
    throttlePtu("60000");
    SpillwayPool poolA = pool();
    SpillwayPool poolB = pool();
    OpenAIClient a = client(poolA);
    OpenAIClient b = client(poolB);

    assertThat(chat(a)).isEqualTo("Hi");
    assertThat(count(ptu)).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> ptuRoute(poolB) == RouteState.COOLING);
    for (int i = 0; i < 3; i++) {
      assertThat(chat(b)).isEqualTo("Hi");
    }

    assertThat(count(ptu)).as("B never sent to the route A saw throttled").isEqualTo(1);
    assertThat(count(payg)).isEqualTo(4);
    assertThat(poolB.snapshot().backend("ptu").route("gpt-4o").coolingUntil())
        .isEqualTo(poolA.snapshot().backend("ptu").route("gpt-4o").coolingUntil());
  }

  @Test
  void afterASharedCoolDownOneProbeGoesForBothPools() throws Exception {
    throttlePtu("1000");
    SpillwayPool poolA = pool();
    SpillwayPool poolB = pool();
    OpenAIClient a = client(poolA);
    OpenAIClient b = client(poolB);
    chat(a);
    await().atMost(Duration.ofSeconds(5)).until(() -> ptuRoute(poolB) == RouteState.COOLING);
    ptu.resetAll();
    ptu.stubFor(any(anyUrl()).willReturn(ok().withFixedDelay(3000)));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> ptuRoute(poolA) != RouteState.COOLING && ptuRoute(poolB) != RouteState.COOLING);

    // A call that finds the probe's lease not yet asked for spills while it is asked for; the
    // next one probes
    CompletableFuture<String> probe = null;
    for (int i = 0; i < 5 && count(ptu) == 0; i++) {
      CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> chat(a));
      await().atMost(Duration.ofSeconds(5)).until(() -> count(ptu) == 1 || call.isDone());
      probe = call;
    }
    assertThat(count(ptu)).isEqualTo(1);
    assertThat(chat(b)).as("while A probes, B spills").isEqualTo("Hi");
    assertThat(count(ptu)).as("one probe for the fleet").isEqualTo(1);
    assertThat(probe.get()).isEqualTo("Hi");

    await().atMost(Duration.ofSeconds(5)).until(() -> ptuRoute(poolB) == RouteState.AVAILABLE);
    ptu.resetAll();
    ptu.stubFor(any(anyUrl()).willReturn(ok()));
    assertThat(chat(b)).isEqualTo("Hi");
    assertThat(count(ptu)).isEqualTo(1);
  }

  @Test
  void aConsumersLimitHoldsAcrossBothPools() {
    Consumer<SpillwayPool.Builder> fourPerMinute =
        b -> b.consumers(ConsumerSettings.of(ConsumerPolicy.of("team-a").withRpmLimit(4)));
    ptu.stubFor(any(anyUrl()).willReturn(ok()));
    SpillwayPool poolA = pool(fourPerMinute);
    SpillwayPool poolB = pool(fourPerMinute);
    OpenAIClient a = client(poolA).withOptions(o -> o.putAllHeaders(teamA()));
    OpenAIClient b = client(poolB).withOptions(o -> o.putAllHeaders(teamA()));

    chat(a);
    chat(a);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> poolB.snapshot().consumer("team-a").windowRequests() == 2);
    chat(b);
    chat(b);

    assertThatThrownBy(() -> chat(b))
        .isInstanceOfSatisfying(
            RateLimitException.class,
            e ->
                assertThat(e.headers().values("x-spillway-rejection"))
                    .containsExactly("consumer_limit"));
    assertThat(count(ptu) + count(payg)).isEqualTo(4);
  }

  @Test
  void redisKilledPausedAndRestartedFailsNoCallAndSharingResumes() {
    ptu.stubFor(any(anyUrl()).willReturn(ok()));
    SpillwayPool poolA = pool();
    SpillwayPool poolB = pool();
    OpenAIClient a = client(poolA);
    OpenAIClient b = client(poolB);
    chat(a);

    redis.kill();
    for (int i = 0; i < 5; i++) {
      assertThat(chat(a)).isEqualTo("Hi");
      assertThat(chat(b)).isEqualTo("Hi");
    }
    redis.restart();
    redis.pause();
    try {
      for (int i = 0; i < 5; i++) {
        assertThat(chat(a)).isEqualTo("Hi");
        assertThat(chat(b)).isEqualTo("Hi");
      }
    } finally {
      redis.resume();
    }
    // the stores find Redis again: a 429 A meets then keeps B off the route once more
    throttlePtu("60000");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              chat(a);
              return ptuRoute(poolA) == RouteState.COOLING && ptuRoute(poolB) == RouteState.COOLING;
            });
    int before = count(ptu);
    assertThat(chat(b)).isEqualTo("Hi");
    assertThat(count(ptu)).isEqualTo(before);
  }

  private static com.openai.core.http.Headers teamA() {
    return SpillwayOpenAI.callHeaders("team-a", null);
  }
}
