package dev.spillway;

import static dev.spillway.AttemptOutcome.THROTTLED;
import static dev.spillway.testing.ScriptedTransport.ok;
import static dev.spillway.testing.ScriptedTransport.status;
import static dev.spillway.testing.ScriptedTransport.throttled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.spillway.spi.Attempt;
import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import dev.spillway.testing.ClosedLoop;
import dev.spillway.testing.ManualPoolTest;
import dev.spillway.testing.Mode;
import dev.spillway.testing.Pools;
import dev.spillway.testing.ScriptedTransport;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/design.md "Selection": strict tier priority with a single probe after a cool-down, P2C by
 * weight and peak-EWMA cost inside a tier, headroom spill, per-route cool-downs, draining, and
 * snapshots. Spread is measured in closed loops on manual time with the pool's fixed seed (42).
 */
class SelectionTest extends ManualPoolTest {
  static final Instant WALL = Instant.parse("2026-11-23T12:00:00Z");
  static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private void pool(Backend... backends) {
    pool =
        Pools.manual(time, backends)
            .listener(events)
            .clock(Clock.fixed(WALL, ZoneOffset.UTC))
            .build();
  }

  private static CallRequest chat(long promptTokens, long maxOutputTokens) {
    return CallRequest.builder("chat", "gpt-4o")
        .promptTokens(promptTokens)
        .maxOutputTokens(maxOutputTokens)
        .build();
  }

  private List<String> sentAfter(Runnable call) {
    t.clearSent();
    call.run();
    return t.sentBackends();
  }

  private RouteSnapshot route(String backendId) {
    return pool.snapshot().backend(backendId).route("gpt-4o");
  }

  // ---- tiers and the probe ----

  @Test
  void returnsToPtuAfterTheExactCoolDownThroughASingleProbeAndReCoolsWithoutABurst() {
    pool(Pools.backend("ptu", 0), Pools.backend("paygo", 1));
    long t0 = time.read();
    t.on("ptu", throttled(2000));
    assertThat(CallExecutor.of(pool).execute(chat(0, 0), t).backendId()).isEqualTo("paygo");
    // the probe at 2.0 s is throttled again (2 s); the probe at 4.1 s succeeds
    t.on("ptu", throttled(2000).latencyMillis(100));
    t.byDefault("ptu", a -> ok().latencyMillis(100));
    t.byDefault("paygo", a -> ok().latencyMillis(100));

    new ClosedLoop(pool, t, time).runFor(10, TimeUnit.SECONDS.toNanos(6));

    List<Long> ptuAt = t.sentTo("ptu").stream().map(s -> (s.atNanos() - t0) / MS).toList();
    // one attempt in each probe window, each at the exact end of the cool-down before it
    assertThat(ptuAt.stream().filter(ms -> ms < 4200)).containsExactly(0L, 2000L, 4100L);
    assertThat(events.outcomes())
        .flatExtracting(CallOutcome::attempts)
        .filteredOn(a -> a.outcome() == THROTTLED)
        .hasSize(2);
    // once the probe succeeded the PTU takes all traffic again (strict priority)
    assertThat(
            t.sent().stream()
                .filter(s -> s.atNanos() - t0 >= 4200 * MS)
                .map(ScriptedTransport.Sent::backendId))
        .containsOnly("ptu");
  }

  @Test
  void aSuccessClaimedBeforeTheThrottleLeavesTheCoolDownAndOneClaimedAfterItEndsIt() {
    pool(Pools.backend("ptu", 0), Pools.backend("paygo", 1));
    CallExecutor executor = CallExecutor.of(pool);
    // the first call is slow and succeeds; the second, claimed after it, is throttled at once
    t.on("ptu", ok().latencyMillis(500), throttled(2000).latencyMillis(10));
    var slow = executor.executeAsync(chat(0, 0), t.async());
    var throttledCall = executor.executeAsync(chat(0, 0), t.async());
    time.advanceMillis(100);
    assertThat(route("ptu").state()).isEqualTo(RouteState.COOLING);
    time.advanceMillis(500);
    assertThat(slow.join().backendId()).isEqualTo("ptu");
    assertThat(throttledCall.join().backendId()).isEqualTo("paygo");
    // admitted before the refused request: it says nothing of the route since
    assertThat(route("ptu").state()).isEqualTo(RouteState.COOLING);

    time.advanceMillis(2000);
    executor.execute(chat(0, 0), t); // the probe ends it
    assertThat(route("ptu").state()).isEqualTo(RouteState.AVAILABLE);

    // now the throttled call comes first and the slow success is claimed after it
    t.on("ptu", throttled(2000).latencyMillis(10), ok().latencyMillis(500));
    var first = executor.executeAsync(chat(0, 0), t.async());
    var second = executor.executeAsync(chat(0, 0), t.async());
    time.advanceMillis(100);
    assertThat(route("ptu").state()).isEqualTo(RouteState.COOLING);
    time.advanceMillis(500);
    assertThat(first.join().backendId()).isEqualTo("paygo");
    assertThat(second.join().backendId()).isEqualTo("ptu");
    // the service admitted a later request than the one it refused: the route is back
    assertThat(route("ptu").state()).isEqualTo(RouteState.AVAILABLE);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aRouteWhoseCoolDownEndedShowsProbingUntilTheProbeSucceeds(Mode mode) {
    pool(Pools.backend("ptu", 0), Pools.backend("paygo", 1));
    t.on("ptu", throttled(1000));
    mode.call(pool, t, time);
    assertThat(route("ptu").state()).isEqualTo(RouteState.COOLING);

    time.advanceMillis(1000);
    assertThat(route("ptu").state()).isEqualTo(RouteState.PROBING);
    assertThat(route("ptu").coolingUntil()).isNull();
    mode.call(pool, t, time);

    assertThat(route("ptu").state()).isEqualTo(RouteState.AVAILABLE);
  }

  // ---- spread inside a tier ----

  /**
   * Two routes of weight 1 and 3 with equal latency, N users in a closed loop.
   *
   * <p>Derivation of the tolerance. With two routes P2C always draws both, so each pick takes the
   * route of lower cost {@code ewma × (outstanding + 1) / weight}; with equal ewma that is the
   * lower {@code (o_i + 1) / w_i}. Handing N concurrent calls one by one to the lowest {@code (o_i
   * + 1) / w_i} is D'Hondt apportionment of N seats, which never gives a route less than the floor
   * of its quota {@code q_i = N·w_i/W}; with two routes the other then gets at most the ceiling, so
   * {@code |o_i − q_i| < 1}. By Little's law, with equal latency a route's share of traffic is its
   * share of the outstanding calls, {@code o_i / N}. Hence {@code |share_i − w_i/W| < 1/N}. The
   * start-up (before the first latency sample) and the small decay of an EWMA between samples add a
   * little; 0.01 covers it over 2,000 calls.
   */
  @ParameterizedTest
  @ValueSource(ints = {4, 10, 20, 50})
  void inAClosedLoopTrafficSplitsInProportionToWeight(int users) {
    pool(Pools.backend("a", 0, 1.0), Pools.backend("b", 0, 3.0));
    t.byDefault("a", x -> ok().latencyMillis(100));
    t.byDefault("b", x -> ok().latencyMillis(100));
    int calls = 2000;

    ClosedLoop loop = new ClosedLoop(pool, t, time).run(users, calls);

    assertThat(loop.completed()).isEqualTo(calls);
    assertThat(loop.failed()).isZero();
    double shareA = t.countSentTo("a") / (double) calls;
    assertThat(shareA).isCloseTo(0.25, within(1.0 / users + 0.01));
  }

  /**
   * A route 10× slower, equal weights, 10 users. Equal cost means {@code 100 ms × (o_a + 1) = 1 s ×
   * (o_b + 1)}: the slow route holds at most one call at a time while the fast one holds the rest,
   * so it serves about 1 call per second against ~90 — far below 10 %.
   */
  @Test
  void aRouteTenTimesSlowerGetsLessThanTenPercentOfItsTiersTraffic() {
    pool(Pools.backend("fast", 0), Pools.backend("slow", 0));
    t.byDefault("fast", x -> ok().latencyMillis(100));
    t.byDefault("slow", x -> ok().latencyMillis(1000));

    new ClosedLoop(pool, t, time).run(10, 2000);

    assertThat(t.countSentTo("slow")).isPositive().isLessThan(200);
  }

  @Test
  void aRouteWithoutALatencySampleIsProbedNotFlooded() {
    pool(Pools.backend("warm", 0), Pools.backend("new", 0));
    pool.disableBackend("new");
    t.byDefault("warm", x -> ok().latencyMillis(100));
    t.byDefault("new", x -> ok().latencyMillis(100));
    for (int i = 0; i < 10; i++) {
      CallExecutor.of(pool).execute(chat(0, 0), t);
    }
    pool.enableBackend("new");
    t.clearSent();

    // ten calls arrive at the same instant, before any answer
    for (int i = 0; i < 10; i++) {
      CallExecutor.of(pool).executeAsync(chat(0, 0), t.async());
    }

    // the new route costs the tier's median latency: about half, neither none nor all
    assertThat(t.countSentTo("new")).isBetween(4L, 6L);
    time.runAll(TimeUnit.SECONDS.toNanos(1));
    assertThat(events.outcomes()).hasSize(20).allMatch(CallOutcome::succeeded);
  }

  /** Sequential calls to two warm routes, then {@code b} starts answering fast with {@code bad}. */
  private void fastFailuresOnB(Mode mode, Supplier<ScriptedTransport.Step> bad) {
    pool(Pools.backend("a", 0), Pools.backend("b", 0));
    t.byDefault("a", x -> ok().latencyMillis(100));
    t.byDefault("b", x -> ok().latencyMillis(100));
    for (int i = 0; i < 10; i++) {
      mode.call(pool, t, time).reply();
    }
    assertThat(t.countSentTo("b")).isPositive();
    t.byDefault("b", x -> bad.get().latencyMillis(1));
    t.clearSent();

    for (int i = 0; i < 50; i++) {
      assertThat(mode.call(pool, t, time).reply().backendId()).isEqualTo("a");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void fastFailuresBelowTheCircuitThresholdDoNotAttractTraffic(Mode mode) {
    fastFailuresOnB(mode, () -> status(500));

    // 50 calls over 5 s: b failed in 1 ms once; its cost rose, so it was not picked again
    assertThat(t.countSentTo("b")).isEqualTo(1);
    assertThat(pool.snapshot().backend("b").circuit()).isEqualTo(CircuitState.CLOSED);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void fastZeroMillisecond429sDoNotAttractTraffic(Mode mode) {
    fastFailuresOnB(mode, () -> throttled(0));

    assertThat(t.countSentTo("b")).isEqualTo(1);
  }

  // ---- headroom ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void spillsToTheNextTierBeforeAny429WhenTheLedgerFillsTheRoute(Mode mode) {
    pool(
        Pools.backend("ptu", 0, 1.0, Deployment.of("gpt-4o", "ptu-4o").withTpm(10_000)),
        Pools.backend("paygo", 1));
    // the real service would throttle a sixth concurrent call of 2,000 tokens
    // (outstanding includes the attempt being sent)
    t.byDefault(
        "ptu",
        a ->
            pool.snapshot().backend("ptu").outstanding() > 5
                ? throttled(60_000)
                : ok().leaveOpen());
    CallRequest call = chat(1000, 1000);

    for (int i = 0; i < 5; i++) {
      assertThat(mode.call(pool, call, t, time).reply().backendId()).isEqualTo("ptu");
    }
    assertThat(route("ptu").headroomTokens()).isZero();
    assertThat(route("ptu").state()).isEqualTo(RouteState.FULL);
    assertThat(mode.call(pool, call, t, time).reply().backendId()).isEqualTo("paygo");

    assertThat(events.attempts()).noneMatch(a -> a.outcome() == THROTTLED);
    // a stream ends, but a standard deployment charged its tokens to the window at admission: the
    // route stays full until its hold bound (60 s / 12) sends one probe
    t.openAttempts().get(0).completion().complete(Usage.reported(1000, 1000));
    assertThat(sentAfter(() -> mode.call(pool, call, t, time))).containsExactly("paygo");
    time.advance(TimeUnit.SECONDS.toNanos(5));
    assertThat(sentAfter(() -> mode.call(pool, call, t, time))).containsExactly("ptu");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void spillsBeforeTheOneSecondRequestWindowOfAConfiguredRpmIsExceeded(Mode mode) {
    pool(
        Pools.backend("std", 0, 1.0, Deployment.of("gpt-4o", "std-4o").withRpm(120)),
        Pools.backend("paygo", 1));
    // 120 RPM: Azure admits 2 requests per second
    assertThat(sentAfter(() -> mode.call(pool, t, time))).containsExactly("std");
    assertThat(sentAfter(() -> mode.call(pool, t, time))).containsExactly("std");
    assertThat(sentAfter(() -> mode.call(pool, t, time))).containsExactly("paygo");
    time.advance(1000 * MS);
    assertThat(sentAfter(() -> mode.call(pool, t, time))).containsExactly("std");
    assertThat(events.attempts()).noneMatch(a -> a.outcome() == THROTTLED);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void lowRemainingTokensHoldTheRouteForAWindowTwelfthThenOneProbeAsks(Mode mode) {
    pool =
        Pools.manual(time, Pools.backend("std", 0), Pools.backend("paygo", 1))
            .settings(PoolSettings.builder().quotaWindow(java.time.Duration.ofSeconds(3)).build())
            .build();
    // 1,500 left, calls of 2,000: no refill is assumed inside the window (a fixed window resets
    // when it resets); the estimate holds the route for 3 s / 12 = 250 ms, then one call asks
    t.on(
        "std",
        ok().header("x-ratelimit-remaining-tokens", "1500")
            .header("x-ratelimit-limit-tokens", "60000"));
    CallRequest call = chat(1000, 1000);
    mode.call(pool, call, t, time);

    assertThat(sentAfter(() -> mode.call(pool, call, t, time))).containsExactly("paygo");
    time.advance(250 * MS - 1);
    assertThat(sentAfter(() -> mode.call(pool, call, t, time))).containsExactly("paygo");
    time.advance(1);
    assertThat(sentAfter(() -> mode.call(pool, call, t, time))).containsExactly("std");
    assertThat(events.attempts()).noneMatch(a -> a.outcome() == THROTTLED);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aReportAWindowOldSaysNothingAndTheRouteTakesCallsAgain(Mode mode) {
    pool(Pools.backend("std", 0), Pools.backend("paygo", 1));
    t.on(
        "std",
        ok().header("x-ratelimit-remaining-tokens", "1500")
            .header("x-ratelimit-limit-tokens", "60000"));
    CallRequest call = chat(1000, 1000);
    mode.call(pool, call, t, time);
    t.on("std", ok());

    assertThat(sentAfter(() -> mode.call(pool, call, t, time))).containsExactly("paygo");
    // the hold's one probe: the service's answer (no headers this time) ends the hold
    time.advance(TimeUnit.SECONDS.toNanos(5));
    assertThat(sentAfter(() -> mode.call(pool, call, t, time))).containsExactly("std");
    // the report is still the 1,500, now less the probe's 2,000: held again until a window on
    assertThat(sentAfter(() -> mode.call(pool, call, t, time))).containsExactly("paygo");
    time.advance(TimeUnit.SECONDS.toNanos(55));
    assertThat(sentAfter(() -> mode.call(pool, call, t, time))).containsExactly("std");
    assertThat(events.attempts()).noneMatch(a -> a.outcome() == THROTTLED);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void ptuAtFullUtilizationSpillsAndTakesTrafficAgainAsItDrains(Mode mode) {
    pool(
        Pools.backend("ptu", 0, 1.0, Deployment.ptu("gpt-4o", "ptu-4o", 100_000)),
        Pools.backend("paygo", 1));
    t.on("ptu", ok().header("azure-openai-deployment-utilization", "100"));
    CallRequest call = chat(1500, 1000);
    mode.call(pool, call, t, time);
    assertThat(route("ptu").utilization()).isEqualTo(100.0);
    assertThat(route("ptu").state()).isEqualTo(RouteState.FULL);

    // 2,500 tokens are 2.5 % of the capacity; utilization drains 100 % a minute: 1.5 s
    assertThat(sentAfter(() -> mode.call(pool, call, t, time))).containsExactly("paygo");
    time.advance(1499 * MS);
    assertThat(sentAfter(() -> mode.call(pool, call, t, time))).containsExactly("paygo");
    time.advance(2 * MS);
    assertThat(sentAfter(() -> mode.call(pool, call, t, time))).containsExactly("ptu");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void ptuWithoutConfiguredCapacitySpillsAtFullUtilizationUntilItDrainsBelow(Mode mode) {
    pool(
        Pools.backend("ptu", 0, 1.0, Deployment.ptu("gpt-4o", "ptu-4o", 0)),
        Pools.backend("paygo", 1));
    t.on("ptu", ok().header("azure-openai-deployment-utilization", "100%"));
    mode.call(pool, t, time);

    assertThat(sentAfter(() -> mode.call(pool, t, time))).containsExactly("paygo");
    time.advance(1);
    assertThat(sentAfter(() -> mode.call(pool, t, time))).containsExactly("ptu");
  }

  // ---- per-route and per-backend state ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void a429OnOneDeploymentDoesNotCoolAnotherDeploymentOfTheSameBackend(Mode mode) {
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
    t.on("ptu", throttled(30_000));
    mode.call(pool, t, time);

    t.clearSent();
    ScriptedTransport.Reply mini =
        mode.call(pool, CallRequest.builder("chat", "gpt-4o-mini").build(), t, time).reply();

    assertThat(mini).isEqualTo(new ScriptedTransport.Reply("ptu", "ptu-mini", 200));
    BackendSnapshot ptu = pool.snapshot().backend("ptu");
    assertThat(ptu.route("gpt-4o").state()).isEqualTo(RouteState.COOLING);
    assertThat(ptu.route("gpt-4o-mini").state()).isEqualTo(RouteState.AVAILABLE);
    assertThat(sentAfter(() -> mode.call(pool, t, time))).containsExactly("paygo");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void disablingABackendDrainsItAndEnablingRestoresIt(Mode mode) {
    pool(Pools.backend("ptu", 0), Pools.backend("paygo", 1));
    t.on("ptu", ok().leaveOpen());
    mode.call(pool, t, time);
    Attempt open = t.openAttempts().get(0);

    pool.disableBackend("ptu");

    BackendSnapshot ptu = pool.snapshot().backend("ptu");
    assertThat(ptu.enabled()).isFalse();
    assertThat(ptu.route("gpt-4o").state()).isEqualTo(RouteState.DISABLED);
    assertThat(ptu.outstanding()).isEqualTo(1);
    assertThat(sentAfter(() -> mode.call(pool, t, time))).containsExactly("paygo");
    // the call in flight finishes normally
    open.completion().complete(Usage.reported(1, 1));
    assertThat(events.outcomes())
        .filteredOn(o -> "ptu".equals(o.backendId()))
        .singleElement()
        .matches(CallOutcome::succeeded);
    assertThat(pool.snapshot().backend("ptu").outstanding()).isZero();

    pool.enableBackend("ptu");
    assertThat(route("ptu").state()).isEqualTo(RouteState.AVAILABLE);
    assertThat(sentAfter(() -> mode.call(pool, t, time))).containsExactly("ptu");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void withEveryBackendDisabledTheCallFailsAtOnceWithNoRetryInstant(Mode mode) {
    pool(Pools.backend("a", 0), Pools.backend("b", 1));
    pool.disableBackend("a");
    pool.disableBackend("b");

    Throwable error = mode.call(pool, t, time).error();

    assertThat(error)
        .isInstanceOf(NoBackendAvailableException.class)
        .hasMessageContaining("disabled");
    assertThat(((NoBackendAvailableException) error).retryAfter()).isNull();
    assertThat(t.sent()).isEmpty();
  }

  @Test
  void disablingAnUnknownBackendIsRejected() {
    pool(Pools.backend("a", 0));
    assertThatThrownBy(() -> pool.disableBackend("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nope'");
    assertThatThrownBy(() -> pool.enableBackend("nope"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- snapshot counters ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void snapshotCountersAddUp(Mode mode) {
    pool(Pools.backend("ptu", 0), Pools.backend("paygo", 1));
    t.on("ptu", throttled(1000), status(500), status(400), ok().usage(5, 6));
    t.on("paygo", ok().usage(7, 8), ok().usage(9, 10));
    AtomicInteger calls = new AtomicInteger();
    // ptu 429 -> paygo; (cooling) paygo; after 1 s ptu 500 -> ... ; ptu 400; ptu 200
    mode.call(pool, t, time);
    calls.incrementAndGet();
    time.advanceMillis(1000);
    for (int i = 0; i < 3; i++) {
      mode.call(pool, t, time);
    }

    long sent = t.sent().size();
    RouteSnapshot ptu = route("ptu");
    RouteSnapshot paygo = route("paygo");
    assertThat(ptu.attempts() + paygo.attempts()).isEqualTo(sent);
    for (RouteSnapshot r : List.of(ptu, paygo)) {
      assertThat(r.successes() + r.throttled() + r.failures() + r.callerErrors())
          .isEqualTo(r.attempts());
      assertThat(r.outstanding()).isZero();
    }
    assertThat(ptu.throttled()).isEqualTo(1);
    assertThat(ptu.failures()).isEqualTo(1);
    assertThat(ptu.callerErrors()).isEqualTo(1);
    assertThat(ptu.successes()).isEqualTo(1);
    long input = events.outcomes().stream().mapToLong(o -> o.usage().inputTokens()).sum();
    long output = events.outcomes().stream().mapToLong(o -> o.usage().outputTokens()).sum();
    assertThat(ptu.inputTokens() + paygo.inputTokens()).isEqualTo(input).isEqualTo(5 + 7 + 9);
    assertThat(ptu.outputTokens() + paygo.outputTokens()).isEqualTo(output).isEqualTo(6 + 8 + 10);
    assertThat(events.outcomes()).hasSize(4);
  }
}
