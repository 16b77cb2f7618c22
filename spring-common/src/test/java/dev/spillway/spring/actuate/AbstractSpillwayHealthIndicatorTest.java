package dev.spillway.spring.actuate;

import static dev.spillway.spring.SimulatedBackends.LARGE_TPM;
import static dev.spillway.spring.SimulatedBackends.OVERSIZED_MAX_TOKENS;
import static dev.spillway.spring.SimulatedBackends.SMALL_TPM;
import static dev.spillway.spring.SimulatedBackends.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.ai.openai.OpenAIClient;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.spring.SimulatedBackends;
import dev.spillway.spring.SpillwayAutoConfiguration;
import dev.spillway.spring.SpillwayPoolCustomizer;
import dev.spillway.spring.internal.PoolHealth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health states driven by a real pool against the simulator, read through a Boot line's health API:
 * each starter runs these with its own {@link BootLineHealth}.
 */
public abstract class AbstractSpillwayHealthIndicatorTest {
  private final BootLineHealth line;
  private final ApplicationContextRunner runner;
  private SimulatedBackends backends;

  /**
   * Tests the health of {@code line}'s starter.
   *
   * @param line the Boot line's health API
   */
  protected AbstractSpillwayHealthIndicatorTest(BootLineHealth line) {
    this.line = line;
    this.runner =
        new ApplicationContextRunner()
            .withConfiguration(
                AutoConfigurations.of(
                    SpillwayAutoConfiguration.class, line.healthAutoConfiguration()));
  }

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
              PoolHealth health = health(context);
              assertThat(health.status()).isEqualTo(PoolHealth.UP);
              assertThat(health.details())
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

              PoolHealth health = health(context);
              assertThat(health.status()).isEqualTo(PoolHealth.UP);
              assertThat(health.details())
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

              PoolHealth health = health(context);
              assertThat(health.status()).isEqualTo(PoolHealth.UP);
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

              PoolHealth health = health(context);
              assertThat(health.status()).isEqualTo(PoolHealth.DOWN);
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

              assertThat(health(context).status()).isEqualTo(PoolHealth.DOWN);
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

              assertThat(health(context).status()).isEqualTo(PoolHealth.OUT_OF_SERVICE);
              pool.backendPool().enableBackend("sim-1");
              assertThat(health(context).status()).isEqualTo(PoolHealth.UP);
            });
  }

  @Test
  void canBeTurnedOff() {
    backends = SimulatedBackends.start(LARGE_TPM);
    runner
        .withPropertyValues(backends.properties())
        .withPropertyValues("management.health.spillway.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(line.healthIndicatorType()));
  }

  @Test
  void joinsTheMainHealthButNotTheLivenessOrReadinessGroups() {
    backends = SimulatedBackends.start(LARGE_TPM);
    runner
        .withConfiguration(line.healthEndpoint())
        .withPropertyValues(backends.properties())
        .withPropertyValues("management.endpoint.health.probes.enabled=true")
        .run(
            context -> {
              assertThat(line.includesSpillway(context, null)).isTrue();
              assertThat(line.includesSpillway(context, "liveness")).isFalse();
              assertThat(line.includesSpillway(context, "readiness")).isFalse();
            });
  }

  private PoolHealth health(ApplicationContext context) {
    return line.statusAndDetails(context);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> backend(PoolHealth health, String id) {
    return (Map<String, Object>) ((Map<String, Object>) health.details().get("backends")).get(id);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> route(PoolHealth health, String backendId) {
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
