package dev.spillway.azure;

import static dev.spillway.azure.Harness.MODEL;
import static dev.spillway.azure.Harness.PAYG_DEPLOYMENT;
import static dev.spillway.azure.Harness.chat;
import static dev.spillway.azure.Harness.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.Backend;
import dev.spillway.CallOutcome;
import dev.spillway.CircuitState;
import dev.spillway.Deployment;
import dev.spillway.PoolSettings;
import dev.spillway.RouteState;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.spi.AttemptTimeoutException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Findings of driving the library from outside as production traffic would: a connect that never
 * completes, deployment names that are not one path segment.
 */
class ReliabilityIT {
  @RegisterExtension static final Harness H = new Harness();

  /**
   * A loopback listener that never accepts, its accept backlog filled so that the kernel drops
   * further SYNs: a client's connect neither succeeds nor fails until its own timeout.
   */
  static final class StalledListener implements AutoCloseable {
    final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    StalledListener() throws IOException {
      server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      for (int i = 0; i < 16; i++) {
        Socket filler = new Socket();
        fillers.add(filler);
        try {
          filler.connect(
              new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), 300);
        } catch (SocketTimeoutException full) {
          return; // this connect stalled: the backlog is full
        }
      }
      throw new IllegalStateException("the accept backlog never filled");
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      for (Socket filler : fillers) {
        filler.close();
      }
      server.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void connectThatNeverCompletesEndsAtTheAttemptTimeoutAndFailsOver(Mode mode) throws Exception {
    try (StalledListener stalled = new StalledListener()) {
      // the call's 8 s deadline is under Netty's 10 s connect timeout: only the attempt timeout
      // (1.5 s) can leave time for the second attempt
      try (SpillwayPool pool =
          pool(
              Duration.ofMillis(1500),
              backend("stalled-ptu", 0, stalled.url(), Harness.PTU_DEPLOYMENT),
              backend("eastus-paygo", 1, Harness.url(H.payg), PAYG_DEPLOYMENT))) {
        chat(pool, mode);
      }

      CallOutcome outcome = H.awaitOutcome(1);
      assertThat(outcome.backendId()).isEqualTo("eastus-paygo");
      assertThat(count(H.payg)).isEqualTo(1);
      AttemptRecord first = outcome.attempts().get(0);
      assertThat(first.backendId()).isEqualTo("stalled-ptu");
      assertThat(first.outcome()).isEqualTo(AttemptOutcome.FAILED);
      assertThat(first.errorType()).isEqualTo(AttemptTimeoutException.class.getName());
      // ended by the 1.5 s attempt timeout, not by the client's own connect timeout
      assertThat(first.latency()).isBetween(Duration.ofMillis(1400), Duration.ofMillis(6000));
      assertThat(outcome.attempts().get(1).outcome()).isEqualTo(AttemptOutcome.SUCCESS);
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "..", "a/b", "a\\b", "a?b", "a#b", "a%2Fb", "a\nb", "a\u007fb"})
  void deploymentNamesThatAreNotOnePathSegmentAreRejected(String name) {
    assertThatThrownBy(
            () ->
                pool(Duration.ofSeconds(7), backend("westus-paygo", 1, Harness.url(H.payg), name)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("backend 'westus-paygo': deployments[0].name '");
    assertThat(count(H.payg)).isZero();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void otherDeploymentNamesGoOnTheWireAsOneSegment(Mode mode) {
    String name = "gpt-4o..v2_1.";
    try (SpillwayPool pool =
        pool(Duration.ofSeconds(7), backend("eastus-paygo", 1, Harness.url(H.payg), name))) {
      chat(pool, mode);
    }

    List<LoggedRequest> requests =
        H.payg.findAll(
            com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).getUrl())
        .startsWith("/openai/deployments/gpt-4o..v2_1./chat/completions?");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void implausibleUtilizationIsFullNowAndTheRouteIsProbedAgainWithinTheBound(Mode mode) {
    // a 6 s quota window bounds an estimate's hold to 500 ms; 5833 % taken literally would hold
    // the PTU for 57 windows (5.7 minutes here)
    H.stubChat(
        H.ptu,
        Harness.PTU_DEPLOYMENT,
        Harness.ok().withHeader("azure-openai-deployment-utilization", "5833"));
    try (SpillwayPool pool =
        pool(
            b -> b.settings(s -> s.quotaWindow(Duration.ofSeconds(6))),
            ptuBackend(),
            backend("eastus-paygo", 1, Harness.url(H.payg), PAYG_DEPLOYMENT))) {
      chat(pool, mode);
      assertThat(count(H.ptu)).isEqualTo(1);

      // traffic goes on; within 2 s (four bounds) the PTU must have been asked again
      long start = System.nanoTime();
      while (count(H.ptu) < 2 && System.nanoTime() - start < 2_000_000_000L) {
        chat(pool, mode);
      }
      assertThat(count(H.ptu)).isGreaterThanOrEqualTo(2);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aUtilizationBacklogHoldsThePtuForAtMostTheBoundAndShowsAsHeld(Mode mode) {
    // 150 %: a plausible backlog of half a window (3 s here), held for at most 500 ms at a time
    H.stubChat(
        H.ptu,
        Harness.PTU_DEPLOYMENT,
        Harness.ok().withHeader("azure-openai-deployment-utilization", "150"));
    try (SpillwayPool pool =
        pool(
            b -> b.settings(s -> s.quotaWindow(Duration.ofSeconds(6))),
            ptuBackend(),
            backend("eastus-paygo", 1, Harness.url(H.payg), PAYG_DEPLOYMENT))) {
      chat(pool, mode);
      assertThat(ptuState(pool)).isEqualTo(RouteState.FULL);
      chat(pool, mode);
      assertThat(count(H.payg)).isEqualTo(1);

      long start = System.nanoTime();
      while (count(H.ptu) < 3 && System.nanoTime() - start < 2_500_000_000L) {
        chat(pool, mode);
      }
      // probed twice more well before the 3 s backlog could drain, each probe answered 150 %
      assertThat(count(H.ptu)).isEqualTo(3);
      assertThat(ptuState(pool).name()).isEqualTo("HELD"); // by name: main has no HELD
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aBackendThatRefusedConnectionsGetsTrafficWithinOneProbeIntervalOfItsReturn(Mode mode)
      throws Exception {
    // break duration 1 s: refusals are probed every 100 ms; the doubling (1 s, 2 s, 4 s) would
    // probe 1 s, 3 s and 7 s after the circuit first opened, and ptu-a returns after 4 s
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    WireMockServer returning =
        new WireMockServer(
            com.github.tomakehurst.wiremock.core.WireMockConfiguration.options()
                .port(port)
                .bindAddress("127.0.0.1"));
    try (SpillwayPool pool =
        pool(
            b -> b.settings(s -> s.circuitBreakDuration(Duration.ofSeconds(1))),
            backend("ptu-a", 0, "http://127.0.0.1:" + port, Harness.PTU_DEPLOYMENT),
            backend("eastus-paygo", 1, Harness.url(H.payg), PAYG_DEPLOYMENT))) {
      long start = System.nanoTime();
      long opened = 0;
      while (opened == 0 && System.nanoTime() - start < 15_000_000_000L) {
        assertThat(chat(pool, mode)).isNotNull(); // served by PAYG while ptu-a refuses
        if (pool.snapshot().backend("ptu-a").circuit() != CircuitState.CLOSED) {
          opened = System.nanoTime();
        }
      }
      assertThat(opened).as("ptu-a's circuit opened").isNotZero();
      while (System.nanoTime() - opened < 4_000_000_000L) {
        assertThat(chat(pool, mode)).isNotNull();
      }

      returning.start();
      returning.stubFor(
          com.github.tomakehurst.wiremock.client.WireMock.any(
                  com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
              .willReturn(Harness.ok()));
      long back = System.nanoTime();
      while (count(returning) == 0 && System.nanoTime() - back < 2_500_000_000L) {
        chat(pool, mode);
      }
      Duration returnedAfter = Duration.ofNanos(System.nanoTime() - back);

      assertThat(count(returning)).isEqualTo(1);
      // one 100 ms interval, with room for a busy machine; the doubling would take about 3 s
      assertThat(returnedAfter).isLessThan(Duration.ofMillis(1500));
    } finally {
      returning.stop();
    }
  }

  private static RouteState ptuState(SpillwayPool pool) {
    return pool.snapshot().backend("sweden-ptu").routes().get(0).state();
  }

  private static Backend ptuBackend() {
    return Backend.builder("sweden-ptu")
        .endpoint(Harness.url(H.ptu))
        .tier(0)
        .deployment(new Deployment(MODEL, Harness.PTU_DEPLOYMENT, true, 0, 0))
        .build();
  }

  static SpillwayPool pool(Duration attemptTimeout, Backend... backends) {
    return pool(b -> b.settings(s -> s.attemptTimeout(attemptTimeout)), backends);
  }

  /** A pool over {@code backends} with the harness's listener and client, deadline 8 s. */
  static SpillwayPool pool(
      java.util.function.Consumer<SpillwayPool.Builder> customize, Backend... backends) {
    SpillwayPool.Builder b =
        SpillwayPool.builder()
            .listener(
                new dev.spillway.PoolListener() {
                  @Override
                  public void onCallComplete(CallOutcome outcome) {
                    H.outcomes.add(outcome);
                  }
                })
            .settings(
                PoolSettings.builder()
                    .timeout(Duration.ofSeconds(8))
                    .attemptTimeout(Duration.ofSeconds(5))
                    .lapBackoff(Duration.ofMillis(20))
                    .build())
            .randomSeed(7);
    for (Backend backend : backends) {
      b.backend(backend, Credential.apiKey("k"));
    }
    customize.accept(b);
    return b.build();
  }

  private static Backend backend(String id, int tier, String url, String deployment) {
    return Backend.builder(id)
        .endpoint(url)
        .tier(tier)
        .deployment(Deployment.of(MODEL, deployment))
        .build();
  }
}
