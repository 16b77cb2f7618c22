package dev.spillway.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.models.CompletionsUsage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spillway.spring.SimulatedBackends;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The actuator endpoints over real HTTP, in a whole web application on a random port: {@code GET
 * /actuator/spillwayconsumers} and {@code /actuator/spillwayconsumers/{id}} after real calls, 404
 * for an unknown consumer, no write operation, no key in any answer; {@code /actuator/spillway}
 * beside it. Each starter runs it on its Boot line, with that line's servlet stack.
 */
@SpringBootTest(
    classes = AbstractActuatorHttpTest.Application.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "management.endpoints.web.exposure.include=health,spillway,spillwayconsumers")
public abstract class AbstractActuatorHttpTest {
  private static final String KEY_PREFIX = "CANARY-7c2d41-";
  private static final SimulatedBackends backends =
      SimulatedBackends.startWithKeyPrefix(
          KEY_PREFIX, SimulatedBackends.LARGE_TPM, SimulatedBackends.LARGE_TPM);

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @Autowired Environment environment;
  @Autowired OpenAIClient client;

  @DynamicPropertySource
  static void spillway(DynamicPropertyRegistry registry) {
    List<String> properties = new ArrayList<>(List.of(backends.properties()));
    properties.addAll(List.of(SpillwayConsumersEndpointTest.CONSUMERS));
    for (String property : properties) {
      int eq = property.indexOf('=');
      registry.add(property.substring(0, eq), () -> property.substring(eq + 1));
    }
  }

  @AfterAll
  static void stopSimulator() {
    backends.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(
        URI.create(
            "http://127.0.0.1:"
                + environment.getProperty("local.server.port")
                + "/actuator"
                + path));
  }

  @Test
  void servesEveryConsumerAndOneOverHttp() throws Exception {
    CompletionsUsage usage = SpillwayMeterBinderTest.consumerChat(client, "team-b", 5);
    SpillwayMeterBinderTest.consumerChat(client, "http-caller", 5);

    HttpResponse<String> all = send(request("/spillwayconsumers"));
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type")).get().asString().contains("json");
    JsonNode consumers = json.readTree(all.body()).get("consumers");
    List<String> ids = new ArrayList<>();
    consumers.forEach(c -> ids.add(c.get("id").asText()));
    assertThat(ids).startsWith("team-a", "team-b", "default").contains("http-caller");

    HttpResponse<String> one = send(request("/spillwayconsumers/team-b"));
    assertThat(one.statusCode()).isEqualTo(200);
    JsonNode teamB = json.readTree(one.body());
    assertThat(teamB.get("declared").asBoolean()).isTrue();
    assertThat(teamB.get("calls").asLong()).isEqualTo(1);
    assertThat(teamB.get("inputTokens").asLong()).isEqualTo(usage.getPromptTokens());
    assertThat(teamB.get("outputTokens").asLong()).isEqualTo(usage.getCompletionTokens());
    assertThat(teamB.at("/tokensByTier/tier0").asLong())
        .isEqualTo(usage.getPromptTokens() + usage.getCompletionTokens());
    assertThat(teamB.at("/tokensByTier/overflow").asLong()).isZero();
    assertThat(teamB.at("/limits/priority").asText()).isEqualTo("batch");
    assertThat(teamB.at("/rejections/consumerLimit").asLong()).isZero();
    assertThat(teamB.at("/byModel/gpt-4o/calls").asLong()).isEqualTo(1);

    assertThat(all.body()).doesNotContain(KEY_PREFIX);
    assertThat(one.body()).doesNotContain(KEY_PREFIX);
  }

  @Test
  void anUnknownConsumerIsNotFound() throws Exception {
    assertThat(send(request("/spillwayconsumers/nope")).statusCode()).isEqualTo(404);
  }

  @Test
  void aRejectionIsCountedByReason() throws Exception {
    SpillwayMeterBinderTest.consumerChat(client, "team-a", 5);
    assertThatThrownBy(() -> SpillwayMeterBinderTest.consumerChat(client, "team-a", 5))
        .isInstanceOf(RuntimeException.class); // rpm-limit 1
    JsonNode teamA = json.readTree(send(request("/spillwayconsumers/team-a")).body());
    assertThat(teamA.get("calls").asLong()).isEqualTo(2);
    assertThat(teamA.at("/rejections/consumerLimit").asLong()).isEqualTo(1);
    assertThat(teamA.at("/quota/used").asLong()).isPositive();
  }

  @Test
  void isReadOnly() throws Exception {
    HttpResponse<String> post =
        send(
            request("/spillwayconsumers/team-a")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"enabled\": false}")));
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void servesThePoolEndpointBesideIt() throws Exception {
    HttpResponse<String> pool = send(request("/spillway"));
    assertThat(pool.statusCode()).isEqualTo(200);
    assertThat(json.readTree(pool.body()).get("backends").get(0).get("id").asText())
        .isEqualTo("sim-0");
    assertThat(pool.body()).doesNotContain(KEY_PREFIX);
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {}
}
