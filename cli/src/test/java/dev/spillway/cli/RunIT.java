package dev.spillway.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.UrlPattern;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code run} against two WireMock backends: a PTU at tier 0 and a pay-as-you-go at tier 1. */
class RunIT {
  static final String PTU_KEY = "canary-ptu-key-61b0";
  static final String PAYGO_KEY = "canary-paygo-key-93c2";
  static final String PTU_PATH = "/openai/deployments/gpt4o-ptu/chat/completions";
  static final String PAYGO_PATH = "/openai/deployments/gpt-4o-payg/chat/completions";

  /** Where openai-java's client sends every chat call: the v1 API, the deployment in the body. */
  static final String V1_PATH = "/openai/v1/chat/completions";

  static final String CHAT_BODY =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
          + "\"created\":1733358925,\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"completion_tokens\":9,\"prompt_tokens\":11,\"total_tokens\":20}}";
  static final ObjectMapper JSON = new ObjectMapper();

  final WireMockServer ptu = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  final WireMockServer paygo = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  Path config;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    ptu.start();
    paygo.start();
    config = dir.resolve("pool.yaml");
    Files.writeString(
        config,
        """
        spillway:
          timeout: 10s
          max-attempts: 2
          backends:
            - id: sweden-ptu
              endpoint: http://127.0.0.1:%d
              tier: 0
              api-key: %s
              deployments: [{ model: gpt-4o, deployment: gpt4o-ptu, ptu: true }]
            - id: eastus-paygo
              endpoint: http://127.0.0.1:%d
              tier: 1
              api-key: %s
              deployments: [{ model: gpt-4o, deployment: gpt-4o-payg }]
        """
            .formatted(ptu.port(), PTU_KEY, paygo.port(), PAYGO_KEY));
  }

  @AfterEach
  void stop() {
    ptu.stop();
    paygo.stop();
  }

  @ParameterizedTest
  @ValueSource(strings = {"azure", "openai"})
  void throttledPtuThenPaygoIsOneCallWithTwoAttempts(String sdk) throws Exception {
    ptu.stubFor(
        post(chat(sdk, "gpt4o-ptu"))
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("retry-after-ms", "2000")
                    .withHeader("retry-after", "2")
                    .withBody(
                        "{\"error\":{\"code\":\"429\",\"message\":\"Requests exceed the limit.\"}}")));
    paygo.stubFor(post(chat(sdk, "gpt-4o-payg")).willReturn(ok()));

    CliRun run = runWith(sdk, "--requests", "1", "--json");

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines()).hasSize(2);
    JsonNode call = JSON.readTree(run.outLines().get(0));
    assertThat(fieldNames(call))
        .containsExactly("call", "ok", "status", "backend", "latencyMs", "attempts", "usage");
    assertThat(call.get("call").asInt()).isEqualTo(1);
    assertThat(call.get("ok").asBoolean()).isTrue();
    assertThat(call.get("status").asInt()).isEqualTo(200);
    assertThat(call.get("backend").asText()).isEqualTo("eastus-paygo");
    assertThat(call.get("latencyMs").isNumber()).isTrue();
    JsonNode throttled = call.get("attempts").get(0);
    assertThat(fieldNames(throttled))
        .containsExactly("backend", "status", "retryAfterMs", "latencyMs");
    assertThat(throttled.get("backend").asText()).isEqualTo("sweden-ptu");
    assertThat(throttled.get("status").asInt()).isEqualTo(429);
    assertThat(throttled.get("retryAfterMs").asLong()).isEqualTo(2000);
    JsonNode admitted = call.get("attempts").get(1);
    assertThat(fieldNames(admitted)).containsExactly("backend", "status", "latencyMs");
    assertThat(admitted.get("backend").asText()).isEqualTo("eastus-paygo");
    assertThat(admitted.get("status").asInt()).isEqualTo(200);
    assertThat(call.get("attempts")).hasSize(2);
    assertThat(call.get("usage").toString()).isEqualTo("{\"inputTokens\":11,\"outputTokens\":9}");

    JsonNode summary = JSON.readTree(run.outLines().get(1)).get("summary");
    assertThat(fieldNames(summary))
        .containsExactly(
            "calls",
            "ok",
            "failed",
            "byBackend",
            "backend429",
            "p50Ms",
            "p99Ms",
            "inputTokens",
            "outputTokens");
    assertThat(summary.get("calls").asInt()).isEqualTo(1);
    assertThat(summary.get("ok").asInt()).isEqualTo(1);
    assertThat(summary.get("failed").asInt()).isZero();
    assertThat(summary.get("byBackend").toString()).isEqualTo("{\"eastus-paygo\":1}");
    assertThat(summary.get("backend429").asInt()).isEqualTo(1);
    assertThat(summary.get("p50Ms").asDouble()).isEqualTo(call.get("latencyMs").asDouble());
    assertThat(summary.get("inputTokens").asInt()).isEqualTo(11);
    assertThat(summary.get("outputTokens").asInt()).isEqualTo(9);

    ptu.verify(1, postRequestedFor(chat(sdk, "gpt4o-ptu")).withHeader("api-key", equalTo(PTU_KEY)));
    paygo.verify(
        1, postRequestedFor(chat(sdk, "gpt-4o-payg")).withHeader("api-key", equalTo(PAYGO_KEY)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"azure", "openai"})
  void badRequestIsAFailedCallWithOneAttemptAndExitCode1(String sdk) throws Exception {
    ptu.stubFor(
        post(chat(sdk, "gpt4o-ptu"))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\":{\"message\":\"max_tokens is too large\",\"type\":"
                            + "\"invalid_request_error\",\"param\":\"max_tokens\",\"code\":null}}")));
    paygo.stubFor(post(chat(sdk, "gpt-4o-payg")).willReturn(ok()));

    CliRun run = runWith(sdk, "--requests", "1", "--json");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).hasSize(2);
    JsonNode call = JSON.readTree(run.outLines().get(0));
    assertThat(fieldNames(call))
        .containsExactly(
            "call", "ok", "status", "backend", "latencyMs", "attempts", "usage", "error");
    assertThat(call.get("ok").asBoolean()).isFalse();
    assertThat(call.get("status").asInt()).isEqualTo(400);
    assertThat(call.get("backend").asText()).isEqualTo("sweden-ptu");
    assertThat(call.get("attempts")).hasSize(1);
    assertThat(call.get("attempts").get(0).get("backend").asText()).isEqualTo("sweden-ptu");
    assertThat(call.get("attempts").get(0).get("status").asInt()).isEqualTo(400);
    assertThat(call.get("error").asText()).contains("400", "max_tokens is too large");
    JsonNode summary = JSON.readTree(run.outLines().get(1)).get("summary");
    assertThat(summary.get("failed").asInt()).isEqualTo(1);
    assertThat(summary.get("ok").asInt()).isZero();
    assertThat(summary.get("p50Ms").isNull()).isTrue();
    assertThat(paygo.getAllServeEvents()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"azure", "openai"})
  void aCallOverTheConsumersTpmLimitIsRejectedWithoutARequest(String sdk) throws Exception {
    Files.writeString(
        config, Files.readString(config) + "  consumers:\n    - { id: tiny, tpm-limit: 200 }\n");
    // the first call's 500 tokens fill the consumer's window: the second does not fit
    ptu.stubFor(
        post(chat(sdk, "gpt4o-ptu"))
            .willReturn(
                ok().withBody(
                        CHAT_BODY.replace(
                            "\"completion_tokens\":9,\"prompt_tokens\":11,\"total_tokens\":20",
                            "\"completion_tokens\":400,\"prompt_tokens\":100,"
                                + "\"total_tokens\":500"))));

    CliRun run =
        runWith(
            sdk,
            "--consumer",
            "tiny",
            "--requests",
            "2",
            "--concurrency",
            "1",
            "--max-tokens",
            "50",
            "--json");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.outLines()).hasSize(3);
    JsonNode first = JSON.readTree(run.outLines().get(0));
    assertThat(first.get("ok").asBoolean()).isTrue();
    JsonNode rejected = JSON.readTree(run.outLines().get(1));
    assertThat(rejected.get("ok").asBoolean()).isFalse();
    assertThat(rejected.get("status").asInt()).isEqualTo(429);
    assertThat(rejected.get("retryAfterMs").asLong()).isPositive();
    assertThat(rejected.get("error").asText()).startsWith("consumer limit: ").contains("'tiny'");
    assertThat(rejected.get("attempts")).isEmpty();
    ptu.verify(1, postRequestedFor(chat(sdk, "gpt4o-ptu")));
    assertThat(paygo.getAllServeEvents()).isEmpty();
  }

  @Test
  void anUnknownPriorityExitsWithTheAcceptedValues() {
    CliRun run = run("--consumer", "tiny", "--priority", "urgent");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("expected batch or interactive, was 'urgent'");
    assertThat(ptu.getAllServeEvents()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"azure", "openai"})
  void aBatchCallWaitsForThePtuInsteadOfSpillingToPayg(String sdk) throws Exception {
    ptu.stubFor(
        post(chat(sdk, "gpt4o-ptu"))
            .inScenario("cooling")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(429).withHeader("retry-after-ms", "300"))
            .willSetStateTo("served"));
    ptu.stubFor(
        post(chat(sdk, "gpt4o-ptu"))
            .inScenario("cooling")
            .whenScenarioStateIs("served")
            .willReturn(ok()));

    CliRun run = runWith(sdk, "--priority", "batch", "--requests", "1", "--json");

    assertThat(run.exitCode()).isZero();
    JsonNode call = JSON.readTree(run.outLines().get(0));
    assertThat(call.get("ok").asBoolean()).isTrue();
    assertThat(call.get("backend").asText()).isEqualTo("sweden-ptu");
    ptu.verify(2, postRequestedFor(chat(sdk, "gpt4o-ptu")));
    assertThat(paygo.getAllServeEvents()).isEmpty();
  }

  @Test
  void unreachableBackendIsAnAttemptWithoutStatus() throws Exception {
    ptu.stop();
    paygo.stubFor(post(urlPathEqualTo(PAYGO_PATH)).willReturn(ok()));

    CliRun run = run("--requests", "1", "--json");

    assertThat(run.exitCode()).isZero();
    JsonNode refused = JSON.readTree(run.outLines().get(0)).get("attempts").get(0);
    assertThat(refused.get("backend").asText()).isEqualTo("sweden-ptu");
    assertThat(refused.get("status").isNull()).isTrue();
    assertThat(refused.get("error").asText()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(strings = {"azure", "openai"})
  void everyCallGetsItsOwnLineInCompletionOrderThenTheSummary(String sdk) throws Exception {
    ptu.stubFor(post(chat(sdk, "gpt4o-ptu")).willReturn(ok().withFixedDelay(20)));
    paygo.stubFor(post(chat(sdk, "gpt-4o-payg")).willReturn(ok()));

    CliRun run = runWith(sdk, "--requests", "12", "--concurrency", "3", "--json");

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines()).hasSize(13);
    List<Integer> calls = new ArrayList<>();
    for (String line : run.outLines().subList(0, 12)) {
      calls.add(JSON.readTree(line).get("call").asInt());
    }
    assertThat(calls).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    assertThat(JSON.readTree(run.outLines().get(12)).get("summary").get("ok").asInt())
        .isEqualTo(12);
  }

  @Test
  void openLoopSendsAtTheRate() throws Exception {
    ptu.stubFor(post(urlPathEqualTo(PTU_PATH)).willReturn(ok()));

    long start = System.nanoTime();
    CliRun run = run("--requests", "10", "--rate", "20", "--json");
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines()).hasSize(11);
    assertThat(elapsedMillis).as("10 calls at 20/s take 450 ms to send").isGreaterThan(440);
  }

  @ParameterizedTest
  @ValueSource(strings = {"azure", "openai"})
  void humanOutputShowsEachAttemptAndTheSummary(String sdk) {
    ptu.stubFor(
        post(chat(sdk, "gpt4o-ptu"))
            .willReturn(aResponse().withStatus(429).withHeader("retry-after-ms", "1500")));
    paygo.stubFor(post(chat(sdk, "gpt-4o-payg")).willReturn(ok()));

    CliRun run = runWith(sdk, "--requests", "1");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains(
            "1 chat call of gpt-4o through 2 backends with "
                + (sdk.equals("azure") ? "azure-ai-openai" : "openai-java")
                + " (closed loop, 4 in flight)")
        .containsPattern(
            "call 1  ok  200  eastus-paygo  [0-9.]+ ms  sweden-ptu 429 \\(cool-down"
                + " 1500 ms\\) > eastus-paygo 200  11\\+9 tokens")
        .contains(
            "eastus-paygo        1  100.0%",
            "calls          1: 1 ok, 0 failed", "429s absorbed  1 (of 1 answered 429)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"azure", "openai"})
  void noApiKeyAppearsInAnyOutputOrLog(String sdk) {
    ptu.stubFor(
        post(chat(sdk, "gpt4o-ptu"))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\":{\"code\":\"401\",\"message\":\"key "
                            + PTU_KEY
                            + " denied\"}}")));
    paygo.stubFor(
        post(chat(sdk, "gpt-4o-payg"))
            .willReturn(aResponse().withStatus(500).withBody("echo " + PAYGO_KEY)));

    PrintStream systemErr = System.err;
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    CliRun json;
    CliRun human;
    try {
      System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
      json = runWith(sdk, "--requests", "2", "--json");
      human = runWith(sdk, "--requests", "2");
    } finally {
      System.setErr(systemErr);
    }

    assertThat(json.exitCode()).isEqualTo(1);
    assertThat(json.out()).contains("\"ok\":false");
    if (sdk.equals("azure")) {
      // azure-ai-openai's message echoes the 500's body, the key masked in it; openai-java's
      // names the status alone for a body that is not JSON
      assertThat(json.out()).contains("echo ***");
    }
    for (String output :
        List.of(
            json.out(),
            json.err(),
            human.out(),
            human.err(),
            logs.toString(StandardCharsets.UTF_8))) {
      assertThat(output).doesNotContain(PTU_KEY, PAYGO_KEY);
    }
  }

  private CliRun run(String... options) {
    List<String> args =
        new ArrayList<>(List.of("run", "--config", config.toString(), "--model", "gpt-4o"));
    args.addAll(List.of(options));
    return CliRun.of(args.toArray(String[]::new));
  }

  private CliRun runWith(String sdk, String... options) {
    List<String> args = new ArrayList<>(List.of("--sdk", sdk));
    args.addAll(List.of(options));
    return run(args.toArray(String[]::new));
  }

  /**
   * A chat call to {@code deployment} as each SDK sends it: azure-ai-openai in the path,
   * openai-java in the v1 API's body.
   */
  private static UrlPattern chat(String sdk, String deployment) {
    return sdk.equals("azure")
        ? urlPathEqualTo("/openai/deployments/" + deployment + "/chat/completions")
        : urlPathEqualTo(V1_PATH);
  }

  private static ResponseDefinitionBuilder ok() {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(CHAT_BODY);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
