package dev.spillway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.spillway.CoolDownReason;
import dev.spillway.RejectionReason;
import dev.spillway.redis.testing.RedisServer;
import dev.spillway.spi.PoolStateStore;
import dev.spillway.spi.PoolStateStore.Admission;
import dev.spillway.spi.PoolStateStore.Cell;
import dev.spillway.spi.PoolStateStore.ConsumerLedger;
import dev.spillway.spi.PoolStateStore.CoolDown;
import dev.spillway.spi.PoolStateStore.ProbeLease;
import dev.spillway.testing.LogCapture;
import dev.spillway.testing.RequiresProgram;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store against a real {@code redis-server}: records one store writes reach another, a new
 * store starts with them, the later write wins, one lease holder at a time, and Redis killed,
 * restarted, paused or refusing the login.
 */
@RequiresProgram(RedisServer.PROGRAM)
class RedisStateStoreTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  private RedisServer redis() {
    RedisServer redis = RedisServer.start();
    opened.add(redis);
    return redis;
  }

  private RedisStateStore store(String uri) {
    RedisStateStore store = RedisStateStore.builder(uri).keyPrefix("test").build();
    opened.add(store::close);
    return store;
  }

  private static CoolDown cooling(long until) {
    return new CoolDown(until, 1, true, CoolDownReason.THROTTLED);
  }

  @Test
  @SuppressWarnings("ReferenceEquality") // the engine compares with NONE by identity
  void aCoolDownOneStoreSetsReachesTheOtherAndANewStoreStartsWithIt() {
    RedisServer redis = redis();
    RedisStateStore a = store(redis.uri().toString());
    RedisStateStore b = store(redis.uri().toString());
    Cell<CoolDown> inA = a.coolDown("ptu", "gpt-4o");
    Cell<CoolDown> inB = b.coolDown("ptu", "gpt-4o");

    assertThat(inA.compareAndSet(CoolDown.NONE, cooling(1_800_000_000_000L))).isTrue();

    await().atMost(WAIT).until(() -> inB.get().untilEpochMillis() == 1_800_000_000_000L);
    assertThat(inB.get()).isEqualTo(cooling(1_800_000_000_000L));
    assertThat(b.coolDown("ptu", "other").get()).isSameAs(CoolDown.NONE);
    RedisStateStore c = store(redis.uri().toString());
    assertThat(c.coolDown("ptu", "gpt-4o").get())
        .as("loaded before the first call")
        .isEqualTo(cooling(1_800_000_000_000L));
    assertThat(inA.compareAndSet(inA.get(), CoolDown.NONE)).isTrue();
    await().atMost(WAIT).until(() -> inB.get() == CoolDown.NONE);
  }

  @Test
  void closingRightAfterAWriteStillWritesIt() {
    RedisServer redis = redis();
    for (int i = 0; i < 50; i++) {
      RedisStateStore store =
          RedisStateStore.builder(redis.uri().toString()).keyPrefix("close-" + i).build();
      try {
        assertThat(
                store
                    .coolDown("ptu", "gpt-4o")
                    .compareAndSet(CoolDown.NONE, cooling(1_800_000_000_000L + i)))
            .isTrue();
      } finally {
        store.close(); // at once: the write may be in flight, or not yet taken off pending
      }
      assertThat(redis.call("HLEN", "{close-" + i + "}:cooldown")).as("store %d", i).isEqualTo("1");
    }
  }

  @Test
  void theLatestQuotaReportIsSharedUtilizationIncluded() {
    RedisServer redis = redis();
    RedisStateStore a = store(redis.uri().toString());
    RedisStateStore b = store(redis.uri().toString());
    PoolStateStore.QuotaReport ptu =
        new PoolStateStore.QuotaReport(-1, -1, -1, -1, 87.5, 1_800_000_000_000L);
    PoolStateStore.QuotaReport payg =
        new PoolStateStore.QuotaReport(
            12_000, 40, 60_000, 100, Double.NaN, 1_800_000_000_001L, 93_000, 51);

    assertThat(a.quotaReport("ptu", "gpt-4o").compareAndSet(PoolStateStore.QuotaReport.NONE, ptu))
        .isTrue();
    assertThat(a.quotaReport("payg", "gpt-4o").compareAndSet(PoolStateStore.QuotaReport.NONE, payg))
        .isTrue();

    await().atMost(WAIT).until(() -> b.quotaReport("ptu", "gpt-4o").get().equals(ptu));
    await().atMost(WAIT).until(() -> b.quotaReport("payg", "gpt-4o").get().equals(payg));
    assertThat(b.quotaReport("payg", "gpt-4o").get().utilization()).isNaN();
  }

  @Test
  void circuitsAreSharedAndPrefixesKeepPoolsApart() {
    RedisServer redis = redis();
    RedisStateStore a = store(redis.uri().toString());
    RedisStateStore b = store(redis.uri().toString());
    RedisStateStore other =
        RedisStateStore.builder(redis.uri().toString()).keyPrefix("other").build();
    opened.add(other::close);
    PoolStateStore.Circuit open =
        new PoolStateStore.Circuit(dev.spillway.CircuitState.OPEN, 1_800_000_000_000L, 1, 3, false);

    assertThat(a.circuit("ptu").compareAndSet(PoolStateStore.Circuit.CLOSED, open)).isTrue();

    await().atMost(WAIT).until(() -> b.circuit("ptu").get().equals(open));
    assertThat(other.circuit("ptu").get()).isSameAs(PoolStateStore.Circuit.CLOSED);
    assertThat(redis.call("HLEN", "{test}:circuit")).isEqualTo("1");
    assertThat(redis.call("EXISTS", "{other}:circuit")).isEqualTo("0");
  }

  @Test
  void aHalfOpenCircuitStaysWithTheProberSoTheFleetCanProbeIfItDies() {
    RedisServer redis = redis();
    RedisStateStore a = store(redis.uri().toString());
    RedisStateStore b = store(redis.uri().toString());
    PoolStateStore.Circuit open =
        new PoolStateStore.Circuit(dev.spillway.CircuitState.OPEN, 1_000L, 1, 3, false);
    PoolStateStore.Circuit halfOpen =
        new PoolStateStore.Circuit(dev.spillway.CircuitState.HALF_OPEN, 1_000L, 1, 3, false);
    PoolStateStore.Circuit reopened =
        new PoolStateStore.Circuit(dev.spillway.CircuitState.OPEN, 2_000L, 2, 4, false);
    assertThat(a.circuit("ptu").compareAndSet(PoolStateStore.Circuit.CLOSED, open)).isTrue();
    await().atMost(WAIT).until(() -> b.circuit("ptu").get().equals(open));

    assertThat(a.circuit("ptu").compareAndSet(a.circuit("ptu").get(), halfOpen)).isTrue();

    await()
        .during(Duration.ofMillis(300))
        .atMost(WAIT)
        .until(() -> b.circuit("ptu").get().equals(open));
    assertThat((String) redis.call("HGET", "{test}:circuit", "[\"ptu\"]"))
        .contains("\"state\":\"OPEN\"");
    assertThat(a.circuit("ptu").compareAndSet(halfOpen, reopened)).isTrue();
    await().atMost(WAIT).until(() -> b.circuit("ptu").get().equals(reopened));
    assertThat(store(redis.uri().toString()).circuit("ptu").get()).isEqualTo(reopened);
  }

  @Test
  void oneStoreAtATimeHoldsALeaseAndGivesItBack() {
    RedisServer redis = redis();
    ProbeLease a = store(redis.uri().toString()).routeProbe("ptu", "gpt-4o");
    ProbeLease b = store(redis.uri().toString()).routeProbe("ptu", "gpt-4o");

    assertThat(a.tryAcquire(30_000)).as("asked, not yet answered").isFalse();
    await().atMost(WAIT).until(() -> a.tryAcquire(30_000));
    assertThat(b.tryAcquire(30_000)).isFalse();
    await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> !b.tryAcquire(30_000));

    a.release();

    await().atMost(WAIT).until(() -> b.tryAcquire(30_000));
    assertThat(a.tryAcquire(30_000)).isFalse();
  }

  @Test
  void aLeaseWhoseHolderNeverGivesItBackExpiresAfterItsHoldTime() {
    RedisServer redis = redis();
    ProbeLease a = store(redis.uri().toString()).routeProbe("ptu", "gpt-4o");
    ProbeLease b = store(redis.uri().toString()).routeProbe("ptu", "gpt-4o");
    await().atMost(WAIT).until(() -> a.tryAcquire(300));

    await().atMost(WAIT).until(() -> b.tryAcquire(30_000));

    assertThat(
            Long.parseLong((String) redis.call("PTTL", "{test}:lease:route:[\"ptu\",\"gpt-4o\"]")))
        .as("B's own hold")
        .isGreaterThan(1_000L);
  }

  @Test
  void redisDownAtStartOnlyDegradesAndSharingBeginsWhenItAnswers() {
    RedisServer redis = redis();
    String uri = redis.uri().toString();
    redis.stop();
    try (LogCapture log = LogCapture.of("dev.spillway.redis")) {
      RedisStateStore a = store(uri);
      Cell<CoolDown> inA = a.coolDown("ptu", "gpt-4o");
      assertThat(inA.compareAndSet(CoolDown.NONE, cooling(1_800_000_000_000L))).isTrue();
      assertThat(a.routeProbe("ptu", "gpt-4o").tryAcquire(1000))
          .as("local operation: the lease is this process's")
          .isTrue();

      redis.restart();

      await()
          .atMost(WAIT)
          .until(() -> store(uri).coolDown("ptu", "gpt-4o").get().equals(inA.get()));
      assertThat(log.messages(Level.WARN))
          .singleElement()
          .asString()
          .contains("unreachable", "127.0.0.1:" + redis.port());
      assertThat(log.messages(Level.INFO)).anyMatch(m -> m.contains("answers again"));
    }
  }

  @Test
  void aKilledRedisIsOneWarnAndARestartedOneGetsEveryStoresRecordsAgain() {
    RedisServer redis = redis();
    String uri = redis.uri().toString();
    RedisStateStore a = store(uri);
    RedisStateStore b = store(uri);
    Cell<CoolDown> inA = a.coolDown("ptu", "gpt-4o");
    Cell<CoolDown> inB = b.coolDown("paygo", "gpt-4o");
    try (LogCapture log = LogCapture.of("dev.spillway.redis")) {
      redis.kill();
      assertThat(inA.compareAndSet(CoolDown.NONE, cooling(1_800_000_000_000L))).isTrue();
      assertThat(inB.compareAndSet(CoolDown.NONE, cooling(1_800_000_000_001L))).isTrue();
      await()
          .atMost(WAIT)
          .until(() -> log.messages(Level.WARN).stream().anyMatch(m -> m.contains("stopped")));

      redis.restart();

      await()
          .atMost(WAIT)
          .until(
              () ->
                  b.coolDown("ptu", "gpt-4o").get().equals(inA.get())
                      && a.coolDown("paygo", "gpt-4o").get().equals(inB.get()));
      assertThat(redis.call("HLEN", "{test}:cooldown")).isEqualTo("2");
      assertThat(log.messages(Level.WARN).stream().filter(m -> m.contains("stopped")))
          .as("one WARN per store per outage")
          .hasSizeLessThanOrEqualTo(2);
    }
  }

  @Test
  void aPausedRedisNeverHoldsAWriteAndSharingResumesAfterIt() {
    RedisServer redis = redis();
    String uri = redis.uri().toString();
    RedisStateStore a = store(uri);
    RedisStateStore b = store(uri);
    Cell<CoolDown> inA = a.coolDown("ptu", "gpt-4o");
    Cell<CoolDown> inB = b.coolDown("ptu", "gpt-4o");
    redis.pause();
    try {
      for (long i = 1; i <= 50; i++) {
        assertThat(inA.compareAndSet(inA.get(), cooling(1_800_000_000_000L + i))).isTrue();
      }
    } finally {
      redis.resume();
    }

    await().atMost(WAIT).until(() -> inB.get().untilEpochMillis() == 1_800_000_000_050L);
  }

  @Test
  void aRefusedLoginFailsTheBuildNamingTheUriWithoutThePassword() {
    RedisServer redis = RedisServer.builder().user("spillway", "s3cret-pw").start();
    opened.add(redis);
    String wrong = "redis://spillway:not-it@127.0.0.1:" + redis.port();

    assertThatThrownBy(() -> RedisStateStore.builder(wrong).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("redis://***@127.0.0.1:" + redis.port())
        .hasMessageContaining("WRONGPASS")
        .hasMessageNotContaining("not-it");
    RedisStateStore ok =
        RedisStateStore.builder("redis://spillway@127.0.0.1:" + redis.port())
            .password("s3cret-pw".toCharArray())
            .build();
    opened.add(ok::close);
    assertThat(ok.toString()).doesNotContain("s3cret-pw").contains("***@");
  }

  @Test
  void anApplicationsLettuceClientIsUsedAndOutlivesTheStore() {
    RedisServer redis = redis();
    RedisClient client = RedisClient.create();
    try {
      RedisStateStore a =
          RedisStateStore.builder(redis.uri().toString()).keyPrefix("test").client(client).build();
      RedisStateStore b = store(redis.uri().toString());
      assertThat(a.coolDown("ptu", "d").compareAndSet(CoolDown.NONE, cooling(1_800_000_000_000L)))
          .isTrue();
      await().atMost(WAIT).until(() -> b.coolDown("ptu", "d").get().untilEpochMillis() > 0);

      a.close();

      try (StatefulRedisConnection<String, String> still =
          client.connect(RedisURI.create(redis.uri().toString()))) {
        assertThat(still.sync().ping()).isEqualTo("PONG");
      }
    } finally {
      client.shutdown();
    }
  }

  private RedisStateStore storeAt(String uri, Instant wall) {
    RedisStateStore store =
        RedisStateStore.builder(uri)
            .keyPrefix("test")
            .clock(Clock.fixed(wall, ZoneOffset.UTC))
            .build();
    opened.add(store::close);
    return store;
  }

  @Test
  void aConsumersRequestsAndTokensAreCountedFleetWide() {
    RedisServer redis = redis();
    Instant wall = Instant.parse("2026-12-02T10:00:30.250Z");
    long now = wall.toEpochMilli();
    ConsumerLedger a = storeAt(redis.uri().toString(), wall).consumerLedger("team-a");
    ConsumerLedger b = storeAt(redis.uri().toString(), wall).consumerLedger("team-a");

    assertThat(a.tryAdmit(now, 100, 0, 3, 0, Long.MIN_VALUE).admitted()).isTrue();
    assertThat(a.tryAdmit(now, 100, 0, 3, 0, Long.MIN_VALUE).admitted()).isTrue();
    assertThat(b.tryAdmit(now, 100, 0, 3, 0, Long.MIN_VALUE).admitted())
        .as("B starts counting; it has not heard of A's calls yet")
        .isTrue();
    await().atMost(WAIT).until(() -> b.windowRequests(now) == 3 && a.windowRequests(now) == 3);

    Admission over = b.tryAdmit(now, 100, 0, 3, 0, Long.MIN_VALUE);
    assertThat(over.reason()).isEqualTo(RejectionReason.CONSUMER_LIMIT);
    assertThat(over.limitName()).isEqualTo("rpm-limit");
    assertThat(over.retryAtEpochMillis())
        .isEqualTo(Instant.parse("2026-12-02T10:01:30Z").toEpochMilli());
    assertThat(a.windowTokens(now)).isEqualTo(300);
    assertThat(a.tryAdmit(now, 100, 0, 3, 0, Long.MIN_VALUE).admitted()).isFalse();
  }

  @Test
  void aQuotaIsSpentFleetWideAndReconciledUsageCounts() {
    RedisServer redis = redis();
    Instant wall = Instant.parse("2026-12-02T10:00:30.250Z");
    long now = wall.toEpochMilli();
    long day = Instant.parse("2026-12-02T00:00:00Z").toEpochMilli();
    ConsumerLedger a = storeAt(redis.uri().toString(), wall).consumerLedger("team-a");
    ConsumerLedger b = storeAt(redis.uri().toString(), wall).consumerLedger("team-a");

    assertThat(a.tryAdmit(now, 80, 0, 0, 100, day).admitted()).isTrue();
    a.reconcile(now, day, -20); // it used 60
    await().atMost(WAIT).until(() -> b.quotaUsed(day) == 60);

    assertThat(b.tryAdmit(now, 50, 0, 0, 100, day).reason())
        .isEqualTo(RejectionReason.QUOTA_EXCEEDED);
    assertThat(b.tryAdmit(now, 40, 0, 0, 100, day).admitted()).isTrue();
    await().atMost(WAIT).until(() -> a.quotaUsed(day) == 100);
  }

  @Test
  void callsInFlightAreAddedUpAcrossTheFleetAndADeadInstancesExpire() {
    RedisServer redis = redis();
    RedisStateStore a =
        RedisStateStore.builder(redis.uri().toString()).keyPrefix("test").build(); // closed below
    RedisStateStore b = store(redis.uri().toString());
    PoolStateStore.Ledger inA = a.ledger("ptu", "gpt-4o");
    PoolStateStore.Ledger inB = b.ledger("ptu", "gpt-4o");

    inA.add(300, 2);
    inB.add(50, 1);

    await().atMost(WAIT).until(() -> inB.tokens() == 350 && inB.requests() == 3);
    await().atMost(WAIT).until(() -> inA.tokens() == 350);
    assertThat(b.ledger("ptu", "other").tokens()).isZero();
    inA.add(-300, -2);
    await().atMost(WAIT).until(() -> inB.tokens() == 50 && inB.requests() == 1);
    inA.add(120, 1);
    await().atMost(WAIT).until(() -> inB.tokens() == 170);

    a.close(); // it stops announcing, as a dead instance would

    await().atMost(WAIT).until(() -> inB.tokens() == 50 && inB.requests() == 1);
  }

  @Test
  void everyInstanceAddsUpTheSameFleetWideSendCountsAndKeepsADeadInstancesShare() {
    RedisServer redis = redis();
    RedisStateStore a =
        RedisStateStore.builder(redis.uri().toString()).keyPrefix("test").build(); // closed below
    RedisStateStore b = store(redis.uri().toString());
    PoolStateStore.Ledger inA = a.ledger("payg", "gpt-4o");
    PoolStateStore.Ledger inB = b.ledger("payg", "gpt-4o");

    inA.add(300, 1);
    inA.add(-300, -1); // answered: no longer in flight, still sent
    inA.add(200, 1);
    inB.add(50, 1);

    await().atMost(WAIT).until(() -> inA.sentTokens() == 550 && inB.sentTokens() == 550);
    assertThat(inA.sentRequests()).isEqualTo(3);
    assertThat(inB.sentRequests()).isEqualTo(3);
    assertThat(inB.tokens()).as("in flight: A's second call and B's").isEqualTo(250);

    a.close(); // it stops announcing, as a dead instance would

    await().atMost(WAIT).until(() -> inB.tokens() == 50);
    assertThat(inB.sentTokens()).as("a report's mark may include A's sends").isEqualTo(550);
  }

  @Test
  void aMalformedUriIsAnIllegalArgumentWithoutItsPassword() {
    assertThatThrownBy(() -> RedisStateStore.builder("http://u:pw-123@host").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://***@host")
        .hasMessageNotContaining("pw-123");
  }
}
