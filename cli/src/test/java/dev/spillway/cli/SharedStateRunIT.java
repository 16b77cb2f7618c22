package dev.spillway.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.spillway.redis.testing.RedisServer;
import dev.spillway.testing.RequiresProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --state-uri}: runs that share one Redis act as one balancer. The first run meets a 429
 * with a long {@code retry-after-ms} on the PTU; the second, a new pool and a new connection,
 * starts with that cool-down and sends the PTU nothing.
 */
@RequiresProgram(RedisServer.PROGRAM)
class SharedStateRunIT {
  private static final String REDIS_PASSWORD = "canary-redis-pw-5d1e";

  private final WireMockServer ptu =
      new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  private final WireMockServer paygo =
      new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  private RedisServer redis;
  private Path config;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    ptu.start();
    paygo.start();
    redis = RedisServer.builder().password(REDIS_PASSWORD).start();
    config = dir.resolve("pool.yaml");
    // the password in the file, the URI on the command line
    Files.writeString(
        config,
        """
        spillway:
          timeout: 10s
          state:
            key-prefix: cli-fleet
            command-timeout: 2s
            password: %s
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
            .formatted(REDIS_PASSWORD, ptu.port(), RunIT.PTU_KEY, paygo.port(), RunIT.PAYGO_KEY));
    ptu.stubFor(
        post(urlPathEqualTo(RunIT.PTU_PATH))
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("retry-after-ms", "600000")
                    .withBody("{\"error\":{\"code\":\"429\",\"message\":\"Requests exceed.\"}}")));
    paygo.stubFor(
        post(urlPathEqualTo(RunIT.PAYGO_PATH))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(RunIT.CHAT_BODY)));
  }

  @AfterEach
  void stop() {
    redis.close();
    ptu.stop();
    paygo.stop();
  }

  private CliRun run(String... options) {
    List<String> args =
        new ArrayList<>(
            List.of("run", "--config", config.toString(), "--model", "gpt-4o", "--requests", "1"));
    args.addAll(List.of(options));
    return CliRun.of(args.toArray(String[]::new));
  }

  private static int requests(WireMockServer server) {
    return server.countRequestsMatching(RequestPatternBuilder.allRequests().build()).getCount();
  }

  private static List<String> attempts(CliRun run) throws Exception {
    List<String> attempts = new ArrayList<>();
    for (JsonNode attempt : RunIT.JSON.readTree(run.outLines().get(0)).get("attempts")) {
      attempts.add(attempt.get("backend").asText() + " " + attempt.get("status").asText());
    }
    return attempts;
  }

  @Test
  void theSecondRunStartsWithTheCoolDownTheFirstMetAndSendsThePtuNothing() throws Exception {
    String uri = redis.uri().toString();

    CliRun first = run("--state-uri", uri, "--json");

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(attempts(first)).containsExactly("sweden-ptu 429", "eastus-paygo 200");
    assertThat(requests(ptu)).isEqualTo(1);
    assertThat(redis.call("HLEN", "{cli-fleet}:cooldown")).isEqualTo("1");

    CliRun second = run("--state-uri", uri, "--json");

    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(attempts(second)).containsExactly("eastus-paygo 200");
    assertThat(requests(ptu)).as("the second run sent the PTU nothing").isEqualTo(1);
    assertThat(requests(paygo)).isEqualTo(2);

    CliRun alone = run("--json");

    assertThat(alone.exitCode()).as(alone.err()).isZero();
    assertThat(attempts(alone))
        .as("without the shared state a run tries the PTU first")
        .containsExactly("sweden-ptu 429", "eastus-paygo 200");
    for (CliRun run : List.of(first, second, alone)) {
      assertThat(run.out() + run.err()).doesNotContain(REDIS_PASSWORD);
    }
  }

  @Test
  void aRefusedLoginExitsWith2WithoutThePassword() throws Exception {
    Files.writeString(
        config, Files.readString(config).replace(REDIS_PASSWORD, REDIS_PASSWORD + "-wrong"));

    CliRun run = run("--state-uri", redis.uri().toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("refused the login").doesNotContain(REDIS_PASSWORD);
    assertThat(requests(ptu) + requests(paygo)).isZero();
  }

  @Test
  void aStateUriThatIsNotRedisExitsWith2NamingTheOptionWithoutThePassword() {
    CliRun run = run("--state-uri", "http://spillway:" + REDIS_PASSWORD + "@127.0.0.1:1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "--state-uri: uri must start with redis:// or rediss:// (TLS), was"
                + " 'http://***@127.0.0.1:1'")
        .doesNotContain(REDIS_PASSWORD);
  }
}
