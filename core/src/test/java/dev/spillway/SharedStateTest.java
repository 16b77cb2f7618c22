package dev.spillway;

import static dev.spillway.testing.ScriptedTransport.status;
import static dev.spillway.testing.ScriptedTransport.throttled;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.spi.PoolStateStore;
import dev.spillway.spi.PoolStateStore.Circuit;
import dev.spillway.spi.PoolStateStore.CoolDown;
import dev.spillway.spi.PoolStateStore.ProbeLease;
import dev.spillway.testing.ManualTime;
import dev.spillway.testing.Mode;
import dev.spillway.testing.Pools;
import dev.spillway.testing.ScriptedTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * docs/design.md "Fleet state": the state store's instants are wall-clock epoch milliseconds, so
 * two pools whose tickers have unrelated origins (two processes) but whose clocks agree share
 * cool-downs and circuits through one store. Each pool runs on its own {@link ManualTime}; both are
 * advanced together.
 */
class SharedStateTest {
  private static final long MS = 1_000_000L;

  /** Ticker origins a day apart: ticker nanos written by one would mean nothing to the other. */
  private final ManualTime timeA = new ManualTime(1_000_000_000L);

  private final ManualTime timeB = new ManualTime(86_400_000_000_000L + 7);
  private final ScriptedTransport a = new ScriptedTransport(timeA);
  private final ScriptedTransport b = new ScriptedTransport(timeB);
  private final SharedStore store = new SharedStore();
  private final BackendPool poolA = pool(timeA, "A");
  private final BackendPool poolB = pool(timeB, "B");

  private BackendPool pool(ManualTime time, String process) {
    return Pools.manual(time, Pools.backend("ptu", 0), Pools.backend("paygo", 1))
        .stateStore(store.of(process))
        .build();
  }

  @AfterEach
  void close() {
    poolA.close();
    poolB.close();
  }

  private void advanceBoth(long nanos) {
    timeA.advance(nanos);
    timeB.advance(nanos);
  }

  private static List<String> sentAfter(
      Mode mode, BackendPool pool, ScriptedTransport transport, ManualTime time) {
    transport.clearSent();
    mode.call(pool, transport, time).reply();
    return transport.sentBackends();
  }

  @Test
  void theRecordsCarryEpochMillisecondsOfTheInjectedClock() {
    a.on("ptu", throttled(2_000));
    timeA.advance(250 * MS);

    Mode.SYNC.call(poolA, a, timeA).reply();

    PoolStateStore.CoolDown coolDown = store.coolDown("ptu", "ptu-gpt4o").get();
    assertThat(coolDown.untilEpochMillis())
        .isEqualTo(ManualTime.WALL_START.plusMillis(250 + 2_000).toEpochMilli());
    assertThat(coolDown.reason()).isEqualTo(CoolDownReason.THROTTLED);
    assertThat(coolDown.probeRequired()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aCoolDownOneProcessLearnsHoldsTheOtherUntilTheSameWallClockInstant(Mode mode) {
    a.on("ptu", throttled(2_000));
    assertThat(sentAfter(mode, poolA, a, timeA)).containsExactly("ptu", "paygo");

    // B never saw the 429: the shared cool-down alone keeps it off ptu, for exactly 2 s
    assertThat(sentAfter(mode, poolB, b, timeB)).containsExactly("paygo");
    RouteSnapshot seenByB = poolB.snapshot().backend("ptu").route("gpt-4o");
    assertThat(seenByB.state()).isEqualTo(RouteState.COOLING);
    assertThat(seenByB.coolingUntil()).isEqualTo(ManualTime.WALL_START.plusMillis(2_000));
    advanceBoth(Duration.ofMillis(2_000).toNanos() - 1);
    assertThat(sentAfter(mode, poolB, b, timeB)).containsExactly("paygo");
    advanceBoth(1);
    // B's probe succeeds and clears the cool-down for A too
    assertThat(sentAfter(mode, poolB, b, timeB)).containsExactly("ptu");
    assertThat(store.coolDown("ptu", "ptu-gpt4o").get()).isSameAs(PoolStateStore.CoolDown.NONE);
    assertThat(poolA.snapshot().backend("ptu").route("gpt-4o").state())
        .isEqualTo(RouteState.AVAILABLE);
    assertThat(sentAfter(mode, poolA, a, timeA)).containsExactly("ptu");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aCircuitOneProcessOpensIsOpenForTheOtherAndItsProbeClosesItForBoth(Mode mode) {
    a.on("ptu", status(401));
    assertThat(sentAfter(mode, poolA, a, timeA)).containsExactly("ptu", "paygo");

    BackendSnapshot seenByB = poolB.snapshot().backend("ptu");
    assertThat(seenByB.circuit()).isEqualTo(CircuitState.OPEN);
    assertThat(seenByB.circuitOpenUntil())
        .isEqualTo(ManualTime.WALL_START.plus(PoolSettings.DEFAULT_AUTH_BREAK));
    assertThat(sentAfter(mode, poolB, b, timeB)).containsExactly("paygo");
    advanceBoth(PoolSettings.DEFAULT_AUTH_BREAK.toNanos() - MS);
    assertThat(sentAfter(mode, poolB, b, timeB)).containsExactly("paygo");
    advanceBoth(MS);
    assertThat(sentAfter(mode, poolB, b, timeB)).containsExactly("ptu");
    assertThat(poolA.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.CLOSED);
    assertThat(sentAfter(mode, poolA, a, timeA)).containsExactly("ptu");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void afterASharedCoolDownOnlyTheProcessHoldingTheProbeLeaseProbes(Mode mode) {
    a.on("ptu", throttled(2_000));
    assertThat(sentAfter(mode, poolA, a, timeA)).containsExactly("ptu", "paygo");
    advanceBoth(Duration.ofMillis(2_000).toNanos());
    SharedLease lease = store.lease("route:ptu/ptu-gpt4o");
    assertThat(lease.tryAcquire("C")).as("a third process is probing").isTrue();

    assertThat(sentAfter(mode, poolB, b, timeB)).containsExactly("paygo");
    assertThat(sentAfter(mode, poolA, a, timeA)).containsExactly("paygo");
    lease.release("C");
    assertThat(sentAfter(mode, poolB, b, timeB))
        .as("B wins the lease and probes")
        .containsExactly("ptu");

    assertThat(lease.owner()).as("given back when the probe told").isNull();
    assertThat(sentAfter(mode, poolA, a, timeA)).containsExactly("ptu");
    assertThat(lease.grants()).isEqualTo(2); // C, then B: A never probed
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anOpenCircuitsHalfOpenProbeGoesOnlyFromTheProcessHoldingItsLease(Mode mode) {
    a.on("ptu", status(401));
    assertThat(sentAfter(mode, poolA, a, timeA)).containsExactly("ptu", "paygo");
    advanceBoth(PoolSettings.DEFAULT_AUTH_BREAK.toNanos());
    SharedLease lease = store.lease("circuit:ptu");
    assertThat(lease.tryAcquire("C")).isTrue();

    assertThat(sentAfter(mode, poolB, b, timeB)).containsExactly("paygo");
    assertThat(poolB.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.OPEN);
    lease.release("C");
    assertThat(sentAfter(mode, poolB, b, timeB)).containsExactly("ptu");

    assertThat(lease.owner()).isNull();
    assertThat(poolA.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.CLOSED);
    assertThat(lease.grants()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aQuotaReportOneProcessReceivedHoldsTheOtherBackToo(Mode mode) {
    a.on(
        "ptu",
        ScriptedTransport.ok()
            .header("x-ratelimit-remaining-tokens", "0")
            .header("x-ratelimit-limit-tokens", "60000"));
    assertThat(sentAfter(mode, poolA, a, timeA)).containsExactly("ptu");

    PoolStateStore.QuotaReport report = store.quotaReport("ptu", "ptu-gpt4o").get();
    assertThat(report.remainingTokens()).isZero();
    assertThat(report.limitTokens()).isEqualTo(60_000);
    assertThat(report.atEpochMillis()).isEqualTo(ManualTime.WALL_START.toEpochMilli());
    // B never got that answer: the shared report alone holds it back, so it spills
    assertThat(sentAfter(mode, poolB, b, timeB)).containsExactly("paygo");
  }

  /** A probe lease the processes share: one owner at a time. */
  private static final class SharedLease {
    private final AtomicReference<String> owner = new AtomicReference<>();
    private final AtomicInteger grants = new AtomicInteger();

    boolean tryAcquire(String process) {
      if (process.equals(owner.get())) {
        return true;
      }
      if (owner.compareAndSet(null, process)) {
        grants.incrementAndGet();
        return true;
      }
      return false;
    }

    void release(String process) {
      owner.compareAndSet(process, null);
    }

    String owner() {
      return owner.get();
    }

    int grants() {
      return grants.get();
    }
  }

  /**
   * A store both pools share: one cell per route and per backend, one probe lease per route and per
   * backend; ledgers stay per pool. {@link #of} is one process's view.
   */
  private static final class SharedStore {
    private final Map<String, SharedCell<CoolDown>> coolDowns = new ConcurrentHashMap<>();
    private final Map<String, SharedCell<Circuit>> circuits = new ConcurrentHashMap<>();
    private final Map<String, SharedLease> leases = new ConcurrentHashMap<>();
    private final Map<String, SharedCell<PoolStateStore.QuotaReport>> reports =
        new ConcurrentHashMap<>();

    PoolStateStore.Cell<PoolStateStore.QuotaReport> quotaReport(
        String backendId, String deployment) {
      return reports.computeIfAbsent(
          backendId + "/" + deployment, k -> new SharedCell<>(PoolStateStore.QuotaReport.NONE));
    }

    SharedLease lease(String key) {
      return leases.computeIfAbsent(key, k -> new SharedLease());
    }

    PoolStateStore.Cell<PoolStateStore.CoolDown> coolDown(String backendId, String deployment) {
      return coolDowns.computeIfAbsent(
          backendId + "/" + deployment, k -> new SharedCell<>(PoolStateStore.CoolDown.NONE));
    }

    PoolStateStore of(String process) {
      SharedStore shared = this;
      return new PoolStateStore() {
        @Override
        public Cell<CoolDown> coolDown(String backendId, String deployment) {
          return shared.coolDown(backendId, deployment);
        }

        @Override
        public Cell<Circuit> circuit(String backendId) {
          return circuits.computeIfAbsent(backendId, k -> new SharedCell<>(Circuit.CLOSED));
        }

        @Override
        public Ledger ledger(String backendId, String deployment) {
          return PoolStateStore.inMemory().ledger(backendId, deployment);
        }

        @Override
        public Cell<QuotaReport> quotaReport(String backendId, String deployment) {
          return shared.quotaReport(backendId, deployment);
        }

        @Override
        public ProbeLease routeProbe(String backendId, String deployment) {
          return lease(process, "route:" + backendId + "/" + deployment);
        }

        @Override
        public ProbeLease circuitProbe(String backendId) {
          return lease(process, "circuit:" + backendId);
        }
      };
    }

    private ProbeLease lease(String process, String key) {
      SharedLease lease = lease(key);
      return new ProbeLease() {
        @Override
        public boolean tryAcquire(long holdMillis) {
          return lease.tryAcquire(process);
        }

        @Override
        public void release() {
          lease.release(process);
        }
      };
    }
  }

  private static final class SharedCell<T> implements PoolStateStore.Cell<T> {
    private final AtomicReference<T> value;

    SharedCell(T initial) {
      this.value = new AtomicReference<>(initial);
    }

    @Override
    public T get() {
      return value.get();
    }

    @Override
    public boolean compareAndSet(T expect, T update) {
      return value.compareAndSet(expect, update);
    }
  }
}
