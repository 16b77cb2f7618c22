package dev.spillway;

import static dev.spillway.AttemptOutcome.CANCELLED;
import static dev.spillway.AttemptOutcome.FAILED;
import static dev.spillway.AttemptOutcome.SUCCESS;
import static dev.spillway.testing.ScriptedTransport.ok;
import static dev.spillway.testing.ScriptedTransport.status;
import static dev.spillway.testing.ScriptedTransport.throttled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import dev.spillway.testing.ManualPoolTest;
import dev.spillway.testing.Pools;
import dev.spillway.testing.ScriptedTransport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An async attempt that outlives twice the latency of the fastest route in its tier gets a second
 * attempt on another route of that tier; the first answer wins and the other is cancelled.
 */
class HedgingTest extends ManualPoolTest {
  private static final CallRequest CHAT = CallRequest.builder("chat", "gpt-4o").build();

  /** "slow" (weight 1000, so every first attempt goes there) and "fast" in tier 0. */
  private void twoRoutes(PoolSettings settings) {
    pool =
        Pools.manual(time, Pools.backend("slow", 0, 1000), Pools.backend("fast", 0, 1))
            .settings(settings)
            .listener(events)
            .build();
    t.byDefault("fast", a -> ok().latencyMillis(100));
  }

  private void twoRoutes() {
    twoRoutes(PoolSettings.DEFAULTS);
  }

  /** Calls answered by "slow" in 100 ms: its success estimate is 100 ms, the budget fills. */
  private void warmUp(int calls) {
    for (int i = 0; i < calls; i++) {
      t.on("slow", ok().latencyMillis(100));
      CompletableFuture<ScriptedTransport.Reply> f =
          CallExecutor.of(pool).executeAsync(CHAT, t.async());
      time.advanceMillis(100);
      assertThat(f).isCompleted();
    }
  }

  private CompletableFuture<ScriptedTransport.Reply> call() {
    return CallExecutor.of(pool).executeAsync(CHAT, t.async());
  }

  private int outstanding() {
    return pool.snapshot().backends().stream().mapToInt(BackendSnapshot::outstanding).sum();
  }

  @Test
  void aLateAttemptIsHedgedAtTwiceTheFastestLatencyAndTheHedgesAnswerWins() {
    twoRoutes();
    warmUp(10); // ten calls at the default ratio of 0.1 make one hedge
    t.on("slow", ok().latencyMillis(1000));
    long start = time.read();
    CompletableFuture<ScriptedTransport.Reply> f = call();

    time.advanceMillis(199);
    assertThat(t.sentBackends()).hasSize(11); // not yet
    time.advanceMillis(1);
    assertThat(t.sent().get(11).backendId()).isEqualTo("fast");
    assertThat(t.sent().get(11).atNanos() - start).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    // late for its route itself (twice its 100 ms): the route's estimate takes a penalty, twice
    // its estimate or the age, whichever is more, before the attempt answers
    assertThat(pool.snapshot().backend("slow").route("gpt-4o").peakEwma())
        .isEqualTo(Duration.ofMillis(200));
    time.advanceMillis(100);

    assertThat(f).isCompletedWithValueMatching(r -> r.backendId().equals("fast"));
    CallOutcome o = events.lastOutcome();
    assertThat(o.backendId()).isEqualTo("fast");
    assertThat(o.attempts())
        .extracting(AttemptRecord::backendId, AttemptRecord::outcome, AttemptRecord::latency)
        .containsExactly(
            tuple("slow", CANCELLED, Duration.ofMillis(300)),
            tuple("fast", SUCCESS, Duration.ofMillis(100)));
    assertThat(outstanding()).isZero();

    // the cancelled attempt's answer, had it come, changes nothing
    time.runAll(TimeUnit.HOURS.toNanos(1));
    assertThat(events.outcomes()).hasSize(11);
    assertThat(pool.snapshot().backend("slow").route("gpt-4o").successes()).isEqualTo(10);
    assertThat(outstanding()).isZero();
  }

  @Test
  void aRouteSlowerThanTheTiersFastestIsHedgedButNotPenalizedForIt() {
    twoRoutes();
    warmUp(10);
    t.on("slow", ok().latencyMillis(1000));
    call(); // hedged to "fast", which answers in 100 ms: the tier's fastest is 100 ms now
    time.advanceMillis(1000);
    for (int i = 0; i < 8; i++) { // 0.1 left + 0.8: none of these is hedged
      t.on("slow", ok().latencyMillis(400)); // "slow" is usually 400 ms
      call();
      time.advanceMillis(400);
    }
    t.on("slow", ok().latencyMillis(1000));
    Duration before = pool.snapshot().backend("slow").route("gpt-4o").peakEwma();
    CompletableFuture<ScriptedTransport.Reply> f = call();

    time.advanceMillis(200); // twice the fastest: hedged, though not late for "slow" itself
    assertThat(t.sentBackends()).hasSize(22).endsWith("slow", "fast");
    Duration after = pool.snapshot().backend("slow").route("gpt-4o").peakEwma();
    assertThat(before).isGreaterThan(Duration.ofMillis(390));
    assertThat(after).isLessThanOrEqualTo(before); // no penalty: 200 ms is a lower bound only
    time.advanceMillis(100);
    assertThat(f).isCompletedWithValueMatching(r -> r.backendId().equals("fast"));
  }

  @Test
  void theFirstAnswerWinsEvenWhenItIsTheHedgedAttempts() {
    twoRoutes();
    warmUp(10);
    t.on("slow", ok().latencyMillis(250));
    t.on("fast", ok().latencyMillis(500));
    CompletableFuture<ScriptedTransport.Reply> f = call();
    time.advanceMillis(250);

    assertThat(f).isCompletedWithValueMatching(r -> r.backendId().equals("slow"));
    assertThat(events.lastOutcome().attempts())
        .extracting(AttemptRecord::backendId, AttemptRecord::outcome)
        .containsExactly(tuple("fast", CANCELLED), tuple("slow", SUCCESS));
    time.runAll(TimeUnit.HOURS.toNanos(1));
    assertThat(outstanding()).isZero();
    assertThat(events.outcomes()).hasSize(11);
  }

  @Test
  void aFailureOfOneRacerWaitsForTheOtherInsteadOfSendingAThirdAttempt() {
    twoRoutes();
    warmUp(10);
    t.on("slow", status(500).latencyMillis(300));
    t.on("fast", ok().latencyMillis(400));
    CompletableFuture<ScriptedTransport.Reply> f = call();
    time.advanceMillis(300); // the hedge left at 200; the first attempt fails now
    assertThat(f).isNotDone();
    assertThat(t.sentBackends()).hasSize(12);
    time.advanceMillis(300);

    assertThat(f).isCompletedWithValueMatching(r -> r.backendId().equals("fast"));
    assertThat(events.lastOutcome().attempts())
        .extracting(AttemptRecord::backendId, AttemptRecord::outcome)
        .containsExactly(tuple("slow", FAILED), tuple("fast", SUCCESS));
    assertThat(outstanding()).isZero();
  }

  @Test
  void cancellingTheCallDuringARaceSettlesBothAttempts() {
    twoRoutes();
    warmUp(10);
    t.on("slow", ok().latencyMillis(1000));
    t.on("fast", ok().latencyMillis(1000));
    CompletableFuture<ScriptedTransport.Reply> f = call();
    time.advanceMillis(300);
    assertThat(outstanding()).isEqualTo(2);

    assertThat(f.cancel(true)).isTrue();

    assertThat(outstanding()).isZero();
    assertThat(events.lastOutcome().error())
        .isInstanceOf(java.util.concurrent.CancellationException.class);
    time.runAll(TimeUnit.HOURS.toNanos(1));
    assertThat(events.outcomes()).hasSize(11);
    assertThat(outstanding()).isZero();
  }

  @Test
  void noHedgeBeforeTheBudgetHasOne() {
    twoRoutes();
    warmUp(9); // 0.9 of a hedge
    t.on("slow", ok().latencyMillis(1000));
    CompletableFuture<ScriptedTransport.Reply> f = call(); // the tenth call: the budget has one now
    time.advanceMillis(1000);
    assertThat(f).isCompletedWithValueMatching(r -> r.backendId().equals("fast"));

    t.on("slow", ok().latencyMillis(1000));
    CompletableFuture<ScriptedTransport.Reply> g = call(); // used up: 0.1 left
    time.advanceMillis(1000);
    assertThat(events.lastOutcome().attempts()).as(events.lastOutcome().toString()).hasSize(1);
    assertThat(g).isCompletedWithValueMatching(r -> r.backendId().equals("slow"));
  }

  @Test
  void noHedgeWithinAQuotaWindowOfACallWaitingForHeadroom() {
    twoRoutes();
    warmUp(10);
    // both routes throttle: the call waits 100 ms for headroom, then "slow" answers
    t.on("slow", throttled(100), ok().latencyMillis(100));
    t.on("fast", throttled(100));
    CompletableFuture<ScriptedTransport.Reply> waited = call();
    time.advanceMillis(300);
    assertThat(waited).isCompletedWithValueMatching(r -> r.backendId().equals("slow"));

    t.on("slow", ok().latencyMillis(1000));
    CompletableFuture<ScriptedTransport.Reply> scarce = call(); // 59 s of the window still left
    time.advanceMillis(1000);
    assertThat(scarce).isCompletedWithValueMatching(r -> r.backendId().equals("slow"));
    assertThat(events.lastOutcome().attempts()).hasSize(1);

    // the budget had 1.2 hedges: only the wait within the window kept this call from one
  }

  @Test
  void hedgingOffNeverSendsASecondAttempt() {
    twoRoutes(PoolSettings.builder().hedgeRatio(0).build());
    warmUp(20);
    t.on("slow", ok().latencyMillis(1000));
    CompletableFuture<ScriptedTransport.Reply> f = call();
    time.advanceMillis(1000);
    assertThat(f).isCompletedWithValueMatching(r -> r.backendId().equals("slow"));
    assertThat(t.sentBackends()).hasSize(21);
  }

  @Test
  void syncCallsAreNeverHedged() {
    twoRoutes();
    warmUp(20);
    t.on("slow", ok().latencyMillis(1000));
    ScriptedTransport.Reply r = CallExecutor.of(pool).execute(CHAT, t);
    assertThat(r.backendId()).isEqualTo("slow");
    assertThat(t.sentBackends()).hasSize(21);
  }

  @Test
  void aHedgeNeverSpillsToACostlierTier() {
    pool =
        Pools.manual(time, Pools.backend("ptu", 0), Pools.backend("paygo", 1))
            .listener(events)
            .build();
    for (int i = 0; i < 20; i++) {
      t.on("ptu", ok().latencyMillis(100));
      call();
      time.advanceMillis(100);
    }
    t.on("ptu", ok().latencyMillis(1000));
    CompletableFuture<ScriptedTransport.Reply> f = call();
    time.advanceMillis(1000);
    assertThat(f).isCompletedWithValueMatching(r -> r.backendId().equals("ptu"));
    assertThat(t.sentBackends()).doesNotContain("paygo");
  }

  @Test
  void theHedgeRatioIsChecked() {
    assertThat(PoolSettings.DEFAULTS.hedgeRatio()).isEqualTo(PoolSettings.DEFAULT_HEDGE_RATIO);
    assertThatThrownBy(() -> PoolSettings.builder().hedgeRatio(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hedgeRatio must be in [0, 1], was 1.5");
    assertThatThrownBy(() -> PoolSettings.builder().hedgeRatio(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hedgeRatio");
  }
}
