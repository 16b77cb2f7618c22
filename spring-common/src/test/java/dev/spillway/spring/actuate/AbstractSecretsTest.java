package dev.spillway.spring.actuate;

import static dev.spillway.spring.SimulatedBackends.LARGE_TPM;
import static dev.spillway.spring.SimulatedBackends.OVERSIZED_MAX_TOKENS;
import static dev.spillway.spring.SimulatedBackends.SMALL_TPM;
import static dev.spillway.spring.SimulatedBackends.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.ai.openai.OpenAIClient;
import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spillway.spring.SimulatedBackends;
import dev.spillway.spring.SpillwayAutoConfiguration;
import dev.spillway.spring.SpillwayProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/**
 * No API key or bearer token in the health, the endpoints, the meters or the properties: each
 * starter runs this with its own {@link BootLineHealth}.
 */
public abstract class AbstractSecretsTest {
  private static final String CANARY = "CANARY-5f1e9c-";
  private static SimulatedBackends backends;
  private final BootLineHealth line;

  /**
   * Tests the outputs of {@code line}'s starter.
   *
   * @param line the Boot line's health API
   */
  protected AbstractSecretsTest(BootLineHealth line) {
    this.line = line;
  }

  @BeforeAll
  static void startSimulator() {
    backends = SimulatedBackends.startWithKeyPrefix(CANARY, SMALL_TPM, LARGE_TPM, LARGE_TPM);
  }

  @AfterAll
  static void stopSimulator() {
    backends.close();
  }

  @Test
  void noKeyOrTokenInAnyOutput() {
    List<String> properties = new ArrayList<>(backends.backend(0, "api-key=" + backends.key(0)));
    properties.addAll(backends.backend(1, "credential=entra"));
    properties.addAll(backends.backend(2, "api-key=" + CANARY + "wrong"));
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                SpillwayAutoConfiguration.class,
                line.healthAutoConfiguration(),
                SpillwayEndpointAutoConfiguration.class,
                SpillwayMetricsAutoConfiguration.class))
        .withPropertyValues(properties.toArray(String[]::new))
        .withPropertyValues(
            "management.endpoints.web.exposure.include=spillway,spillwayconsumers",
            "spillway.timeout=2s",
            "spillway.consumers[0].id=team-a")
        .withUserConfiguration(BearerToken.class)
        .run(
            context -> {
              SimpleMeterRegistry registry = new SimpleMeterRegistry();
              context.getBean(SpillwayMeterBinder.class).bindTo(registry);
              OpenAIClient client = context.getBean(OpenAIClient.class);
              chat(client, OVERSIZED_MAX_TOKENS); // sim-0 throttles, sim-1 answers
              SpillwayMeterBinderTest.consumerChat(client, "team-a", 5);
              context.getBean(SpillwayEndpoint.class).setEnabled("sim-1", false);
              // sim-2's wrong key: 401, circuit open; sim-0 still cools past the 2 s deadline.
              assertThatThrownBy(() -> chat(client, 5)).isInstanceOf(HttpResponseException.class);
              context.getBean(SpillwayEndpoint.class).setEnabled("sim-1", true);

              ObjectMapper json = new ObjectMapper().findAndRegisterModules();
              SpillwayEndpoint endpoint = context.getBean(SpillwayEndpoint.class);
              Object health = line.health(context);
              List<String> outputs =
                  List.of(
                      json.writeValueAsString(health),
                      health.toString(),
                      json.writeValueAsString(endpoint.snapshot()),
                      endpoint.snapshot().toString(),
                      json.writeValueAsString(endpoint.backend("sim-2")),
                      json.writeValueAsString(
                          context.getBean(SpillwayConsumersEndpoint.class).consumers()),
                      context.getBean(SpillwayProperties.class).toString(),
                      registry.getMetersAsString());

              assertThat(line.statusAndDetails(context).details()).containsKey("backends");
              assertThat(outputs).allSatisfy(output -> assertThat(output).doesNotContain(CANARY));
              assertThat(outputs.get(2)).contains("sim-0", "sim-1", "sim-2");
              assertThat(outputs.get(5)).contains("team-a");
              assertThat(outputs.get(7)).contains("spillway.consumer.tokens", "team-a");
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class BearerToken {
    /** The simulator accepts its API key as a bearer token. */
    @Bean
    TokenCredential bearerToken() {
      return request ->
          Mono.just(
              new AccessToken(backends.key(1), OffsetDateTime.now(ZoneOffset.UTC).plusHours(1)));
    }
  }
}
