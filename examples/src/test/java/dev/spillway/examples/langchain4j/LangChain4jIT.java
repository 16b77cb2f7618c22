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
import dev.spillway.simulator.Simulator;
import dev.spillway.simulator.SimulatorConfigs;
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

  private Models start(Integration integration) {
    simulator = Simulator.start(SimulatorConfigs.fastPair());
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
    Models models = start(integration);

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
  void aCallTheThrottledPtuRefusesIsAnsweredByPayAsYouGo(Integration integration) {
    Models models = start(integration);
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
    start(Integration.OPEN_AI_OFFICIAL);
    OpenAIClient client = SpillwayOpenAI.client(pool);
    resources.add(client::close);
    ChatModel model =
        OpenAiOfficialChatModel.builder().openAIClient(client).modelName("gpt-4o").build();

    assertThatThrownBy(() -> model.chat("Hello")).isInstanceOf(NullPointerException.class);
    assertThat(outcomes).isEmpty();
  }

  /**
   * Another application has filled the shared PTU: its bucket stands at 200 %, above which it
   * answers 429 for about a minute while it drains.
   */
  private void fillThePtuFromAnotherApplication() {
    simulator.setUtilization("ptu-a", "gpt-4o", 2.0);
  }
}
