package dev.spillway.examples.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openaiofficial.OpenAiOfficialChatModel;
import dev.spillway.AttemptOutcome;
import dev.spillway.Backend;
import dev.spillway.CallOutcome;
import dev.spillway.Deployment;
import dev.spillway.PoolListener;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.openai.SpillwayOpenAI;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.simulator.DeploymentConfig;
import dev.spillway.simulator.LatencyModel;
import dev.spillway.simulator.ResourceConfig;
import dev.spillway.simulator.Simulator;
import dev.spillway.simulator.SimulatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both LangChain4j integrations over the pool, against the simulator: chat and stream from the PTU,
 * and a call the throttled PTU refuses answered by pay-as-you-go, as each call's outcome shows.
 */
class LangChain4jIT {
  private static final LatencyModel FAST = LatencyModel.of(Duration.ofMillis(2), 0, Duration.ZERO);

  /** A small PTU: every answer is at least 200 tokens, so one call fills it for about a minute. */
  private static final long SMALL_PTU_TPM = 100;

  private static final int PTU_MIN_OUTPUT_TOKENS = 200;

  /** The two integrations, each with its models on one pool. */
  enum Integration {
    OPEN_AI_OFFICIAL {
      @Override
      Models models(SpillwayPool pool, List<AutoCloseable> resources) {
        OpenAIClient client = SpillwayOpenAI.client(pool);
        OpenAIClientAsync async = SpillwayOpenAI.asyncClient(pool);
        resources.add(client::close);
        resources.add(async::close);
        return new Models(
            OpenAiOfficialExample.chatModel(client),
            OpenAiOfficialExample.streamingChatModel(async));
      }
    },
    AZURE_OPEN_AI {
      @Override
      Models models(SpillwayPool pool, List<AutoCloseable> resources) {
        return new Models(
            AzureOpenAiExample.chatModel(SpillwayAzure.openAIClientBuilder(pool).buildClient()),
            AzureOpenAiExample.streamingChatModel(
                SpillwayAzure.openAIClientBuilder(pool).buildAsyncClient()));
      }
    };

    abstract Models models(SpillwayPool pool, List<AutoCloseable> resources);
  }

  record Models(ChatModel chat, StreamingChatModel streaming) {}

  private final List<CallOutcome> outcomes = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private Simulator simulator;
  private SpillwayPool pool;

  @AfterEach
  void close() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private Models start(Integration integration, DeploymentConfig ptu) {
    simulator =
        Simulator.start(
            SimulatorConfig.of(
                ResourceConfig.of("ptu-a", "key-ptu-a", ptu.withLatency(FAST)),
                ResourceConfig.of(
                    "paygo-1",
                    "key-paygo-1",
                    DeploymentConfig.standard("gpt-4o", 10_000_000).withLatency(FAST))));
    resources.add(simulator);
    pool =
        SpillwayPool.builder()
            .backend(
                Backend.builder("sweden-ptu")
                    .endpoint(simulator.resource("ptu-a").baseUrl())
                    .tier(0)
                    .deployment(Deployment.ptu("gpt-4o", "gpt-4o", 0))
                    .build(),
                Credential.apiKey("key-ptu-a"))
            .backend(
                Backend.builder("eastus-paygo")
                    .endpoint(simulator.resource("paygo-1").baseUrl())
                    .tier(1)
                    .deployment("gpt-4o", "gpt-4o")
                    .build(),
                Credential.apiKey("key-paygo-1"))
            .listener(
                new PoolListener() {
                  @Override
                  public void onCallComplete(CallOutcome outcome) {
                    outcomes.add(outcome);
                  }
                })
            .build();
    resources.add(pool);
    return integration.models(pool, resources);
  }

  @ParameterizedTest
  @EnumSource(Integration.class)
  void chatsAndStreamsFromThePtu(Integration integration) {
    Models models = start(integration, DeploymentConfig.ptu("gpt-4o", 10_000_000));

    String answer = models.chat().chat("Hello");
    String streamed = LangChain4jRun.stream(models.streaming(), "Tell a story.");

    assertThat(answer).isNotBlank();
    assertThat(streamed).isNotBlank();
    await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 2);
    assertThat(outcomes)
        .allSatisfy(
            outcome -> {
              assertThat(outcome.succeeded()).isTrue();
              assertThat(outcome.backendId()).isEqualTo("sweden-ptu");
              assertThat(outcome.usage().estimated()).isFalse();
            });
    assertThat(outcomes).extracting(CallOutcome::streamed).containsExactly(false, true);
  }

  @ParameterizedTest
  @EnumSource(Integration.class)
  void aCallTheThrottledPtuRefusesIsAnsweredByPayAsYouGo(Integration integration) throws Exception {
    Models models =
        start(
            integration,
            DeploymentConfig.ptu("gpt-4o", SMALL_PTU_TPM)
                .withMinOutputTokens(PTU_MIN_OUTPUT_TOKENS));
    fillThePtuFromAnotherApplication();

    assertThat(models.chat().chat("Hello")).isNotBlank();

    await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 1);
    CallOutcome outcome = outcomes.get(0);
    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.backendId()).isEqualTo("eastus-paygo");
    assertThat(outcome.throttledAttempts()).isEqualTo(1);
    assertThat(outcome.attempts().get(0).backendId()).isEqualTo("sweden-ptu");
    assertThat(outcome.attempts().get(0).outcome()).isEqualTo(AttemptOutcome.THROTTLED);
  }

  /**
   * Why {@link OpenAiOfficialExample} sets the client itself: the module's own way, {@code
   * .openAIClient(…)}, still fails on the first call in this version. When a newer release fixes
   * it, this test fails: switch the example to the builder and delete this test.
   */
  @Test
  void theModulesOwnBringYourOwnClientStillFailsInThisRelease() {
    start(Integration.OPEN_AI_OFFICIAL, DeploymentConfig.ptu("gpt-4o", 10_000_000));
    OpenAIClient client = SpillwayOpenAI.client(pool);
    resources.add(client::close);
    ChatModel model =
        OpenAiOfficialChatModel.builder().openAIClient(client).modelName("gpt-4o").build();

    assertThatThrownBy(() -> model.chat("Hello")).isInstanceOf(NullPointerException.class);
    assertThat(outcomes).isEmpty();
  }

  /** One call straight to the PTU, not through the pool: it leaves the PTU above 100 %. */
  private void fillThePtuFromAnotherApplication() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            simulator.resource("ptu-a").baseUrl() + "/openai/v1/chat/completions"))
                    .header("api-key", "key-ptu-a")
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
                                + "\"content\":\"Fill the PTU.\"}],\"max_tokens\":"
                                + 2 * PTU_MIN_OUTPUT_TOKENS
                                + "}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
  }
}
