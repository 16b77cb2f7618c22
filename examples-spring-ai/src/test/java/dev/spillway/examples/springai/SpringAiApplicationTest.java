package dev.spillway.examples.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.AttemptOutcome;
import dev.spillway.CallOutcome;
import dev.spillway.simulator.Simulator;
import dev.spillway.simulator.SimulatorConfigs;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.SpringBootVersion;

/**
 * The Spring AI 2.0 application on a real server port against the simulator: chat and stream
 * through the pool's openai-java clients, and a call the throttled PTU refuses answered by
 * pay-as-you-go.
 */
class SpringAiApplicationTest {

  private Simulator simulator;
  private RunningApp app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
    if (simulator != null) {
      simulator.close();
    }
  }

  private void start() {
    simulator = Simulator.start(SimulatorConfigs.fastPair());
    app = RunningApp.start(simulator);
  }

  @Test
  void runsOnBoot41WithoutAzureAiOpenAiAndChatsAndStreamsFromThePtu() throws Exception {
    start();
    assertThat(SpringBootVersion.getVersion()).startsWith("4.1.");
    assertThat(classPresent("com.azure.ai.openai.OpenAIClient")).isFalse();
    assertThat(app.context().getBeanNamesForType(com.openai.client.OpenAIClient.class))
        .containsExactly("spillwayOpenAiClient");

    HttpResponse<String> chat = app.get("/chat?q=Hello");
    HttpResponse<String> stream = app.get("/stream?q=Hello");

    assertThat(chat.statusCode()).isEqualTo(200);
    assertThat(chat.body()).isNotBlank();
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.body().lines().filter(line -> line.startsWith("data:")).count())
        .isGreaterThan(1);
    List<CallOutcome> outcomes = app.outcomes();
    assertThat(outcomes).hasSize(2);
    assertThat(outcomes)
        .allSatisfy(
            outcome -> {
              assertThat(outcome.succeeded()).isTrue();
              assertThat(outcome.backendId()).isEqualTo("sweden-ptu");
              assertThat(outcome.usage().estimated()).isFalse();
            });
    assertThat(outcomes).extracting(CallOutcome::streamed).containsExactly(false, true);
  }

  @Test
  void aCallTheThrottledPtuRefusesIsAnsweredByPayAsYouGo() {
    start();
    fillThePtuFromAnotherApplication();

    String answer = app.context().getBean(ChatModel.class).call("Hello");

    assertThat(answer).isNotBlank();
    CallOutcome outcome = app.outcomes().get(app.outcomes().size() - 1);
    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.backendId()).isEqualTo("eastus-paygo");
    assertThat(outcome.throttledAttempts()).isEqualTo(1);
    assertThat(outcome.attempts().get(0).backendId()).isEqualTo("sweden-ptu");
    assertThat(outcome.attempts().get(0).outcome()).isEqualTo(AttemptOutcome.THROTTLED);
    assertThat(outcome.attempts().get(0).status()).isEqualTo(429);
  }

  private static boolean classPresent(String name) {
    try {
      Class.forName(name, false, SpringAiApplicationTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * Another application has filled the shared PTU: its bucket stands at 200 %, above which it
   * answers 429 for about a minute while it drains.
   */
  private void fillThePtuFromAnotherApplication() {
    simulator.setUtilization("ptu-a", "gpt-4o", 2.0);
  }
}
