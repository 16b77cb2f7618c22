package dev.spillway.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator's HTTP behaviour seen from plain loopback clients: headers, errors, determinism,
 * faults.
 */
class HttpBehaviourIT {
  private static Simulator simulator;
  private static SimulatedResource standard;
  private static SimulatedResource ptu;

  @BeforeAll
  static void start() {
    simulator =
        Simulator.start(
            new SimulatorConfig(
                List.of(
                    new ResourceConfig(
                        "paygo",
                        0,
                        "Sweden Central",
                        "paygo-key",
                        List.of(
                            DeploymentConfig.standard("gpt-4o", 600_000)
                                .withLatency(LatencyModel.NONE),
                            DeploymentConfig.standard("tiny", 20_000)
                                .withLatency(LatencyModel.NONE),
                            DeploymentConfig.standard("tiny-v1", 20_000)
                                .withLatency(LatencyModel.NONE))),
                    ResourceConfig.of(
                        "ptu",
                        "ptu-key",
                        DeploymentConfig.ptu("gpt-4o", 60_000).withLatency(LatencyModel.NONE))),
                1,
                7,
                false));
    standard = simulator.resource("paygo");
    ptu = simulator.resource("ptu");
  }

  @AfterAll
  static void stop() {
    simulator.close();
  }

  @AfterEach
  void clearFaults() {
    simulator.setFaults("paygo", "gpt-4o", Faults.NONE);
    simulator.acceptConnections("paygo");
  }

  @Test
  void successfulStandardAnswersCarryRemainingQuotaAndIds() {
    HttpResponse<String> r = Loopback.chat(standard, "gpt-4o", 10);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-ms-region")).hasValue("Sweden Central");
    assertThat(r.headers().firstValue("apim-request-id")).isPresent();
    assertThat(r.headers().firstValue("x-request-id")).isPresent();
    assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).isPresent();
    assertThat(r.headers().firstValue("x-ratelimit-remaining-tokens")).isPresent();
    assertThat(r.headers().firstValue("x-ratelimit-limit-tokens")).isEmpty();
    assertThat(r.headers().firstValue("retry-after-ms")).isEmpty();
    assertThat(r.headers().firstValue("azure-openai-deployment-utilization")).isEmpty();
  }

  private static HttpRequest v1(String path, String body) {
    return HttpRequest.newBuilder(URI.create(standard.baseUrl() + "/openai/v1/" + path))
        .header("api-key", "paygo-key")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static String withModel(String body, String model) {
    return "{\"model\":\"" + model + "\"," + body.substring(1);
  }

  @Test
  void v1ApiNamesTheDeploymentInTheBodyAndSharesItsQuotaWithTheDeploymentPath() {
    // 20,000 TPM: 11,000 tokens through the deployment path leave no room for 11,000 through v1
    HttpResponse<String> legacy = Loopback.chat(standard, "tiny-v1", 10_989);
    HttpResponse<String> v1 =
        Loopback.send(
            v1(
                "chat/completions",
                withModel(Loopback.chatBody("hello, world!", 10_989), "tiny-v1")));

    assertThat(legacy.statusCode()).isEqualTo(200);
    assertThat(v1.statusCode()).isEqualTo(429);
    assertThat(v1.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("20000");
    assertThat(Loopback.json(v1.body()).path("error").path("message").asText())
        .startsWith(
            "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version v1 ");

    HttpResponse<String> answered =
        Loopback.send(
            v1(
                "chat/completions?api-version=preview",
                withModel(Loopback.chatBody("hi", 5), "gpt-4o")));
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(Loopback.json(answered.body()).path("object").asText()).isEqualTo("chat.completion");
    assertThat(answered.headers().firstValue("x-ratelimit-remaining-tokens")).isPresent();
    HttpResponse<String> embedded =
        Loopback.send(v1("embeddings", "{\"model\":\"gpt-4o\",\"input\":\"hi\"}"));
    assertThat(embedded.statusCode()).isEqualTo(200);
    assertThat(Loopback.json(embedded.body()).path("data").get(0).path("embedding").isArray())
        .isTrue();
  }

  @Test
  void v1RequestWithoutAModelIs400AndWithAnUnknownOne404() {
    for (String body :
        List.of(Loopback.chatBody("hi", 5), "{\"model\":\"\",\"messages\":[]}", "{nope")) {
      HttpResponse<String> r = Loopback.send(v1("chat/completions", body));
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(Loopback.json(r.body()).path("error").path("message").asText())
          .as(body)
          .isNotBlank();
    }
    HttpResponse<String> unknown =
        Loopback.send(v1("chat/completions", withModel(Loopback.chatBody("hi", 5), "nope")));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(Loopback.json(unknown.body()).path("error").path("code").asText())
        .isEqualTo("DeploymentNotFound");
    HttpResponse<String> otherPath = Loopback.send(v1("responses", "{\"model\":\"gpt-4o\"}"));
    assertThat(otherPath.statusCode()).isEqualTo(404);
  }

  @Test
  void ptuAnswersCarryUtilizationAndNoRemainingQuota() {
    HttpResponse<String> r = Loopback.chat(ptu, "gpt-4o", 10);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("azure-openai-deployment-utilization").orElseThrow())
        .matches("\\d+\\.\\d%");
    assertThat(r.headers().firstValue("x-ratelimit-remaining-tokens")).isEmpty();
    assertThat(r.headers().firstValue("x-ms-region")).hasValue(ResourceConfig.DEFAULT_REGION);
  }

  @Test
  void standardThrottlingIsRealStyleByDefault() {
    // 20,000 TPM (2 requests per second): the second request of 11,000 tokens does not fit.
    HttpResponse<String> first = Loopback.chat(standard, "tiny", 10_989);
    HttpResponse<String> second = Loopback.chat(standard, "tiny", 10_989);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(second.headers().firstValue("policy-id")).hasValue("DeploymentRatelimit-Token");
    long retryAfter = Long.parseLong(second.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
    assertThat(second.headers().firstValue("x-ratelimit-reset-tokens"))
        .hasValue(Long.toString(retryAfter));
    assertThat(second.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("20000");
    assertThat(second.headers().firstValue("x-ratelimit-remaining-tokens")).isEmpty();
    assertThat(second.headers().firstValue("retry-after-ms")).isEmpty();
    assertThat(second.headers().firstValue("x-ms-region")).isPresent();
    assertThat(Loopback.json(second.body()).path("error").path("message").asText())
        .startsWith(
            "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version "
                + Loopback.API_VERSION
                + " have exceeded token rate limit")
        .contains("Please retry after " + retryAfter + " seconds.");
  }

  @Test
  void retryAfterMsFlagAddsMillisecondsToStandard429s() {
    SimulatorConfig config =
        SimulatorConfig.of(
                ResourceConfig.of(
                    "r",
                    "k",
                    DeploymentConfig.standard("d", 20_000).withLatency(LatencyModel.NONE)))
            .withRetryAfterMs(true);
    try (Simulator flagged = Simulator.start(config)) {
      SimulatedResource r = flagged.resource("r");
      Loopback.chat(r, "d", 10_989);
      HttpResponse<String> throttled = Loopback.chat(r, "d", 10_989);

      assertThat(throttled.statusCode()).isEqualTo(429);
      long millis = Long.parseLong(throttled.headers().firstValue("retry-after-ms").orElseThrow());
      long seconds = Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow());
      assertThat(millis).isBetween(1L, 60_000L);
      assertThat(seconds).isEqualTo((millis + 999) / 1000);
    }
  }

  @Test
  void ptuThrottlingCarriesRetryAfterMs() {
    SimulatorConfig config =
        SimulatorConfig.of(
            ResourceConfig.of(
                "r",
                "k",
                DeploymentConfig.ptu("d", 1_000)
                    .withLatency(LatencyModel.NONE)
                    .withMinOutputTokens(2_000)));
    try (Simulator small = Simulator.start(config)) {
      SimulatedResource r = small.resource("r");
      assertThat(Loopback.chat(r, "d", 1_500).statusCode()).isEqualTo(200);
      HttpResponse<String> throttled = Loopback.chat(r, "d", 10);

      assertThat(throttled.statusCode()).isEqualTo(429);
      long millis = Long.parseLong(throttled.headers().firstValue("retry-after-ms").orElseThrow());
      // ~511 tokens above a 1,000-token bucket draining 1,000 tokens per minute: about 30 s.
      assertThat(millis).isBetween(25_000L, 31_000L);
      assertThat(throttled.headers().firstValue("retry-after"))
          .hasValue(Long.toString((millis + 999) / 1000));
      assertThat(throttled.headers().firstValue("policy-id")).isEmpty();
      assertThat(
              throttled.headers().firstValue("azure-openai-deployment-utilization").orElseThrow())
          .startsWith("15");
    }
  }

  @Test
  void wrongKeyIs401WithAzureBodyAndNoQuotaOrRegionHeaders() {
    HttpResponse<String> r =
        Loopback.send(
            Loopback.post(standard, "gpt-4o", "chat/completions", Loopback.chatBody("hi", 5))
                .setHeader("api-key", "wrong")
                .build());

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(Loopback.json(r.body()).path("error").path("code").asText()).isEqualTo("401");
    assertThat(r.headers().firstValue("apim-request-id")).isPresent();
    assertThat(r.headers().map().keySet())
        .noneMatch(h -> h.startsWith("x-ratelimit"))
        .doesNotContain("x-ms-region", "x-request-id");
  }

  @Test
  void bearerTokenIsAcceptedLikeAnApiKey() {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    standard.baseUrl()
                        + "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"))
            .header("Authorization", "Bearer paygo-key")
            .POST(HttpRequest.BodyPublishers.ofString(Loopback.chatBody("hi", 5)))
            .build();

    assertThat(Loopback.send(request).statusCode()).isEqualTo(200);
  }

  @Test
  void unknownDeploymentIs404DeploymentNotFoundWithoutQuotaHeaders() {
    HttpResponse<String> r = Loopback.chat(standard, "nope", 5);

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(Loopback.json(r.body()).path("error").path("code").asText())
        .isEqualTo("DeploymentNotFound");
    assertThat(r.headers().map().keySet())
        .noneMatch(h -> h.startsWith("x-ratelimit"))
        .doesNotContain("x-request-id");
  }

  @Test
  void missingApiVersionAndUnknownPathsAre404ResourceNotFound() {
    HttpRequest noVersion =
        HttpRequest.newBuilder(
                URI.create(standard.baseUrl() + "/openai/deployments/gpt-4o/chat/completions"))
            .header("api-key", "paygo-key")
            .POST(HttpRequest.BodyPublishers.ofString(Loopback.chatBody("hi", 5)))
            .build();
    HttpRequest unknownPath =
        HttpRequest.newBuilder(URI.create(standard.baseUrl() + "/openai/models?api-version=1"))
            .header("api-key", "paygo-key")
            .GET()
            .build();

    for (HttpRequest request : List.of(noVersion, unknownPath)) {
      HttpResponse<String> r = Loopback.send(request);
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body())
          .isEqualTo("{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}");
    }
  }

  @Test
  void badInputGets400sAndTheServerKeepsServing() {
    for (String body :
        List.of(
            "{not json",
            "[1,2]",
            "{}",
            "{\"messages\":[]}",
            "{\"messages\":[\"x\"]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":-3}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":\"many\"}")) {
      HttpResponse<String> r =
          Loopback.send(Loopback.post(standard, "gpt-4o", "chat/completions", body).build());
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(Loopback.json(r.body()).path("error").path("type").asText())
          .isEqualTo("invalid_request_error");
    }
    assertThat(Loopback.chat(standard, "gpt-4o", 5).statusCode()).isEqualTo(200);
  }

  @Test
  void garbageBytesAndOversizedBodiesDoNotStopTheServer() throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), standard.port())) {
      socket
          .getOutputStream()
          .write("\u0000\u0001 not http at all\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      socket.setSoTimeout(5_000);
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 400");
    }
    byte[] huge = new byte[9 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) 'a');
    HttpResponse<String> tooLarge =
        Loopback.send(
            Loopback.post(standard, "gpt-4o", "chat/completions", "")
                .POST(HttpRequest.BodyPublishers.ofByteArray(huge))
                .build());
    assertThat(tooLarge.statusCode()).isEqualTo(413);

    assertThat(Loopback.chat(standard, "gpt-4o", 5).statusCode()).isEqualTo(200);
  }

  @Test
  void sameSeedGivesByteIdenticalAnswersAndOtherSeedsDiffer() {
    Clock fixed = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    SimulatorConfig config =
        SimulatorConfig.of(
                ResourceConfig.of(
                    "r",
                    "k",
                    DeploymentConfig.standard("d", 1_000_000).withLatency(LatencyModel.NONE)))
            .withSeed(11);
    List<byte[]> first = answers(config, fixed);
    List<byte[]> again = answers(config, fixed);
    List<byte[]> otherSeed = answers(config.withSeed(12), fixed);

    for (int i = 0; i < first.size(); i++) {
      assertThat(again.get(i)).isEqualTo(first.get(i));
      assertThat(otherSeed.get(i)).isNotEqualTo(first.get(i));
      assertThat(text(otherSeed.get(i))).isNotEqualTo(text(first.get(i)));
    }
  }

  private static List<byte[]> answers(SimulatorConfig config, Clock clock) {
    try (Simulator s = Simulator.builder().config(config).wallClock(clock).start()) {
      SimulatedResource r = s.resource("r");
      return IntStream.range(0, 5)
          .mapToObj(
              i ->
                  Loopback.sendBytes(
                          Loopback.post(r, "d", "chat/completions", Loopback.chatBody("hello", 40))
                              .build())
                      .body())
          .toList();
    }
  }

  private static String text(byte[] body) {
    return Loopback.json(new String(body, StandardCharsets.UTF_8))
        .path("choices")
        .path(0)
        .path("message")
        .path("content")
        .asText();
  }

  @Test
  void answerLengthsCoverTheRangeFromTheMinimumToMaxTokens() {
    SimulatorConfig config =
        SimulatorConfig.of(
            ResourceConfig.of(
                "r",
                "k",
                DeploymentConfig.standard("d", 10_000_000)
                    .withLatency(LatencyModel.NONE)
                    .withMinOutputTokens(3)));
    try (Simulator s = Simulator.start(config)) {
      SimulatedResource r = s.resource("r");
      Set<Integer> lengths = new HashSet<>();
      for (int i = 0; i < 300; i++) {
        JsonNode answer = Loopback.json(Loopback.chat(r, "d", 8).body());
        int completion = answer.path("usage").path("completion_tokens").asInt();
        lengths.add(completion);
        assertThat(answer.path("choices").path(0).path("finish_reason").asText())
            .isEqualTo(completion == 8 ? "length" : "stop");
      }
      assertThat(lengths).containsExactlyInAnyOrder(3, 4, 5, 6, 7, 8);
    }
  }

  @Test
  void limitReductionShowsInLimitHeaders() {
    simulator.setFaults("paygo", "gpt-4o", Faults.NONE.withLimitFactor(0.5));

    HttpResponse<String> r = Loopback.chat(standard, "gpt-4o", 5);

    assertThat(r.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("300000");
    assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("1800");
  }

  @Test
  void resetBeforeHeadersIsATcpReset() throws IOException {
    simulator.setFaults("paygo", "gpt-4o", Faults.NONE.withResetBeforeHeaders(1));

    try (Socket socket =
        rawRequest(standard, "gpt-4o", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")) {
      InputStream in = socket.getInputStream();
      assertThatThrownBy(in::read)
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
    }
    simulator.setFaults("paygo", "gpt-4o", Faults.NONE);
    assertThat(Loopback.chat(standard, "gpt-4o", 5).statusCode()).isEqualTo(200);
  }

  @Test
  void resetMidStreamSendsHeadersAndChunksThenATcpReset() throws IOException {
    simulator.setFaults("paygo", "gpt-4o", Faults.NONE.withResetMidStream(1));
    String body =
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":20,\"stream\":true}";

    try (Socket socket = rawRequest(standard, "gpt-4o", body)) {
      InputStream in = socket.getInputStream();
      StringBuilder received = new StringBuilder();
      byte[] buffer = new byte[8192];
      Throwable failure = null;
      try {
        for (int n = in.read(buffer);
            n >= 0 && received.length() < 1_000_000;
            n = in.read(buffer)) {
          received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
      } catch (SocketException e) {
        failure = e;
      }
      assertThat(failure).isNotNull().hasMessageContaining("reset");
      assertThat(received.toString())
          .startsWith("HTTP/1.1 200")
          .contains("\"delta\":{\"content\":\"The\"}")
          .doesNotContain("[DONE]");
    }
  }

  private static Socket rawRequest(SimulatedResource resource, String deployment, String body)
      throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), resource.port());
    socket.setSoTimeout(10_000);
    OutputStream out = socket.getOutputStream();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    out.write(
        ("POST /openai/deployments/"
                + deployment
                + "/chat/completions?api-version=2024-10-21 HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\napi-key: "
                + resource.config().apiKey()
                + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + bytes.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
    return socket;
  }

  @Test
  void refusedConnectionsAreRefusedUntilAcceptedAgainOnTheSamePort() throws IOException {
    int port = standard.port();
    simulator.refuseConnections("paygo");

    assertThat(standard.acceptingConnections()).isFalse();
    assertThat(refused(port)).isTrue();

    simulator.acceptConnections("paygo");
    assertThat(standard.port()).isEqualTo(port);
    assertThat(Loopback.chat(standard, "gpt-4o", 5).statusCode()).isEqualTo(200);
  }

  /**
   * Whether connecting is refused. A connection whose local port is the target port is Linux's TCP
   * self-connect (possible once nothing listens on an ephemeral port), not a listener: try again.
   */
  private static boolean refused(int port) throws IOException {
    for (int attempt = 0; attempt < 5; attempt++) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        if (socket.getLocalPort() != port) {
          return false;
        }
      } catch (ConnectException e) {
        return true;
      }
    }
    return false;
  }

  @Test
  void controlEndpointsSetFaultsAndReportStats() throws InterruptedException {
    HttpResponse<String> set =
        Loopback.postControl(
            ptu,
            "/_sim/faults",
            "{\"resource\":\"paygo\",\"deployment\":\"gpt-4o\",\"faults\":{\"errorRate\":1,\"errorStatus\":503}}");
    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(simulator.faults("paygo", "gpt-4o")).isEqualTo(Faults.NONE.withErrors(1, 503));
    assertThat(Loopback.chat(standard, "gpt-4o", 5).statusCode()).isEqualTo(503);

    HttpResponse<String> bad =
        Loopback.postControl(
            ptu, "/_sim/faults", "{\"resource\":\"paygo\",\"faults\":{\"errorRate\":7}}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("errorRate must be in [0.0, 1.0], was 7.0");

    HttpResponse<String> refuse =
        Loopback.postControl(
            standard,
            "/_sim/faults",
            "{\"resource\":\"paygo\",\"refuseConnections\":true,\"recoverAfterMs\":1500}");
    assertThat(refuse.statusCode()).isEqualTo(200);
    // The refusal starts once the answer is written and lasts 1.5 s: long enough to be seen.
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> !standard.acceptingConnections());
    await().atMost(Duration.ofSeconds(10)).until(standard::acceptingConnections);

    simulator.resetStats();
    simulator.setFaults("paygo", "gpt-4o", Faults.NONE);
    HttpResponse<String> served = Loopback.chat(standard, "gpt-4o", 5);
    assertThat(served.statusCode()).isEqualTo(200);
    // the simulator books a success once its last byte is written, which can be after the client
    // has read it: wait for the booking rather than read the stats at once
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(5))
        .until(
            () ->
                Loopback.json(Loopback.get(ptu, "/_sim/stats").body())
                        .path("deployments")
                        .path(0)
                        .path("succeeded")
                        .asLong()
                    > 0);
    JsonNode stats = Loopback.json(Loopback.get(ptu, "/_sim/stats").body());
    JsonNode paygo = stats.path("deployments").path(0);
    assertThat(paygo.path("resource").asText()).isEqualTo("paygo");
    assertThat(paygo.path("requests").asLong())
        .as("%s after %s: %s", stats, served, served.body())
        .isEqualTo(1);
    assertThat(paygo.path("succeeded").asLong()).isEqualTo(1);
    assertThat(paygo.path("tokensAdmitted").asLong())
        .isEqualTo(paygo.path("tokensCharged").asLong())
        .isGreaterThan(5);
    assertThat(paygo.path("tokensChargeable").asLong()).isPositive();
    assertThat(stats.path("timeScale").asDouble()).isEqualTo(1.0);
  }

  @Test
  void utilizationControlSetsAPtuBucketLevel() {
    try {
      HttpResponse<String> set =
          Loopback.postControl(
              standard, "/_sim/utilization", "{\"resource\":\"ptu\",\"utilization\":1.5}");
      assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
      JsonNode answer = Loopback.json(set.body()).path("deployments").path(0);
      assertThat(answer.path("deployment").asText()).isEqualTo("gpt-4o");
      assertThat(answer.path("utilization").asDouble()).isBetween(1.4, 1.5);
      HttpResponse<String> refused = Loopback.chat(ptu, "gpt-4o", 5);
      assertThat(refused.statusCode()).isEqualTo(429);
      // 0.5 of a minute of the 60k/min drain above 100 %: about 30 s, less what drained since.
      assertThat(Long.parseLong(refused.headers().firstValue("retry-after-ms").orElseThrow()))
          .isBetween(20_000L, 30_000L);

      simulator.setUtilization("ptu", "gpt-4o", 0.5);
      HttpResponse<String> served = Loopback.chat(ptu, "gpt-4o", 5);
      assertThat(served.statusCode()).isEqualTo(200);
      String level =
          served.headers().firstValue("azure-openai-deployment-utilization").orElseThrow();
      assertThat(Double.parseDouble(level.replace("%", ""))).isBetween(45.0, 51.0);

      HttpResponse<String> onStandard =
          Loopback.postControl(
              ptu,
              "/_sim/utilization",
              "{\"resource\":\"paygo\",\"deployment\":\"gpt-4o\",\"utilization\":1}");
      assertThat(onStandard.statusCode()).isEqualTo(400);
      assertThat(onStandard.body())
          .contains("resource 'paygo' deployment 'gpt-4o' is a standard deployment");
      HttpResponse<String> noPtu =
          Loopback.postControl(
              ptu, "/_sim/utilization", "{\"resource\":\"paygo\",\"utilization\":1}");
      assertThat(noPtu.body()).contains("resource 'paygo' has no PTU deployment");
      HttpResponse<String> notNumber =
          Loopback.postControl(
              ptu, "/_sim/utilization", "{\"resource\":\"ptu\",\"utilization\":\"full\"}");
      assertThat(notNumber.statusCode()).isEqualTo(400);
      assertThat(notNumber.body()).contains("utilization must be a number, was \\\"full\\\"");
    } finally {
      simulator.setUtilization("ptu", "gpt-4o", 0);
    }
  }
}
