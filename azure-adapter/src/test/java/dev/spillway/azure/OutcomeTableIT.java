package dev.spillway.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.spillway.azure.Harness.PAYG_DEPLOYMENT;
import static dev.spillway.azure.Harness.PTU_DEPLOYMENT;
import static dev.spillway.azure.Harness.chat;
import static dev.spillway.azure.Harness.count;
import static dev.spillway.azure.Harness.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.EmbeddingsOptions;
import com.azure.core.exception.HttpResponseException;
import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.CallOutcome;
import dev.spillway.Usage;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.testing.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each row of the outcome table (docs/design.md) through the real OpenAIClient, sync and async.
 * Cool-downs run on a {@link ManualTime} ticker that only the test moves, so a loaded machine
 * cannot end one early or late.
 */
class OutcomeTableIT {
  @RegisterExtension static final Harness H = new Harness();
  private static final String EMBEDDINGS_BODY =
      "{\"object\":\"list\",\"data\":[{\"object\":"
          + "\"embedding\",\"index\":0,\"embedding\":[0.1,0.2]}],\"model\":\"ada\",\"usage\":"
          + "{\"prompt_tokens\":4,\"total_tokens\":4}}";

  private static List<AttemptOutcome> attempts(CallOutcome outcome) {
    return outcome.attempts().stream().map(AttemptRecord::outcome).toList();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void successIsServedByPtuWithReportedUsage(Mode mode) {
    SpillwayPool pool = H.pool();

    assertThat(chat(pool, mode).getChoices().get(0).getMessage().getContent()).isEqualTo("Hello");

    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isZero();
    CallOutcome outcome = H.lastOutcome();
    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.backendId()).isEqualTo("sweden-ptu");
    assertThat(outcome.deployment()).isEqualTo(PTU_DEPLOYMENT);
    assertThat(outcome.usage()).isEqualTo(Usage.reported(11, 9));
    assertThat(outcome.operation()).isEqualTo("chat");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void ptuRetryAfterMsCoolsDownThenReturnsToPtu(Mode mode) {
    ManualTime time = new ManualTime();
    SpillwayPool pool = H.pool(b -> b.ticker(time));
    H.stubChat(H.ptu, PTU_DEPLOYMENT, error(429, "429").withHeader("retry-after-ms", "400"));

    chat(pool, mode);
    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(1);
    assertThat(attempts(H.lastOutcome()))
        .containsExactly(AttemptOutcome.THROTTLED, AttemptOutcome.SUCCESS);
    assertThat(H.lastOutcome().attempts().get(0).coolDown()).isEqualTo(Duration.ofMillis(400));
    assertThat(H.lastOutcome().backendId()).isEqualTo("eastus-paygo");

    chat(pool, mode); // PTU still cooling: straight to PAYG
    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(2);

    H.stubChat(H.ptu, PTU_DEPLOYMENT, Harness.ok());
    time.advanceMillis(399);
    chat(pool, mode); // 1 ms of cool-down left
    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(3);
    time.advanceMillis(1);
    chat(pool, mode);
    chat(pool, mode);
    assertThat(count(H.ptu)).isEqualTo(3);
    assertThat(count(H.payg)).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void standard429WithRetryAfterAndResetTokensIsServedByPayg(Mode mode) {
    ManualTime time = new ManualTime();
    SpillwayPool pool = H.pool(b -> b.ticker(time));
    // The real standard-deployment 429 (azure-recordings, file 11): no retry-after-ms.
    H.stubChat(
        H.ptu,
        PTU_DEPLOYMENT,
        error(429, "429")
            .withHeader("Retry-After", "1")
            .withHeader("policy-id", "DeploymentRatelimit-Token")
            .withHeader("x-ratelimit-limit-requests", "10")
            .withHeader("x-ratelimit-limit-tokens", "10000")
            .withHeader("x-ratelimit-remaining-requests", "1")
            .withHeader("x-ratelimit-reset-tokens", "1"));

    chat(pool, mode);
    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(1);
    assertThat(H.lastOutcome().attempts().get(0).coolDown()).isEqualTo(Duration.ofSeconds(1));

    chat(pool, mode);
    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(2);

    H.stubChat(H.ptu, PTU_DEPLOYMENT, Harness.ok());
    time.advanceMillis(1000);
    chat(pool, mode);
    assertThat(count(H.ptu)).isEqualTo(2);
    assertThat(count(H.payg)).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void endOfCoolDownLetsASingleProbeThrough(Mode mode) throws Exception {
    ManualTime time = new ManualTime();
    SpillwayPool pool = H.pool(b -> b.ticker(time));
    H.stubChat(H.ptu, PTU_DEPLOYMENT, error(429, "429").withHeader("retry-after-ms", "300"));
    chat(pool, mode);
    assertThat(count(H.ptu)).isEqualTo(1);
    time.advanceMillis(300);
    // The probe is slow and throttled again; calls arriving meanwhile must not follow it.
    H.stubChat(
        H.ptu,
        PTU_DEPLOYMENT,
        error(429, "429").withHeader("retry-after-ms", "5000").withFixedDelay(400));

    ExecutorService executor = Executors.newFixedThreadPool(4);
    try {
      List<Future<Object>> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        calls.add(executor.submit(() -> chat(pool, mode)));
      }
      for (Future<Object> call : calls) {
        call.get();
      }
    } finally {
      executor.shutdownNow();
    }
    assertThat(count(H.ptu)).isEqualTo(2);
    assertThat(count(H.payg)).isEqualTo(5);
  }

  static Stream<Arguments> transientStatuses() {
    return Stream.of(Mode.values())
        .flatMap(m -> Stream.of(500, 502, 503, 504, 408).map(s -> Arguments.of(m, s)));
  }

  @ParameterizedTest
  @MethodSource("transientStatuses")
  void transientStatusFailsOver(Mode mode, int status) {
    SpillwayPool pool = H.pool();
    H.stubChat(H.ptu, PTU_DEPLOYMENT, error(status, "server_error"));

    chat(pool, mode);

    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(1);
    assertThat(attempts(H.lastOutcome()))
        .containsExactly(AttemptOutcome.FAILED, AttemptOutcome.SUCCESS);
    assertThat(H.lastOutcome().attempts().get(0).status()).isEqualTo(status);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void serviceUnavailableWithRetryHintIsAThrottle(Mode mode) {
    ManualTime time = new ManualTime();
    SpillwayPool pool = H.pool(b -> b.ticker(time));
    H.stubChat(H.ptu, PTU_DEPLOYMENT, error(503, "busy").withHeader("retry-after-ms", "2000"));

    chat(pool, mode);
    chat(pool, mode);

    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(2);
    assertThat(H.outcomes.get(0).attempts().get(0).outcome()).isEqualTo(AttemptOutcome.THROTTLED);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void unauthorizedFailsOverAndTheBackendIsAvoided(Mode mode) {
    SpillwayPool pool = H.pool();
    H.stubChat(H.ptu, PTU_DEPLOYMENT, error(401, "401"));

    chat(pool, mode);
    chat(pool, mode);

    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(2);
    assertThat(attempts(H.outcomes.get(0)))
        .containsExactly(AttemptOutcome.MISCONFIGURED, AttemptOutcome.SUCCESS);
    assertThat(pool.snapshot().backend("sweden-ptu").circuit())
        .isEqualTo(dev.spillway.CircuitState.OPEN);
  }

  static Stream<Arguments> misconfiguredRoutes() {
    return Stream.of(Mode.values())
        .flatMap(
            m ->
                Stream.of(
                    Arguments.of(m, 404, "DeploymentNotFound"),
                    Arguments.of(m, 400, "OperationNotSupported")));
  }

  @ParameterizedTest
  @MethodSource("misconfiguredRoutes")
  void misconfiguredRouteIsAvoidedWhileTheBackendsOtherDeploymentsServe(
      Mode mode, int status, String code) {
    SpillwayPool pool = H.pool();
    H.stubChat(H.ptu, PTU_DEPLOYMENT, error(status, code));
    H.ptu.stubFor(
        post(urlPathEqualTo(
                "/openai/deployments/" + Harness.PTU_EMBEDDING_DEPLOYMENT + "/embeddings"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(EMBEDDINGS_BODY)));

    chat(pool, mode);
    chat(pool, mode);
    OpenAIClientBuilder builder = SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP);
    EmbeddingsOptions embeddings = new EmbeddingsOptions(List.of("hello"));
    int vectors =
        mode == Mode.SYNC
            ? builder
                .buildClient()
                .getEmbeddings(Harness.EMBEDDING_MODEL, embeddings)
                .getData()
                .size()
            : builder
                .buildAsyncClient()
                .getEmbeddings(Harness.EMBEDDING_MODEL, embeddings)
                .block()
                .getData()
                .size();

    assertThat(vectors).isEqualTo(1);
    assertThat(count(H.ptu, PTU_DEPLOYMENT)).isEqualTo(1);
    assertThat(count(H.payg, PAYG_DEPLOYMENT)).isEqualTo(2);
    assertThat(count(H.ptu)).isEqualTo(2); // the failed chat + the embeddings call
    assertThat(attempts(H.outcomes.get(0)))
        .containsExactly(AttemptOutcome.MISCONFIGURED, AttemptOutcome.SUCCESS);
    assertThat(H.lastOutcome().usage()).isEqualTo(Usage.reported(4, 0));
    assertThat(H.lastOutcome().operation()).isEqualTo("embeddings");
  }

  static Stream<Arguments> callerErrors() {
    return Stream.of(Mode.values())
        .flatMap(
            m ->
                Stream.of(
                    Arguments.of(m, 400, "content_filter"),
                    Arguments.of(m, 400, "invalid_request_error"),
                    Arguments.of(m, 404, "NotFound"),
                    Arguments.of(m, 413, "too_large"),
                    Arguments.of(m, 422, "unprocessable")));
  }

  @ParameterizedTest
  @MethodSource("callerErrors")
  void callerErrorIsReturnedOnceUnchanged(Mode mode, int status, String code) {
    SpillwayPool pool = H.pool();
    H.stubChat(H.ptu, PTU_DEPLOYMENT, error(status, code));

    assertThatThrownBy(() -> chat(pool, mode))
        .isInstanceOfSatisfying(
            HttpResponseException.class,
            e -> {
              assertThat(e.getResponse().getStatusCode()).isEqualTo(status);
              assertThat(e.getMessage()).contains("test " + code);
            });

    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isZero();
    assertThat(attempts(H.lastOutcome())).containsExactly(AttemptOutcome.CALLER_ERROR);
    assertThat(H.lastOutcome().status()).isEqualTo(status);
  }
}
