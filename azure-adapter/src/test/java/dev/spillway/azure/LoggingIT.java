package dev.spillway.azure;

import static dev.spillway.azure.Harness.MODEL;
import static dev.spillway.azure.Harness.PTU_DEPLOYMENT;
import static dev.spillway.azure.Harness.chatOptions;
import static dev.spillway.azure.Harness.count;
import static dev.spillway.azure.Harness.error;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.azure.ai.openai.OpenAIAsyncClient;
import com.azure.ai.openai.OpenAIClient;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.spillway.CallOutcome;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

/**
 * A faulty PTU logs what changed, once: one WARN (throttled) or ERROR (misconfigured) when its
 * route leaves AVAILABLE however many in-flight calls meet the fault, the per-call detail at DEBUG,
 * and nothing from azure-core's retry step.
 */
class LoggingIT {
  @RegisterExtension static final Harness H = new Harness();
  private static final int BURST = 12;
  private static final int AFTER = 8;

  @Test
  void aThrottledRouteWarnsOnceWhenItStartsCooling() throws Exception {
    Logged logged = run(error(429, "429").withHeader("retry-after-ms", "60000"));

    assertThat(logged.warnings)
        .as("Spillway's WARN lines")
        .singleElement()
        .asString()
        .contains("backend 'sweden-ptu'", "cools down for 60000 ms", "throttled");
    assertThat(logged.errors).as("Spillway's ERROR lines").isEmpty();
  }

  @Test
  void aMisconfiguredRouteLogsOneErrorWhenItStartsCooling() throws Exception {
    Logged logged = run(error(404, "DeploymentNotFound"));

    assertThat(logged.errors)
        .as("Spillway's ERROR lines")
        .singleElement()
        .asString()
        .contains("backend 'sweden-ptu'", "HTTP 404 DeploymentNotFound", "deployment mapping");
    assertThat(logged.warnings).as("Spillway's WARN lines").isEmpty();
  }

  /**
   * A burst of concurrent calls while the PTU answers {@code fault} slowly (so all of them are in
   * flight on it before the first answer), then sequential calls; every call ends on the PAYG.
   */
  private static Logged run(ResponseDefinitionBuilder fault) throws Exception {
    H.stubChat(H.ptu, PTU_DEPLOYMENT, fault.withFixedDelay(300));
    SpillwayPool pool =
        H.pool(
            b ->
                b.settings(
                    s -> s.timeout(Duration.ofSeconds(20)).attemptTimeout(Duration.ofSeconds(10))));
    OpenAIAsyncClient async =
        SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP).buildAsyncClient();
    OpenAIClient sync = SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP).buildClient();
    Logged logged = new Logged();
    try (LogCapture spillway = LogCapture.of("dev.spillway");
        LogCapture azure = LogCapture.of("com.azure");
        AutoCloseable debug = LogCapture.quiet("dev.spillway", Level.DEBUG);
        AutoCloseable info = LogCapture.quiet("com.azure", Level.INFO)) {
      Flux.range(0, BURST)
          .flatMap(i -> async.getChatCompletions(MODEL, chatOptions()), BURST)
          .collectList()
          .block();
      for (int i = 0; i < AFTER; i++) {
        sync.getChatCompletions(MODEL, chatOptions());
      }
      logged.warnings.addAll(spillway.messages(Level.WARN));
      logged.errors.addAll(spillway.messages(Level.ERROR));
      spillway.messages(Level.DEBUG).stream()
          .filter(m -> m.contains(" attempt ") && m.contains("'sweden-ptu'"))
          .forEach(logged.ptuAttempts::add);
      for (Level level : List.of(Level.ERROR, Level.WARN, Level.INFO)) {
        logged.azure.addAll(azure.messages(level));
      }
    }

    assertThat(H.outcomes).hasSize(BURST + AFTER).allMatch(CallOutcome::succeeded);
    int faults = count(H.ptu, PTU_DEPLOYMENT);
    assertThat(faults).as("faulty answers while the route was already cooling").isGreaterThan(1);
    assertThat(logged.ptuAttempts).as("one DEBUG line per PTU attempt").hasSize(faults);
    assertThat(logged.azure).noneMatch(m -> m.contains("Retry attempts have been exhausted"));
    return logged;
  }

  private static final class Logged {
    final List<String> warnings = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final List<String> ptuAttempts = new ArrayList<>();
    final List<String> azure = new ArrayList<>();
  }
}
