package dev.spillway.spring.actuate;

import static dev.spillway.spring.SimulatedBackends.LARGE_TPM;
import static dev.spillway.spring.SimulatedBackends.OVERSIZED_MAX_TOKENS;
import static dev.spillway.spring.SimulatedBackends.SMALL_TPM;
import static dev.spillway.spring.SimulatedBackends.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.ai.openai.OpenAIClient;
import dev.spillway.azure.SpillwayPool;
import dev.spillway.spring.SimulatedBackends;
import dev.spillway.spring.SpillwayAutoConfiguration;
import dev.spillway.spring.SpillwayPoolCustomizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Health states driven by a real pool against the simulator. */
class SpillwayHealthIndicatorTest {
  private SimulatedBackends backends;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SpillwayAutoConfiguration.class, SpillwayHealthAutoConfiguration.class));

  @AfterEach
  void stopSimulator() {
    backends.close();
  }

  @Test
  void upWhileIdle() {
    backends = SimulatedBackends.start(LARGE_TPM, LARGE_TPM);
    runner
        .withPropertyValues(backends.properties())
        .run(
            context -> {
              Health health = health(context);
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails())
                  .containsEntry("routeStates", Map.of(dev.spillway.RouteState.AVAILABLE, 2L));
              assertThat(route(health, "sim-0"))
                  .containsEntry("state", dev.spillway.RouteState.AVAILABLE)
                  .containsEntry("deployment", "gpt-4o")
                  .containsEntry("outstanding", 0)
                  .doesNotContainKey("coolingUntil");
            });
  }

  @Test
  void staysUpWithDetailsWhileARouteCoolsDownAfterA429() {
    backends = SimulatedBackends.start(SMALL_TPM, LARGE_TPM);
    runner
        .withPropertyValues(backends.properties())
        .run(
            context -> {
              chat(context.getBean(OpenAIClient.class), OVERSIZED_MAX_TOKENS);

              Health health = health(context);
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails())
                  .containsEntry(
                      "routeStates",
                      Map.of(
                          dev.spillway.RouteState.COOLING,
                          1L,
                          dev.spillway.RouteState.AVAILABLE,
                          1L));
              assertThat(route(health, "sim-0"))
                  .containsEntry("state", dev.spillway.RouteState.COOLING)
                  .containsKey("coolingUntil");
              assertThat(route(health, "sim-1"))
                  .containsKey("peakEwmaMs")
                  .containsEntry("state", dev.spillway.RouteState.AVAILABLE);
              assertThat(backend(health, "sim-0"))
                  .containsEntry("circuit", dev.spillway.CircuitState.CLOSED);
            });
  }

  @Test
  void upWhileOneBackendsCircuitIsOpen() {
    backends = SimulatedBackends.start(LARGE_TPM, LARGE_TPM);
    List<String> properties = new ArrayList<>(backends.backend(0, "api-key=wrong-key"));
    properties.addAll(backends.backend(1, "api-key=" + backends.key(1)));
    runner
        .withPropertyValues(properties.toArray(String[]::new))
        .run(
            context -> {
              chat(context.getBean(OpenAIClient.class), 5);

              Health health = health(context);
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(backend(health, "sim-0"))
                  .containsEntry("circuit", dev.spillway.CircuitState.OPEN)
                  .containsKey("circuitOpenUntil");
            });
  }

  @Test
  void downWhenEveryBackendFailsAuthentication() {
    backends = SimulatedBackends.start(LARGE_TPM, LARGE_TPM);
    List<String> properties = new ArrayList<>(backends.backend(0, "api-key=wrong-key"));
    properties.addAll(backends.backend(1, "api-key=another-wrong-key"));
    runner
        .withPropertyValues(properties.toArray(String[]::new))
        .run(
            context -> {
              assertThatThrownBy(() -> chat(context.getBean(OpenAIClient.class), 5));

              Health health = health(context);
              assertThat(health.getStatus()).isEqualTo(Status.DOWN);
              assertThat(backend(health, "sim-0"))
                  .containsEntry("circuit", dev.spillway.CircuitState.OPEN);
              assertThat(backend(health, "sim-1"))
                  .containsEntry("circuit", dev.spillway.CircuitState.OPEN);
            });
  }

  @Test
  void downWhenEveryBackendRefusesConnections() {
    backends = SimulatedBackends.start(LARGE_TPM, LARGE_TPM);
    backends.ids().forEach(backends.simulator()::refuseConnections);
    runner
        .withPropertyValues(backends.properties())
        .withPropertyValues("spillway.max-attempts=10")
        .withUserConfiguration(FastLaps.class)
        .run(
            context -> {
              assertThatThrownBy(() -> chat(context.getBean(OpenAIClient.class), 5));

              assertThat(health(context).getStatus()).isEqualTo(Status.DOWN);
            });
  }

  @Test
  void outOfServiceWhenEveryBackendIsDisabled() {
    backends = SimulatedBackends.start(LARGE_TPM, LARGE_TPM);
    runner
        .withPropertyValues(backends.properties())
        .run(
            context -> {
              SpillwayPool pool = context.getBean(SpillwayPool.class);
              backends.ids().forEach(pool.backendPool()::disableBackend);

              assertThat(health(context).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
              pool.backendPool().enableBackend("sim-1");
              assertThat(health(context).getStatus()).isEqualTo(Status.UP);
            });
  }

  @Test
  void canBeTurnedOff() {
    backends = SimulatedBackends.start(LARGE_TPM);
    runner
        .withPropertyValues(backends.properties())
        .withPropertyValues("management.health.spillway.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(SpillwayHealthIndicator.class));
  }

  @Test
  void joinsTheMainHealthButNotTheLivenessOrReadinessGroups() {
    backends = SimulatedBackends.start(LARGE_TPM);
    runner
        .withConfiguration(
            AutoConfigurations.of(
                ApplicationAvailabilityAutoConfiguration.class,
                HealthContributorAutoConfiguration.class,
                HealthContributorRegistryAutoConfiguration.class,
                HealthEndpointAutoConfiguration.class,
                AvailabilityProbesAutoConfiguration.class))
        .withPropertyValues(backends.properties())
        .withPropertyValues("management.endpoint.health.probes.enabled=true")
        .run(
            context -> {
              HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
              assertThat(groups.getPrimary().isMember("spillway")).isTrue();
              assertThat(groups.get("liveness").isMember("spillway")).isFalse();
              assertThat(groups.get("readiness").isMember("spillway")).isFalse();
            });
  }

  static Health health(AssertableApplicationContext context) {
    return context.getBean(SpillwayHealthIndicator.class).health();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> backend(Health health, String id) {
    return (Map<String, Object>)
        ((Map<String, Object>) health.getDetails().get("backends")).get(id);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> route(Health health, String backendId) {
    return (Map<String, Object>)
        ((Map<String, Object>) backend(health, backendId).get("routes")).get("gpt-4o");
  }

  /** Laps without backoff, so one call reaches every circuit's threshold quickly. */
  @Configuration(proxyBeanMethods = false)
  static class FastLaps {
    @Bean
    SpillwayPoolCustomizer fastLaps() {
      return builder -> builder.settings(s -> s.lapBackoff(Duration.ofMillis(1)));
    }
  }
}
