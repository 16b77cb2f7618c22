package dev.spillway.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.models.ChatCompletions;
import dev.spillway.azure.SpillwayPool;
import dev.spillway.spring.SimulatedBackends;
import dev.spillway.spring.actuate.SpillwayMeterBinder;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A whole Spring Boot application calling the simulator through the auto-configured client. */
@SpringBootTest(properties = "management.endpoint.health.show-components=always")
class SpillwayApplicationTest {
  private static final SimulatedBackends backends =
      SimulatedBackends.start(SimulatedBackends.LARGE_TPM, SimulatedBackends.LARGE_TPM);

  @Autowired OpenAIClient client;
  @Autowired SpillwayPool pool;
  @Autowired List<SpillwayHealthIndicator> health;
  @Autowired List<SpillwayMeterBinder> meters;
  @Autowired HealthEndpoint healthEndpoint;

  @DynamicPropertySource
  static void spillway(DynamicPropertyRegistry registry) {
    for (String property : backends.properties()) {
      int eq = property.indexOf('=');
      registry.add(property.substring(0, eq), () -> property.substring(eq + 1));
    }
  }

  @AfterAll
  static void stopSimulator() {
    backends.close();
  }

  @Test
  void callsThePoolThroughTheAutoConfiguredClient() {
    ChatCompletions answer = SimulatedBackends.chat(client, 20);

    assertThat(answer.getChoices().get(0).getMessage().getContent()).isNotBlank();
    assertThat(pool.snapshot().backend("sim-0").routes().get(0).successes()).isEqualTo(1);
    assertThat(health).hasSize(1);
    assertThat(meters).hasSize(1);
  }

  @Test
  void theActuatorHealthShowsTheSpillwayComponent() {
    CompositeHealthDescriptor health = (CompositeHealthDescriptor) healthEndpoint.health();

    assertThat(health.getComponents()).containsKey("spillway");
    assertThat(health.getComponents().get("spillway").getStatus()).isEqualTo(Status.UP);
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {}
}
