package dev.spillway.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.models.ChatCompletions;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.spring.actuate.BootLineHealth;
import dev.spillway.spring.actuate.SpillwayConsumersEndpoint;
import dev.spillway.spring.actuate.SpillwayEndpoint;
import dev.spillway.spring.actuate.SpillwayMeterBinder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole Spring Boot web application, with the starter found by auto-configuration, calling the
 * simulator through the auto-configured client: each starter runs it on its line.
 */
@SpringBootTest(
    classes = AbstractSpillwayApplicationTest.Application.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "management.endpoint.health.show-components=always",
      "management.endpoints.web.exposure.include=health,spillway"
    })
public abstract class AbstractSpillwayApplicationTest {
  private static final SimulatedBackends backends =
      SimulatedBackends.start(SimulatedBackends.LARGE_TPM, SimulatedBackends.LARGE_TPM);

  private final BootLineHealth line;

  @Autowired ApplicationContext context;
  @Autowired OpenAIClient client;
  @Autowired SpillwayPool pool;
  @Autowired List<SpillwayMeterBinder> meters;
  @Autowired List<SpillwayEndpoint> endpoints;

  /**
   * Tests the application with {@code line}'s starter.
   *
   * @param line the Boot line's health API
   */
  protected AbstractSpillwayApplicationTest(BootLineHealth line) {
    this.line = line;
  }

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
    assertThat(context.getBeansOfType(line.healthIndicatorType())).hasSize(1);
    assertThat(meters).hasSize(1);
    assertThat(endpoints).hasSize(1);
  }

  @Test
  void servesOnlyTheEndpointsTheExposureListNames() throws Exception {
    // health and spillway are listed, spillwayconsumers is not
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    assertThat(status(http, base + "/actuator/spillway")).isEqualTo(200);
    assertThat(status(http, base + "/actuator/spillwayconsumers")).isEqualTo(404);
    assertThat(context.getBeansOfType(SpillwayConsumersEndpoint.class)).isEmpty();
  }

  private static int status(HttpClient http, String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void theActuatorHealthShowsTheSpillwayComponent() {
    assertThat(line.spillwayComponentStatus(context)).isEqualTo("UP");
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {}
}
