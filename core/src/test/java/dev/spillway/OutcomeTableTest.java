package dev.spillway;

import static dev.spillway.AttemptOutcome.CALLER_ERROR;
import static dev.spillway.AttemptOutcome.FAILED;
import static dev.spillway.AttemptOutcome.MISCONFIGURED;
import static dev.spillway.AttemptOutcome.SUCCESS;
import static dev.spillway.AttemptOutcome.THROTTLED;
import static dev.spillway.testing.ScriptedTransport.failure;
import static dev.spillway.testing.ScriptedTransport.ok;
import static dev.spillway.testing.ScriptedTransport.status;
import static dev.spillway.testing.ScriptedTransport.throttled;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.spillway.spi.AttemptTimeoutException;
import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import dev.spillway.testing.LogCapture;
import dev.spillway.testing.ManualPoolTest;
import dev.spillway.testing.Mode;
import dev.spillway.testing.Pools;
import dev.spillway.testing.RecordingListener.CircuitEvent;
import dev.spillway.testing.RecordingListener.CoolDownEvent;
import dev.spillway.testing.ScriptedTransport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/design.md "Outcomes of an attempt", row by row, over the sync and the async driver: what
 * each outcome does to the route or backend, and to the call, with exact attempt counts per
 * backend.
 */
class OutcomeTableTest extends ManualPoolTest {
  static final Instant WALL = Instant.parse("2026-11-23T12:00:00Z");
  static final long NANO = 1;

  private void pool(Backend... backends) {
    pool =
        Pools.manual(time, backends)
            .listener(events)
            .clock(Clock.fixed(WALL, ZoneOffset.UTC))
            .build();
  }

  private void ptuAndPaygo() {
    pool(Pools.backend("ptu", 0), Pools.backend("paygo", 1));
  }

  /** ptu and paygo, each serving gpt-4o and gpt-4o-mini. */
  private void twoModelPool() {
    pool(
        Pools.backend(
            "ptu",
            0,
            1.0,
            Deployment.of("gpt-4o", "ptu-4o"),
            Deployment.of("gpt-4o-mini", "ptu-mini")),
        Pools.backend(
            "paygo",
            1,
            1.0,
            Deployment.of("gpt-4o", "paygo-4o"),
            Deployment.of("gpt-4o-mini", "paygo-mini")));
  }

  private Mode.Result call(Mode mode) {
    return mode.call(pool, t, time);
  }

  private Mode.Result call(Mode mode, String model) {
    return mode.call(pool, CallRequest.builder("chat", model).build(), t, time);
  }

  private RouteSnapshot route(String backendId, String model) {
    return pool.snapshot().backend(backendId).route(model);
  }

  private List<String> sentAfter(Runnable call) {
    t.clearSent();
    call.run();
    return t.sentBackends();
  }

  // ---- success ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void successIsOneAttemptOnTheFirstTierWithReportedUsage(Mode mode) {
    ptuAndPaygo();

    Mode.Result r = call(mode);

    assertThat(r.reply()).isEqualTo(new ScriptedTransport.Reply("ptu", "ptu-gpt4o", 200));
    assertThat(t.sentBackends()).containsExactly("ptu");
    CallOutcome o = events.onlyOutcome();
    assertThat(o.succeeded()).isTrue();
    assertThat(o.backendId()).isEqualTo("ptu");
    assertThat(o.attempts()).extracting(AttemptRecord::outcome).containsExactly(SUCCESS);
    assertThat(o.usage()).isEqualTo(Usage.reported(10, 20));
    RouteSnapshot ptu = route("ptu", "gpt-4o");
    assertThat(ptu.outstanding()).isZero();
    assertThat(ptu.successes()).isEqualTo(1);
    assertThat(ptu.peakEwma()).isNotNull();
    assertThat(pool.snapshot().backend("paygo").route("gpt-4o").attempts()).isZero();
  }

  // ---- throttled ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void coolsDownForRetryAfterMsThenReturnsToPtu(Mode mode) {
    ptuAndPaygo();
    t.on("ptu", throttled(2000));

    Mode.Result r = call(mode);

    assertThat(r.reply().backendId()).isEqualTo("paygo");
    assertThat(t.sentBackends()).containsExactly("ptu", "paygo");
    CallOutcome o = events.onlyOutcome();
    assertThat(o.attempts()).extracting(AttemptRecord::outcome).containsExactly(THROTTLED, SUCCESS);
    assertThat(o.attempts().get(0).status()).isEqualTo(429);
    assertThat(o.attempts().get(0).coolDown()).isEqualTo(Duration.ofMillis(2000));
    assertThat(events.coolDowns())
        .containsExactly(
            new CoolDownEvent(
                "ptu", "ptu-gpt4o", Duration.ofMillis(2000), CoolDownReason.THROTTLED));
    RouteSnapshot cooling = route("ptu", "gpt-4o");
    assertThat(cooling.state()).isEqualTo(RouteState.COOLING);
    assertThat(cooling.coolingUntil()).isEqualTo(WALL.plusMillis(2000));

    time.advance(Duration.ofMillis(2000).toNanos() - NANO);
    assertThat(sentAfter(() -> call(mode))).containsExactly("paygo");
    time.advance(NANO);
    assertThat(sentAfter(() -> call(mode))).containsExactly("ptu");
    assertThat(route("ptu", "gpt-4o").state()).isEqualTo(RouteState.AVAILABLE);
  }

  static Stream<Arguments> realStandard429s() {
    List<Arguments> cases = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      // tokens quota hit: the token reset (12 s) is larger than Retry-After (7 s) and the
      // unrelated requests reset (30 s) does not count
      cases.add(Arguments.of(mode, "7", "12", "30", "DeploymentRatelimit-Token", 12));
      // requests quota hit: Retry-After (20 s) is larger than the requests reset (3 s)
      cases.add(Arguments.of(mode, "20", "45", "3", "DeploymentRatelimit-Call", 20));
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("realStandard429s")
  void coolsDownForExactlyTheHintOfARealStandard429(
      Mode mode,
      String retryAfter,
      String resetTokens,
      String resetRequests,
      String policy,
      int expectedSeconds) {
    ptuAndPaygo();
    t.on(
        "ptu",
        status(429)
            .header("Retry-After", retryAfter)
            .header("x-ratelimit-reset-tokens", resetTokens)
            .header("x-ratelimit-reset-requests", resetRequests)
            .header("policy-id", policy));
    Duration hint = Duration.ofSeconds(expectedSeconds);

    assertThat(call(mode).reply().backendId()).isEqualTo("paygo");

    assertThat(events.onlyOutcome().attempts().get(0).coolDown()).isEqualTo(hint);
    assertThat(route("ptu", "gpt-4o").coolingUntil()).isEqualTo(WALL.plus(hint));
    time.advance(hint.toNanos() - NANO);
    assertThat(sentAfter(() -> call(mode))).containsExactly("paygo");
    time.advance(NANO);
    assertThat(sentAfter(() -> call(mode))).containsExactly("ptu");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void a503WithARetryHintThrottlesTheRoute(Mode mode) {
    ptuAndPaygo();
    t.on("ptu", status(503).header("retry-after-ms", "3000"));

    assertThat(call(mode).reply().backendId()).isEqualTo("paygo");

    AttemptRecord first = events.onlyOutcome().attempts().get(0);
    assertThat(first.outcome()).isEqualTo(THROTTLED);
    assertThat(first.coolDown()).isEqualTo(Duration.ofSeconds(3));
    assertThat(route("ptu", "gpt-4o").throttled()).isEqualTo(1);
    assertThat(route("ptu", "gpt-4o").failures()).isZero();
    assertThat(sentAfter(() -> call(mode))).containsExactly("paygo");
  }

  // ---- transient failures ----

  static Stream<Arguments> transientFailures() {
    List<Arguments> cases = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      cases.add(
          Arguments.of(
              mode,
              "connection reset",
              (Supplier<ScriptedTransport.Step>) () -> failure(new IOException("connection reset")),
              null,
              "java.io.IOException"));
      cases.add(
          Arguments.of(
              mode,
              "attempt timeout thrown",
              (Supplier<ScriptedTransport.Step>)
                  () -> failure(new AttemptTimeoutException("ptu", Duration.ofSeconds(60))),
              null,
              AttemptTimeoutException.class.getName()));
      cases.add(
          Arguments.of(
              mode,
              "no response (hang)",
              (Supplier<ScriptedTransport.Step>) ScriptedTransport::hang,
              null,
              AttemptTimeoutException.class.getName()));
      for (int s : new int[] {408, 500, 502, 503, 504}) {
        cases.add(
            Arguments.of(
                mode, "HTTP " + s, (Supplier<ScriptedTransport.Step>) () -> status(s), s, null));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("transientFailures")
  void transientFailureFailsOverWithoutCoolingTheRoute(
      Mode mode,
      String name,
      Supplier<ScriptedTransport.Step> step,
      Integer status,
      String errorType) {
    ptuAndPaygo();
    t.on("ptu", step.get());

    assertThat(call(mode).reply().backendId()).isEqualTo("paygo");

    assertThat(t.sentBackends()).containsExactly("ptu", "paygo");
    AttemptRecord first = events.onlyOutcome().attempts().get(0);
    assertThat(first.outcome()).isEqualTo(FAILED);
    assertThat(first.status()).isEqualTo(status);
    assertThat(first.errorType()).isEqualTo(errorType);
    assertThat(first.coolDown()).isNull();
    assertThat(events.coolDowns()).isEmpty();
    assertThat(route("ptu", "gpt-4o").failures()).isEqualTo(1);
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.CLOSED);
    // not cooling: the next call goes to the PTU again at once
    assertThat(sentAfter(() -> call(mode))).containsExactly("ptu");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void fiveConsecutiveTransientFailuresOpenTheCircuitThenAProbeFailureReopensForTwiceAsLong(
      Mode mode) {
    ptuAndPaygo();
    t.byDefault("ptu", a -> status(500));

    for (int i = 1; i <= 4; i++) {
      assertThat(sentAfter(() -> call(mode))).containsExactly("ptu", "paygo");
    }
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.CLOSED);
    assertThat(sentAfter(() -> call(mode))).containsExactly("ptu", "paygo");
    BackendSnapshot open = pool.snapshot().backend("ptu");
    assertThat(open.circuit()).isEqualTo(CircuitState.OPEN);
    assertThat(open.circuitOpenUntil()).isEqualTo(WALL.plusSeconds(5));
    assertThat(open.route("gpt-4o").state()).isEqualTo(RouteState.CIRCUIT_OPEN);
    assertThat(events.circuits())
        .containsExactly(new CircuitEvent("ptu", CircuitState.CLOSED, CircuitState.OPEN));

    assertThat(sentAfter(() -> call(mode))).containsExactly("paygo");
    time.advance(Duration.ofSeconds(5).toNanos() - NANO);
    assertThat(sentAfter(() -> call(mode))).containsExactly("paygo");
    time.advance(NANO);
    // half-open: one probe, which fails and reopens the circuit for 10 s
    assertThat(sentAfter(() -> call(mode))).containsExactly("ptu", "paygo");
    assertThat(pool.snapshot().backend("ptu").circuitOpenUntil()).isEqualTo(WALL.plusSeconds(10));
    assertThat(events.circuits())
        .endsWith(
            new CircuitEvent("ptu", CircuitState.OPEN, CircuitState.HALF_OPEN),
            new CircuitEvent("ptu", CircuitState.HALF_OPEN, CircuitState.OPEN));

    time.advance(Duration.ofSeconds(10).toNanos() - NANO);
    assertThat(sentAfter(() -> call(mode))).containsExactly("paygo");
    time.advance(NANO);
    t.byDefault("ptu", a -> ok());
    // the probe succeeds and closes the circuit
    assertThat(sentAfter(() -> call(mode))).containsExactly("ptu");
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.CLOSED);
    assertThat(events.circuits())
        .last()
        .isEqualTo(new CircuitEvent("ptu", CircuitState.HALF_OPEN, CircuitState.CLOSED));
    assertThat(sentAfter(() -> call(mode))).containsExactly("ptu");
  }

  /** Starts an async call and runs what is due now, leaving later replies pending. */
  private void startCall() {
    CallExecutor.of(pool).executeAsync(CallRequest.builder("chat", "gpt-4o").build(), t.async());
    time.advance(0);
  }

  /**
   * Five failures of ptu open its circuit; {@code open} later an async call probes it, answered
   * {@code probeMillis} after it left. Returns the probe's call, in flight.
   */
  private java.util.concurrent.CompletableFuture<ScriptedTransport.Reply> probeAfterFiveFailures(
      java.util.function.Supplier<ScriptedTransport.Step> failure,
      Duration open,
      long probeMillis) {
    ptuAndPaygo();
    for (int i = 0; i < 5; i++) {
      t.on("ptu", failure.get());
    }
    t.on("ptu", ok().latencyMillis(probeMillis));
    for (int i = 0; i < 5; i++) {
      call(Mode.ASYNC);
    }
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.OPEN);
    time.advance(open.toNanos());
    t.clearSent();
    java.util.concurrent.CompletableFuture<ScriptedTransport.Reply> probe =
        CallExecutor.of(pool)
            .executeAsync(CallRequest.builder("chat", "gpt-4o").build(), t.async());
    time.advance(0);
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.HALF_OPEN);
    return probe;
  }

  @Test
  void aHalfOpenCircuitLetsExactlyOneProbeThroughWhileItIsInFlight() {
    java.util.concurrent.CompletableFuture<ScriptedTransport.Reply> probe =
        probeAfterFiveFailures(() -> status(500), Duration.ofSeconds(5), 3000);
    for (int i = 0; i < 3; i++) {
      startCall();
    }
    assertThat(t.sentBackends()).containsExactly("ptu", "paygo", "paygo", "paygo");
    // slow failures opened it: the probe holds it half-open for its whole exchange, well past a
    // refusal interval (500 ms)
    time.advanceMillis(2999);
    assertThat(sentAfter(this::startCall)).containsExactly("paygo");
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.HALF_OPEN);
    time.advanceMillis(1);
    assertThat(probe.join().backendId()).isEqualTo("ptu");
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void aProbeAfterRefusalsThatIsNotRefusedWithinARefusalIntervalClosesTheCircuitWhileInFlight() {
    // refusals open it for break duration / 10
    java.util.concurrent.CompletableFuture<ScriptedTransport.Reply> probe =
        probeAfterFiveFailures(
            () -> failure(new java.net.ConnectException("connection refused")),
            Duration.ofMillis(500),
            3000);
    time.advance(Duration.ofMillis(500).toNanos() - NANO);
    assertThat(sentAfter(this::startCall)).containsExactly("paygo");
    time.advance(NANO);
    // the probe has not been refused within a refusal interval: its connection was accepted
    assertThat(sentAfter(this::startCall)).containsExactly("ptu");
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.CLOSED);
    assertThat(probe).isNotDone();
    assertThat(events.circuits())
        .endsWith(
            new CircuitEvent("ptu", CircuitState.OPEN, CircuitState.HALF_OPEN),
            new CircuitEvent("ptu", CircuitState.HALF_OPEN, CircuitState.CLOSED));

    time.advanceMillis(3000);
    assertThat(probe.join().backendId()).isEqualTo("ptu");
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.CLOSED);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSuccessResetsTheConsecutiveFailureCount(Mode mode) {
    ptuAndPaygo();
    t.on(
        "ptu",
        status(500),
        status(500),
        status(500),
        status(500),
        ok(),
        status(500),
        status(500),
        status(500),
        status(500));

    for (int i = 0; i < 9; i++) {
      call(mode);
    }

    assertThat(t.countSentTo("ptu")).isEqualTo(9);
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.CLOSED);
  }

  // ---- backend misconfigured ----

  static Stream<Arguments> authFailures() {
    return Stream.of(Mode.values())
        .flatMap(m -> Stream.of(Arguments.of(m, 401), Arguments.of(m, 403)));
  }

  @ParameterizedTest
  @MethodSource("authFailures")
  void authFailureOpensTheWholeBackendForTheAuthBreakAndLogsItsName(Mode mode, int status) {
    twoModelPool();
    t.on("ptu", status(status));

    Mode.Result r;
    try (LogCapture log = LogCapture.of("dev.spillway")) {
      r = call(mode, "gpt-4o");
      assertThat(log.messages(Level.ERROR))
          .singleElement()
          .asString()
          .contains("backend 'ptu'")
          .contains(Integer.toString(status));
    }

    assertThat(r.reply().backendId()).isEqualTo("paygo");
    assertThat(t.sentBackends()).containsExactly("ptu", "paygo");
    AttemptRecord first = events.onlyOutcome().attempts().get(0);
    assertThat(first.outcome()).isEqualTo(MISCONFIGURED);
    assertThat(first.status()).isEqualTo(status);
    BackendSnapshot ptu = pool.snapshot().backend("ptu");
    assertThat(ptu.circuit()).isEqualTo(CircuitState.OPEN);
    assertThat(ptu.circuitOpenUntil()).isEqualTo(WALL.plus(Duration.ofMinutes(5)));
    assertThat(ptu.routes()).extracting(RouteSnapshot::state).containsOnly(RouteState.CIRCUIT_OPEN);
    // every deployment of the backend is avoided, not only the one that answered 401/403
    assertThat(sentAfter(() -> call(mode, "gpt-4o-mini"))).containsExactly("paygo");
    time.advance(Duration.ofMinutes(5).toNanos() - NANO);
    assertThat(sentAfter(() -> call(mode, "gpt-4o-mini"))).containsExactly("paygo");
    time.advance(NANO);
    assertThat(sentAfter(() -> call(mode, "gpt-4o"))).containsExactly("ptu");
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.CLOSED);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSecondAuthFailureOnTheProbeReopensForTwiceTheAuthBreak(Mode mode) {
    ptuAndPaygo();
    t.on("ptu", status(401), status(401));

    call(mode);
    time.advance(Duration.ofMinutes(5).toNanos());
    assertThat(sentAfter(() -> call(mode))).containsExactly("ptu", "paygo");

    assertThat(pool.snapshot().backend("ptu").circuitOpenUntil())
        .isEqualTo(WALL.plus(Duration.ofMinutes(10)));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void a401ToARenewedCredentialFailsOverWithoutTheAuthBreak(Mode mode) {
    ptuAndPaygo();
    t.on("ptu", status(401).renewedCredential(), ok());

    Mode.Result r;
    try (LogCapture log = LogCapture.of("dev.spillway")) {
      r = call(mode);
      assertThat(log.messages(Level.ERROR)).isEmpty();
    }

    assertThat(r.reply().backendId()).isEqualTo("paygo");
    assertThat(t.sentBackends()).containsExactly("ptu", "paygo");
    AttemptRecord first = events.onlyOutcome().attempts().get(0);
    assertThat(first.outcome()).isEqualTo(FAILED);
    assertThat(first.status()).isEqualTo(401);
    BackendSnapshot ptu = pool.snapshot().backend("ptu");
    assertThat(ptu.circuit()).isEqualTo(CircuitState.CLOSED);
    assertThat(ptu.routes()).extracting(RouteSnapshot::state).containsOnly(RouteState.AVAILABLE);
    assertThat(events.circuits()).isEmpty();
    assertThat(events.coolDowns()).isEmpty();
    // the next call goes back to the first tier at once, with the renewed key
    assertThat(sentAfter(() -> call(mode))).containsExactly("ptu");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSingleBackendRetriesARenewedCredentialOnTheNextLap(Mode mode) {
    pool(Pools.backend("only", 0));
    t.on("only", status(401).renewedCredential(), ok());

    Mode.Result r = call(mode);

    assertThat(r.reply().backendId()).isEqualTo("only");
    assertThat(t.sentBackends()).containsExactly("only", "only");
    assertThat(pool.snapshot().backend("only").circuit()).isEqualTo(CircuitState.CLOSED);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void theRenewedFlagMeansNothingOnA403(Mode mode) {
    ptuAndPaygo();
    t.on("ptu", status(403).renewedCredential());

    call(mode);

    assertThat(events.onlyOutcome().attempts().get(0).outcome()).isEqualTo(MISCONFIGURED);
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.OPEN);
  }

  // ---- route misconfigured ----

  static Stream<Arguments> routeMisconfigurations() {
    return Stream.of(Mode.values())
        .flatMap(
            m ->
                Stream.of(
                    Arguments.of(m, 404, "DeploymentNotFound"),
                    Arguments.of(m, 400, "OperationNotSupported")));
  }

  @ParameterizedTest
  @MethodSource("routeMisconfigurations")
  void misconfiguredRouteCoolsDownFiveMinutesWhileTheBackendKeepsServingOtherDeployments(
      Mode mode, int status, String errorCode) {
    twoModelPool();
    t.on("ptu", status(status).errorCode(errorCode));

    Mode.Result r;
    try (LogCapture log = LogCapture.of("dev.spillway")) {
      r = call(mode, "gpt-4o");
      assertThat(log.messages(Level.ERROR))
          .singleElement()
          .asString()
          .contains("backend 'ptu'")
          .contains("'ptu-4o'")
          .contains(errorCode);
    }

    assertThat(r.reply().backendId()).isEqualTo("paygo");
    assertThat(t.sentBackends()).containsExactly("ptu", "paygo");
    AttemptRecord first = events.onlyOutcome().attempts().get(0);
    assertThat(first.outcome()).isEqualTo(MISCONFIGURED);
    assertThat(first.coolDown()).isEqualTo(Duration.ofMinutes(5));
    assertThat(events.coolDowns())
        .containsExactly(
            new CoolDownEvent(
                "ptu", "ptu-4o", Duration.ofMinutes(5), CoolDownReason.MISCONFIGURED));
    BackendSnapshot ptu = pool.snapshot().backend("ptu");
    assertThat(ptu.circuit()).isEqualTo(CircuitState.CLOSED);
    assertThat(ptu.route("gpt-4o").state()).isEqualTo(RouteState.COOLING);
    assertThat(ptu.route("gpt-4o").coolingUntil()).isEqualTo(WALL.plus(Duration.ofMinutes(5)));
    assertThat(ptu.route("gpt-4o-mini").state()).isEqualTo(RouteState.AVAILABLE);

    t.clearSent();
    assertThat(call(mode, "gpt-4o-mini").reply())
        .isEqualTo(new ScriptedTransport.Reply("ptu", "ptu-mini", 200));
    assertThat(t.sentBackends()).containsExactly("ptu");
    time.advance(Duration.ofMinutes(5).toNanos() - NANO);
    assertThat(sentAfter(() -> call(mode, "gpt-4o"))).containsExactly("paygo");
    time.advance(NANO);
    assertThat(sentAfter(() -> call(mode, "gpt-4o"))).containsExactly("ptu");
  }

  // ---- caller errors ----

  static Stream<Arguments> callerErrors() {
    return Stream.of(Mode.values())
        .flatMap(
            m ->
                Stream.of(
                    Arguments.of(m, 400, "content_filter"),
                    Arguments.of(m, 400, "invalid_request_error"),
                    Arguments.of(m, 400, null),
                    Arguments.of(m, 404, null),
                    Arguments.of(m, 404, "NotFound"),
                    Arguments.of(m, 409, null),
                    Arguments.of(m, 413, null),
                    Arguments.of(m, 422, null)));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("callerErrors")
  void callerErrorIsReturnedUnchangedAfterExactlyOneAttempt(
      Mode mode, int status, String errorCode) {
    ptuAndPaygo();
    t.on("ptu", status(status).errorCode(errorCode));

    Mode.Result r = call(mode);

    assertThat(r.reply()).isEqualTo(new ScriptedTransport.Reply("ptu", "ptu-gpt4o", status));
    assertThat(t.sentBackends()).containsExactly("ptu");
    assertThat(t.discarded()).isEmpty();
    CallOutcome o = events.onlyOutcome();
    assertThat(o.status()).isEqualTo(status);
    assertThat(o.error()).isNull();
    assertThat(o.succeeded()).isFalse();
    assertThat(o.attempts()).extracting(AttemptRecord::outcome).containsExactly(CALLER_ERROR);
    assertThat(events.coolDowns()).isEmpty();
    RouteSnapshot ptu = route("ptu", "gpt-4o");
    assertThat(ptu.state()).isEqualTo(RouteState.AVAILABLE);
    assertThat(ptu.callerErrors()).isEqualTo(1);
    assertThat(ptu.failures()).isZero();
    assertThat(ptu.outstanding()).isZero();
    assertThat(sentAfter(() -> call(mode))).containsExactly("ptu");
  }
}
