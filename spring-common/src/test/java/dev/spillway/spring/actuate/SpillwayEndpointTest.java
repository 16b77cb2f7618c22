package dev.spillway.spring.actuate;

import static dev.spillway.spring.SimulatedBackends.LARGE_TPM;
import static dev.spillway.spring.SimulatedBackends.OVERSIZED_MAX_TOKENS;
import static dev.spillway.spring.SimulatedBackends.SMALL_TPM;
import static dev.spillway.spring.SimulatedBackends.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.ai.openai.OpenAIClient;
import dev.spillway.RouteState;
import dev.spillway.spring.SimulatedBackends;
import dev.spillway.spring.SpillwayAutoConfiguration;
import dev.spillway.spring.actuate.SpillwayEndpoint.BackendDescriptor;
import dev.spillway.spring.actuate.SpillwayEndpoint.Counters;
import dev.spillway.spring.actuate.SpillwayEndpoint.PoolDescriptor;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code spillway} endpoint: snapshot and counters, one backend, enable and disable. */
class SpillwayEndpointTest {
  private static SimulatedBackends backends;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SpillwayAutoConfiguration.class, SpillwayEndpointAutoConfiguration.class))
          .withPropertyValues("management.endpoints.web.exposure.include=spillway");

  @BeforeAll
  static void startSimulator() {
    backends = SimulatedBackends.start(SMALL_TPM, LARGE_TPM);
  }

  @AfterAll
  static void stopSimulator() {
    backends.close();
  }

  @Test
  void reportsTheSnapshotWithTotals() {
    runner
        .withPropertyValues(backends.properties())
        .run(
            context -> {
              OpenAIClient client = context.getBean(OpenAIClient.class);
              var answer = chat(client, OVERSIZED_MAX_TOKENS);

              PoolDescriptor pool = context.getBean(SpillwayEndpoint.class).snapshot();
              assertThat(pool.takenAt()).isNotBlank();
              assertThat(pool.backends())
                  .extracting(BackendDescriptor::id)
                  .containsExactly("sim-0", "sim-1");
              BackendDescriptor throttled = pool.backends().get(0);
              assertThat(throttled.credentialKind()).isEqualTo("api-key");
              assertThat(throttled.endpoint())
                  .isEqualTo(backends.simulator().resource("sim-0").baseUrl());
              assertThat(throttled.routes().get(0).state()).isEqualTo(RouteState.COOLING);
              assertThat(throttled.routes().get(0).coolingUntil()).isNotNull();
              assertThat(throttled.routes().get(0).counters().throttled()).isEqualTo(1);
              assertThat(pool.backends().get(1).routes().get(0).peakEwmaMs()).isPositive();
              assertThat(pool.totals())
                  .isEqualTo(
                      new Counters(
                          2,
                          1,
                          1,
                          0,
                          0,
                          answer.getUsage().getPromptTokens(),
                          answer.getUsage().getCompletionTokens()));
            });
  }

  @Test
  void reportsOneBackendOrNothing() {
    runner
        .withPropertyValues(backends.properties())
        .run(
            context -> {
              SpillwayEndpoint endpoint = context.getBean(SpillwayEndpoint.class);
              assertThat(endpoint.backend("sim-1").tier()).isEqualTo(1);
              assertThat(endpoint.backend("nope")).isNull();
            });
  }

  @Test
  void disablesAndEnablesABackend() {
    runner
        .withPropertyValues(backends.properties())
        .run(
            context -> {
              SpillwayEndpoint endpoint = context.getBean(SpillwayEndpoint.class);
              OpenAIClient client = context.getBean(OpenAIClient.class);

              assertThat(endpoint.setEnabled("sim-0", false).enabled()).isFalse();
              chat(client, 5);
              assertThat(endpoint.backend("sim-0").routes().get(0).counters().attempts()).isZero();
              assertThat(endpoint.backend("sim-0").routes().get(0).state())
                  .isEqualTo(RouteState.DISABLED);

              assertThat(endpoint.setEnabled("sim-0", true).enabled()).isTrue();
              chat(client, 5);
              assertThat(endpoint.backend("sim-0").routes().get(0).counters().successes())
                  .isEqualTo(1);
            });
  }

  @Test
  void rejectsAnUnknownBackend() {
    runner
        .withPropertyValues(backends.properties())
        .run(
            context ->
                assertThatThrownBy(
                        () -> context.getBean(SpillwayEndpoint.class).setEnabled("nope", false))
                    .isInstanceOf(InvalidEndpointRequestException.class)
                    .hasMessageContaining("no backend 'nope'"));
  }

  @Test
  void operationParametersKeepTheirNamesForActuatorMapping() {
    // Actuator maps {backendId} and the "enabled" body field by name: compiled with -parameters.
    assertThat(
            Arrays.stream(SpillwayEndpoint.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()))
                .flatMap(m -> Arrays.stream(m.getParameters())))
        .isNotEmpty()
        .allMatch(Parameter::isNamePresent)
        .extracting(Parameter::getName)
        .contains("backendId", "enabled");
  }

  @Test
  void isAbsentUnlessExposed() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                SpillwayAutoConfiguration.class, SpillwayEndpointAutoConfiguration.class))
        .withPropertyValues(backends.properties())
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SpillwayEndpoint.class));
  }
}
