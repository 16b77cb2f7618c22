package dev.spillway.examples.boot3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.CallOutcome;
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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;

/**
 * Spring AI's chat model fails over from a throttled PTU to pay-as-you-go, and the call's outcome
 * shows it: another application has filled the shared PTU, which answers the pool's first attempt
 * with a 429.
 */
class PtuFailoverTest {
  /** The PTU's provisioned rate, in tokens per minute. */
  private static final long PTU_TPM = 100;

  /** Every PTU answer is at least this long, so one call fills the PTU for about a minute. */
  private static final int PTU_MIN_OUTPUT_TOKENS = 200;

  private static final LatencyModel FAST = LatencyModel.of(Duration.ofMillis(2), 0, Duration.ZERO);

  private final Simulator simulator =
      Simulator.start(
          SimulatorConfig.of(
              ResourceConfig.of(
                  "ptu-a",
                  "key-ptu-a",
                  DeploymentConfig.ptu("gpt-4o", PTU_TPM)
                      .withLatency(FAST)
                      .withMinOutputTokens(PTU_MIN_OUTPUT_TOKENS)),
              ResourceConfig.of(
                  "paygo-1",
                  "key-paygo-1",
                  DeploymentConfig.standard("gpt-4o", 10_000_000).withLatency(FAST))));
  private RunningExample app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
    simulator.close();
  }

  @Test
  void aCallThePtuThrottlesIsAnsweredByPayAsYouGo() throws Exception {
    app = RunningExample.start(simulator);
    fillThePtuFromAnotherApplication();

    String answer = app.context().getBean(ChatModel.class).call("Hello");

    assertThat(answer).isNotBlank();
    CallOutcome outcome = app.outcomes().get(app.outcomes().size() - 1);
    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.backendId()).isEqualTo("eastus-paygo");
    assertThat(outcome.throttledAttempts()).isEqualTo(1);
    List<AttemptRecord> attempts = outcome.attempts();
    assertThat(attempts.get(0))
        .satisfies(
            first -> {
              assertThat(first.backendId()).isEqualTo("sweden-ptu");
              assertThat(first.outcome()).isEqualTo(AttemptOutcome.THROTTLED);
              assertThat(first.status()).isEqualTo(429);
              assertThat(first.coolDown()).isPositive();
            });
    assertThat(attempts.get(attempts.size() - 1).backendId()).isEqualTo("eastus-paygo");
    assertThat(attempts.get(attempts.size() - 1).outcome()).isEqualTo(AttemptOutcome.SUCCESS);
  }

  /** One call straight to the PTU, not through the pool: it leaves the PTU above 100 %. */
  private void fillThePtuFromAnotherApplication() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            simulator.resource("ptu-a").baseUrl()
                                + "/openai/deployments/gpt-4o/chat/completions"
                                + "?api-version=2024-10-21"))
                    .header("api-key", "key-ptu-a")
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"messages\":[{\"role\":\"user\",\"content\":\"Fill the PTU.\"}],"
                                + "\"max_tokens\":"
                                + 2 * PTU_MIN_OUTPUT_TOKENS
                                + "}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
  }
}
