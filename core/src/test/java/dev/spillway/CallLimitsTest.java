package dev.spillway;

import static dev.spillway.AttemptOutcome.FAILED;
import static dev.spillway.AttemptOutcome.THROTTLED;
import static dev.spillway.testing.ScriptedTransport.failure;
import static dev.spillway.testing.ScriptedTransport.hang;
import static dev.spillway.testing.ScriptedTransport.ok;
import static dev.spillway.testing.ScriptedTransport.status;
import static dev.spillway.testing.ScriptedTransport.throttled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.spi.AttemptTimeoutException;
import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import dev.spillway.testing.ManualPoolTest;
import dev.spillway.testing.Mode;
import dev.spillway.testing.Pools;
import dev.spillway.testing.ScriptedTransport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The limits of a call: attempts, deadline, attempt timeout, waits, lap backoff, models. */
class CallLimitsTest extends ManualPoolTest {
  static final Instant WALL = Instant.parse("2026-11-23T12:00:00Z");

  private void pool(UnaryOperator<BackendPool.Builder> settings, Backend... backends) {
    pool =
        settings
            .apply(
                Pools.manual(time, backends)
                    .listener(events)
                    .clock(Clock.fixed(WALL, ZoneOffset.UTC)))
            .build();
  }

  private void pool(Backend... backends) {
    pool(b -> b, backends);
  }

  private static CallRequest.Builder chat() {
    return CallRequest.builder("chat", "gpt-4o");
  }

  // ---- maxAttempts ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void attemptsRunOutAfterTwiceTheCandidateRoutesWithTheLastCauseAndEarlierOnesSuppressed(
      Mode mode) {
    pool(Pools.backend("a", 0), Pools.backend("b", 0));
    AtomicInteger n = new AtomicInteger();
    t.byDefault("a", at -> failure(new IOException("reset " + n.incrementAndGet())));
    t.byDefault("b", at -> failure(new IOException("reset " + n.incrementAndGet())));

    Throwable error = mode.call(pool, t, time).error();

    assertThat(error)
        .isExactlyInstanceOf(AttemptsExhaustedException.class)
        .hasMessageContaining("4 attempts ran out");
    AttemptsExhaustedException e = (AttemptsExhaustedException) error;
    assertThat(e.attempts()).hasSize(4).extracting(AttemptRecord::outcome).containsOnly(FAILED);
    assertThat(e.attempts()).extracting(AttemptRecord::number).containsExactly(1, 2, 3, 4);
    assertThat(e.getCause()).hasMessage("reset 4");
    assertThat(e.getSuppressed())
        .extracting(Throwable::getMessage)
        .containsExactly("reset 1", "reset 2", "reset 3");
    assertThat(t.countSentTo("a")).isEqualTo(2);
    assertThat(t.countSentTo("b")).isEqualTo(2);
    assertThat(events.onlyOutcome().error()).isSameAs(error);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void configuredMaxAttemptsIsExact(Mode mode) {
    pool(
        b -> b.settings(PoolSettings.builder().maxAttempts(3).build()),
        Pools.backend("a", 0),
        Pools.backend("b", 0));
    t.byDefault("a", at -> status(500));
    t.byDefault("b", at -> status(500));

    assertThat(mode.call(pool, t, time).error())
        .isExactlyInstanceOf(AttemptsExhaustedException.class);

    assertThat(t.sent()).hasSize(3);
  }

  // ---- deadline ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void waitsCountAgainstTheCallDeadline(Mode mode) {
    pool(b -> b.settings(PoolSettings.builder().maxAttempts(10).build()), Pools.backend("only", 0));
    t.on("only", throttled(4000), throttled(4000), throttled(4000));
    long start = time.read();

    Throwable error =
        mode.call(pool, chat().timeout(Duration.ofSeconds(10)).build(), t, time).error();

    // 429 at 0 s, 4 s and 8 s; the next chance at 12 s is past the 10 s deadline
    assertThat(error).isInstanceOf(NoBackendAvailableException.class);
    assertThat(((NoBackendAvailableException) error).retryAfter()).isEqualTo(Duration.ofSeconds(4));
    assertThat(t.sent())
        .extracting(s -> Duration.ofNanos(s.atNanos() - start))
        .containsExactly(Duration.ZERO, Duration.ofSeconds(4), Duration.ofSeconds(8));
    assertThat(time.read() - start).isEqualTo(TimeUnit.SECONDS.toNanos(8));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void attemptTimeoutIsShortenedToWhatIsLeftOfTheDeadline(Mode mode) {
    pool(Pools.backend("only", 0));
    List<Duration> timeouts = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger n = new AtomicInteger();
    t.byDefault(
        "only",
        at -> {
          timeouts.add(at.timeout());
          return n.getAndIncrement() == 0 ? throttled(4000) : ok();
        });

    mode.call(pool, chat().timeout(Duration.ofSeconds(10)).build(), t, time).reply();
    mode.call(pool, chat().build(), t, time).reply();
    mode.call(pool, chat().streaming(true).build(), t, time).reply();

    assertThat(timeouts)
        .containsExactly(
            Duration.ofSeconds(10),
            Duration.ofSeconds(6),
            PoolSettings.DEFAULT_ATTEMPT_TIMEOUT,
            PoolSettings.DEFAULT_STREAM_ATTEMPT_TIMEOUT);
  }

  @Test
  void asyncAttemptTimeoutIsEnforcedByCancellingTheTransportFutureAndFailingOver() {
    pool(
        b -> b.settings(PoolSettings.builder().attemptTimeout(Duration.ofSeconds(5)).build()),
        Pools.backend("ptu", 0),
        Pools.backend("paygo", 1));
    t.on("ptu", hang());
    long start = time.read();

    CompletableFuture<ScriptedTransport.Reply> f =
        CallExecutor.of(pool).executeAsync(chat().build(), t.async());
    time.advance(TimeUnit.SECONDS.toNanos(5) - 1);
    assertThat(f).isNotDone();
    time.advance(1);

    assertThat(f.join().backendId()).isEqualTo("paygo");
    assertThat(t.hungFutures()).singleElement().satisfies(h -> assertThat(h).isCancelled());
    assertThat(time.read() - start).isEqualTo(TimeUnit.SECONDS.toNanos(5));
    AttemptRecord first = events.onlyOutcome().attempts().get(0);
    assertThat(first.outcome()).isEqualTo(FAILED);
    assertThat(first.errorType()).isEqualTo(AttemptTimeoutException.class.getName());
    assertThat(pool.snapshot().backend("ptu").outstanding()).isZero();
  }

  // ---- returning the last response ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void returnLastResponseReturnsTheLast429InsteadOfThrowing(Mode mode) {
    pool(Pools.backend("ptu", 0), Pools.backend("paygo", 1));
    t.on("ptu", throttled(600_000));
    t.on("paygo", throttled(600_000));

    Mode.Result r = mode.call(pool, chat().returnLastResponse(true).build(), t, time);

    assertThat(r.reply()).isEqualTo(new ScriptedTransport.Reply("paygo", "paygo-gpt4o", 429));
    assertThat(t.discarded()).containsExactly(new ScriptedTransport.Reply("ptu", "ptu-gpt4o", 429));
    CallOutcome o = events.onlyOutcome();
    assertThat(o.status()).isEqualTo(429);
    assertThat(o.error()).isNull();
    assertThat(o.attempts())
        .extracting(AttemptRecord::outcome)
        .containsExactly(THROTTLED, THROTTLED);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void withoutReturnLastResponseTheSameCallThrowsAndDiscardsEveryResponse(Mode mode) {
    pool(Pools.backend("ptu", 0), Pools.backend("paygo", 1));
    t.on("ptu", throttled(600_000));
    t.on("paygo", throttled(600_000));

    Throwable error = mode.call(pool, chat().build(), t, time).error();

    assertThat(error).isInstanceOf(NoBackendAvailableException.class);
    assertThat(((NoBackendAvailableException) error).attempts()).hasSize(2);
    assertThat(t.discarded()).hasSize(2);
    assertThat(events.onlyOutcome().status()).isEqualTo(429);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void returnLastResponseReturnsTheLast5xxWhenAttemptsRunOut(Mode mode) {
    pool(Pools.backend("a", 0));
    t.byDefault("a", at -> status(502));

    Mode.Result r = mode.call(pool, chat().returnLastResponse(true).build(), t, time);

    assertThat(r.reply().status()).isEqualTo(502);
    assertThat(t.sent()).hasSize(2);
    assertThat(t.discarded()).hasSize(1);
  }

  // ---- waiting for a cool-down ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void noBackendAvailableCarriesTheEarliestCoolDownEndAndEveryRouteState(Mode mode) {
    pool(Pools.backend("ptu", 0), Pools.backend("paygo", 1));
    t.on("ptu", throttled(30_000));
    t.on("paygo", throttled(20_000));
    CallRequest shortCall = chat().timeout(Duration.ofSeconds(10)).build();

    Throwable first = mode.call(pool, shortCall, t, time).error();
    time.advanceMillis(5_000);
    Throwable second = mode.call(pool, shortCall, t, time).error();

    assertThat(first).isInstanceOf(NoBackendAvailableException.class);
    NoBackendAvailableException e1 = (NoBackendAvailableException) first;
    assertThat(e1.retryAfter()).isEqualTo(Duration.ofSeconds(20));
    assertThat(e1.earliestRetry()).isEqualTo(WALL.plusSeconds(20));
    assertThat(e1.model()).isEqualTo("gpt-4o");
    assertThat(e1.routeStates()).extracting(BackendSnapshot::id).containsExactly("ptu", "paygo");
    assertThat(e1.routeStates())
        .flatExtracting(BackendSnapshot::routes)
        .extracting(RouteSnapshot::state)
        .containsOnly(RouteState.COOLING);
    assertThat(e1.routeStates())
        .flatExtracting(BackendSnapshot::routes)
        .extracting(RouteSnapshot::coolingUntil)
        .containsExactly(WALL.plusSeconds(30), WALL.plusSeconds(20));
    // a call arriving while everything cools makes no attempt at all
    NoBackendAvailableException e2 = (NoBackendAvailableException) second;
    assertThat(e2.retryAfter()).isEqualTo(Duration.ofSeconds(15));
    assertThat(e2.attempts()).isEmpty();
    assertThat(t.sent()).hasSize(2);
    assertThat(events.outcomes()).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void whenEveryRouteIsCoolingTheCallWaitsExactlyForTheEarliestAndSucceeds(Mode mode) {
    pool(
        b -> b.settings(PoolSettings.builder().maxWait(Duration.ofSeconds(20)).build()),
        Pools.backend("ptu", 0),
        Pools.backend("paygo", 1));
    t.on("ptu", throttled(30_000));
    t.on("paygo", throttled(20_000));
    long start = time.read();

    Mode.Result r = mode.call(pool, t, time);

    assertThat(r.reply().backendId()).isEqualTo("paygo");
    assertThat(t.sentBackends()).containsExactly("ptu", "paygo", "paygo");
    assertThat(time.read() - start).isEqualTo(TimeUnit.SECONDS.toNanos(20));
    assertThat(events.onlyOutcome().latency()).isEqualTo(Duration.ofSeconds(20));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void byDefaultACallWhoseRoutesReturnAfterTenSecondsFailsAtOnceWithTheSoonestRetry(Mode mode) {
    pool(Pools.backend("ptu", 0), Pools.backend("paygo", 1));
    t.on("ptu", throttled(30_000));
    t.on("paygo", throttled(20_000));
    long start = time.read();

    Throwable error = mode.call(pool, t, time).error();

    assertThat(error).isInstanceOf(NoBackendAvailableException.class);
    assertThat(((NoBackendAvailableException) error).retryAfter())
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(time.read()).isEqualTo(start);
    assertThat(t.sentBackends()).containsExactly("ptu", "paygo");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void byDefaultACallWaitsForARouteThatReturnsWithinTenSecondsOfItsStart(Mode mode) {
    pool(Pools.backend("ptu", 0), Pools.backend("paygo", 1));
    t.on("ptu", throttled(30_000));
    t.on("paygo", throttled(10_000));
    long start = time.read();

    Mode.Result r = mode.call(pool, t, time);

    assertThat(r.reply().backendId()).isEqualTo("paygo");
    assertThat(time.read() - start).isEqualTo(TimeUnit.SECONDS.toNanos(10));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void maxWaitZeroFailsAtOnceInsteadOfWaiting(Mode mode) {
    pool(
        b -> b.settings(PoolSettings.builder().maxWait(Duration.ZERO).build()),
        Pools.backend("only", 0));
    t.on("only", throttled(1_000));
    long start = time.read();

    assertThat(mode.call(pool, t, time).error()).isInstanceOf(NoBackendAvailableException.class);

    assertThat(time.read()).isEqualTo(start);
  }

  // ---- lap backoff ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void lapBackoffIs100MsTimesTwoToTheLapJitteredBetweenHalfAndAll(Mode mode) {
    pool(b -> b.settings(PoolSettings.builder().maxAttempts(4).build()), Pools.backend("only", 0));
    List<Double> fractions = new ArrayList<>();
    for (int call = 0; call < 10; call++) {
      t.clearSent();
      // three transient failures (below the circuit threshold), then success
      t.on("only", status(500), status(500), status(500), ok());
      assertThat(mode.call(pool, t, time).reply().backendId()).isEqualTo("only");
      List<ScriptedTransport.Sent> sent = t.sent();
      assertThat(sent).hasSize(4);
      for (int lap = 0; lap < 3; lap++) {
        long gap = sent.get(lap + 1).atNanos() - sent.get(lap).atNanos();
        double base = TimeUnit.MILLISECONDS.toNanos(100) * Math.pow(2, lap);
        fractions.add(gap / base);
      }
    }
    assertThat(fractions).allSatisfy(f -> assertThat(f).isBetween(0.5, 1.0));
    // jittered: with 30 draws, the fractions spread over the range (fixed seed 42)
    assertThat(Collections.min(fractions)).isLessThan(0.6);
    assertThat(Collections.max(fractions)).isGreaterThan(0.9);
  }

  // ---- models ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void unknownModelFailsBeforeAnyAttemptListingTheServedModels(Mode mode) {
    pool(
        Pools.backend(
            "a", 0, 1.0, Deployment.of("gpt-4o", "a-4o"), Deployment.of("gpt-4o-mini", "a-mini")));

    Throwable error =
        mode.call(pool, CallRequest.builder("chat", "gpt-5").build(), t, time).error();

    assertThat(error)
        .isInstanceOf(UnknownModelException.class)
        .hasMessageContaining("'gpt-5'")
        .hasMessageContaining("[gpt-4o, gpt-4o-mini]");
    assertThat(((UnknownModelException) error).servedModels())
        .containsExactly("gpt-4o", "gpt-4o-mini");
    assertThat(t.sent()).isEmpty();
  }

  @Test
  void syncUnknownModelThrowsFromExecute() {
    pool(Pools.backend("a", 0));
    assertThatThrownBy(
            () -> CallExecutor.of(pool).execute(CallRequest.builder("chat", "nope").build(), t))
        .isInstanceOf(UnknownModelException.class);
    assertThat(t.sent()).isEmpty();
  }
}
