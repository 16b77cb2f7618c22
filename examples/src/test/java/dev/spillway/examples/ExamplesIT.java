package dev.spillway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spillway.examples.langchain4j.AzureOpenAiExample;
import dev.spillway.examples.langchain4j.OpenAiOfficialExample;
import dev.spillway.examples.spring.SpillwayExampleApplication;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Runs every example against the embedded simulator and checks what it prints. */
class ExamplesIT {
  private static final String SIMULATOR_NOTICE =
      "AOAI_PTU_ENDPOINT is not set: using the embedded Spillway simulator";

  @BeforeAll
  static void noRealEndpoints() {
    assumeTrue(
        System.getenv(ExampleEnvironment.PTU_ENDPOINT) == null,
        "AOAI_PTU_ENDPOINT is set: the examples would call real endpoints");
  }

  @Test
  void quickStartAnswersFromThePtuBackend() {
    String out = run(() -> QuickStart.main(new String[0]));
    assertThat(out)
        .contains(SIMULATOR_NOTICE)
        .containsPattern("tokens: \\d+ in, \\d+ out")
        .contains("backend sweden-ptu: 1 answered", "backend eastus-paygo: 0 answered");
  }

  @Test
  void streamingPrintsTheTextThenItsUsage() {
    String out = run(() -> StreamingExample.main(new String[0]));
    assertThat(out)
        .contains(SIMULATOR_NOTICE)
        .containsPattern("\\w+ \\w+ \\w+.*\\R+usage: \\d+ prompt \\+ [1-9]\\d* completion tokens");
  }

  @Test
  void entraUsesABearerTokenAndSaysItIsTheSimulators() {
    String out = run(() -> EntraExample.main(new String[0]));
    assertThat(out)
        .contains(
            SIMULATOR_NOTICE,
            "Entra ID: using a static simulator bearer token, not DefaultAzureCredential.",
            "authenticated as entra");
  }

  @Test
  void asyncAnswersEveryCall() {
    String out = run(() -> AsyncExample.main(new String[0]));
    assertThat(out)
        .contains(SIMULATOR_NOTICE, "20 answers")
        .containsPattern("backend sweden-ptu \\(tier 0\\): \\d+ answered")
        .containsPattern("backend eastus-paygo \\(tier 1\\): \\d+ answered");
  }

  @Test
  void auditWritesOneRecordPerCallWithTheConsumerAndTokens() {
    String out = run(() -> AuditExample.main(new String[0]));
    assertThat(out).contains(SIMULATOR_NOTICE);
    assertThat(
            Pattern.compile(
                    "^AUDIT \\{.*\"consumer\":\"billing-service\",\"tags\":\\{\"team\":"
                        + "\"(search|support)\"\\},\"model\":\"gpt-4o\",\"backend\":\"sweden-ptu\".*"
                        + "\"status\":200,\"error\":null,\"inputTokens\":[1-9]\\d*,\"outputTokens\":[1-9]\\d*,"
                        + "\"estimated\":false,.*\\}$",
                    Pattern.MULTILINE)
                .matcher(out)
                .results()
                .count())
        .isEqualTo(3);
  }

  @Test
  void consumersExampleLimitsTheFrontEndAndCountsEachConsumer() {
    String out = run(() -> ConsumersExample.main(new String[0]));

    assertThat(out).contains(SIMULATOR_NOTICE);
    assertThat(
            Pattern.compile("^chat-frontend: answered$", Pattern.MULTILINE).matcher(out).results())
        .hasSize(2);
    assertThat(out)
        .containsPattern("chat-frontend: \\[consumer_limit\\], retry after \\[\\d+\\] ms")
        .contains("nightly-report: answered")
        .containsPattern(
            "chat-frontend: 3 calls, [1-9]\\d* PTU \\+ \\d+ PAYG tokens, 1 limit rejections")
        .containsPattern(
            "nightly-report: 1 calls, [1-9]\\d* PTU \\+ 0 PAYG tokens, 0 limit rejections, quota used [1-9]");
  }

  @Test
  void langChain4jExamplesAnswerAndStreamThroughThePool() {
    for (Runnable example :
        List.<Runnable>of(
            () -> OpenAiOfficialExample.main(new String[0]),
            () -> AzureOpenAiExample.main(new String[0]))) {
      String out = run(example);
      assertThat(out)
          .contains(SIMULATOR_NOTICE, "backend sweden-ptu: 2 answered")
          .containsPattern("answer: \\S+")
          .containsPattern("streamed: \\S+");
    }
  }

  @Test
  void springAppServesChatHealthAndTheSpillwayEndpoint() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (ConfigurableApplicationContext app =
        SpillwayExampleApplication.start("--server.port=0", "--server.address=127.0.0.1")) {
      String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
      HttpClient http = HttpClient.newHttpClient();

      HttpResponse<String> chat = get(http, base + "/chat?q=Hello");
      assertThat(chat.statusCode()).isEqualTo(200);
      assertThat(chat.body()).isNotBlank();

      HttpResponse<String> health = get(http, base + "/actuator/health");
      assertThat(health.body())
          .contains("\"spillway\":{\"details\":{\"routeStates\"", "\"sweden-ptu\":{\"tier\":0");

      HttpResponse<String> drained =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/actuator/spillway/sweden-ptu"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"enabled\": false}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(drained.statusCode()).isEqualTo(200);
      assertThat(drained.body()).contains("\"enabled\":false", "\"state\":\"DISABLED\"");
      assertThat(get(http, base + "/chat?q=Again").statusCode()).isEqualTo(200);

      HttpResponse<String> spillway = get(http, base + "/actuator/spillway");
      assertThat(spillway.body())
          .contains(
              "\"totals\":{\"attempts\":2,\"successes\":2",
              "\"id\":\"eastus-paygo\"",
              "\"credentialKind\":\"api-key\"")
          .doesNotContain("key-ptu-a", "key-paygo-1");
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    original.print(out);
    assertThat(out)
        .contains(SIMULATOR_NOTICE)
        .containsPattern("audit - \\{\"call\":.*\"backend\":\"sweden-ptu\"")
        .containsPattern("audit - \\{\"call\":.*\"backend\":\"eastus-paygo\"");
  }

  private static HttpResponse<String> get(HttpClient http, String uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Runs an example with stdout captured, and echoes it. */
  private static String run(Runnable example) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      example.run();
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    original.print(out);
    return out;
  }
}
