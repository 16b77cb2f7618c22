package dev.spillway.examples.boot3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.simulator.Simulator;
import dev.spillway.simulator.SimulatorConfigs;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

/**
 * The Boot 3.5 example on a real server port against the simulator, whose PTU has room for every
 * call: chat, stream, health and the {@code spillway} endpoint.
 */
class SpringAiExampleTest {

  private static Simulator simulator;
  private static RunningExample app;

  @BeforeAll
  static void start() {
    simulator = Simulator.start(SimulatorConfigs.fastPair());
    app = RunningExample.start(simulator);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    simulator.close();
  }

  @Test
  void startsOnSpringBoot35AndItsNetty41Quietly() {
    assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
    assertThat(io.netty.util.Version.identify().get("netty-common").artifactVersion())
        .startsWith("4.1.");
    assertThat(app.startupLog())
        .contains("Tomcat started on port", "Exposing 2 endpoints beneath base path")
        .doesNotContain(" WARN ", " ERROR ");
  }

  @Test
  void chatAnswersFromThePtu() throws Exception {
    int before = app.outcomes().size();

    HttpResponse<String> chat = app.get("/chat?q=Hello");

    assertThat(chat.statusCode()).isEqualTo(200);
    assertThat(chat.body()).isNotBlank();
    assertThat(app.outcomes().subList(before, app.outcomes().size()))
        .singleElement()
        .satisfies(
            outcome -> {
              assertThat(outcome.backendId()).isEqualTo("sweden-ptu");
              assertThat(outcome.streamed()).isFalse();
            });
  }

  @Test
  void streamSendsTheAnswerAsSeveralEvents() throws Exception {
    int before = app.outcomes().size();

    HttpResponse<String> stream = app.get("/stream?q=Hello");

    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
    assertThat(stream.body().lines().filter(line -> line.startsWith("data:")).count())
        .isGreaterThan(1);
    assertThat(app.outcomes().subList(before, app.outcomes().size()))
        .singleElement()
        .satisfies(
            outcome -> {
              assertThat(outcome.streamed()).isTrue();
              assertThat(outcome.succeeded()).isTrue();
              assertThat(outcome.backendId()).isEqualTo("sweden-ptu");
            });
  }

  @Test
  void actuatorHealthShowsTheSpillwayComponentAndTheEndpointThePool() throws Exception {
    HttpResponse<String> health = app.get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body())
        .contains(
            "\"spillway\":{\"status\":\"UP\",\"details\":{\"routeStates\"",
            "\"sweden-ptu\":{\"tier\":0");

    HttpResponse<String> spillway = app.get("/actuator/spillway");
    assertThat(spillway.statusCode()).isEqualTo(200);
    assertThat(spillway.body())
        .contains(
            "\"id\":\"sweden-ptu\"", "\"id\":\"eastus-paygo\"", "\"credentialKind\":\"api-key\"")
        .doesNotContain("key-ptu-a", "key-paygo-1");
  }
}
