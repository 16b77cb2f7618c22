package dev.spillway.azure;

import static dev.spillway.azure.Harness.MODEL;
import static dev.spillway.azure.Harness.PTU_DEPLOYMENT;
import static dev.spillway.azure.Harness.chat;
import static dev.spillway.azure.Harness.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.exception.HttpResponseException;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.AttemptsExhaustedException;
import dev.spillway.Backend;
import dev.spillway.CallOutcome;
import dev.spillway.PoolSettings;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.spi.AttemptTimeoutException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Failures without an HTTP response: refused, reset, stalled past the attempt timeout. */
class TransportFailureIT {
  @RegisterExtension static final Harness H = new Harness();

  static String closedPortUrl() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }

  private static Backend backend(String id, int tier, String url) {
    return Backend.builder(id).endpoint(url).tier(tier).deployment(MODEL, PTU_DEPLOYMENT).build();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void connectionRefusedFailsOver(Mode mode) throws IOException {
    String refused = closedPortUrl();
    SpillwayPool pool =
        SpillwayPool.builder()
            .backend(backend("refused", 0, refused), Credential.apiKey("k"))
            .backend(backend("payg", 1, Harness.url(H.payg)), Credential.apiKey("k"))
            .listener(
                new dev.spillway.PoolListener() {
                  @Override
                  public void onCallComplete(CallOutcome outcome) {
                    H.outcomes.add(outcome);
                  }
                })
            .build();
    try (pool) {
      chat(pool, mode);

      assertThat(count(H.payg)).isEqualTo(1);
      CallOutcome outcome = H.lastOutcome();
      assertThat(outcome.backendId()).isEqualTo("payg");
      assertThat(outcome.attempts())
          .extracting(AttemptRecord::outcome)
          .containsExactly(AttemptOutcome.FAILED, AttemptOutcome.SUCCESS);
      assertThat(outcome.attempts().get(0).errorType()).isNotNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void connectionResetFailsOver(Mode mode) {
    SpillwayPool pool = H.pool();
    H.stubChat(
        H.ptu,
        PTU_DEPLOYMENT,
        com.github.tomakehurst.wiremock.client.WireMock.aResponse()
            .withFault(Fault.CONNECTION_RESET_BY_PEER));

    chat(pool, mode);

    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(1);
    assertThat(H.lastOutcome().attempts())
        .extracting(AttemptRecord::outcome)
        .containsExactly(AttemptOutcome.FAILED, AttemptOutcome.SUCCESS);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void stallPastTheAttemptTimeoutFailsOver(Mode mode) {
    SpillwayPool pool =
        H.pool(
            b ->
                b.settings(
                    Harness.SETTINGS.toBuilder().attemptTimeout(Duration.ofMillis(400)).build()));
    H.stubChat(H.ptu, PTU_DEPLOYMENT, Harness.ok().withFixedDelay(3000));

    long start = System.nanoTime();
    chat(pool, mode);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofMillis(2500));
    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(1);
    AttemptRecord first = H.lastOutcome().attempts().get(0);
    assertThat(first.outcome()).isEqualTo(AttemptOutcome.FAILED);
    assertThat(first.errorType()).isEqualTo(AttemptTimeoutException.class.getName());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void nothingReachableIsTheCoreException(Mode mode) throws IOException {
    SpillwayPool pool =
        SpillwayPool.builder()
            .backend(backend("a", 0, closedPortUrl()), Credential.apiKey("k"))
            .backend(backend("b", 1, closedPortUrl()), Credential.apiKey("k"))
            .settings(
                PoolSettings.builder()
                    .timeout(Duration.ofSeconds(2))
                    .lapBackoff(Duration.ofMillis(10))
                    .build())
            .build();
    try (pool) {
      assertThatThrownBy(() -> chat(pool, mode))
          .isInstanceOf(AttemptsExhaustedException.class)
          .isNotInstanceOf(HttpResponseException.class)
          .satisfies(
              e ->
                  assertThat(((AttemptsExhaustedException) e).attempts())
                      .allMatch(a -> a.status() == null && a.outcome() == AttemptOutcome.FAILED));
    }
  }
}
