package dev.spillway.benchmarks;

import dev.spillway.spi.PoolStateStore;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link PoolStateStore} that hands every call to the store it wraps (the same cells, ledgers and
 * leases, so the pool behaves exactly as on that store) and notes each route probe the engine sends
 * after a cool-down: the engine claims a route's probe lease for the one attempt that decides
 * whether the route is back, and gives the lease back ({@link ProbeLease#release()}) when that
 * attempt's outcome is known. Each release is one probe attempt, noted with the time it ended and
 * its backend. It also notes each cool-down this pool cleared before its end (a success or a caller
 * error on the route replaces a running cool-down with none), the event that lets traffic back onto
 * a route early. Thread-safe.
 */
final class ProbeCountingStore implements PoolStateStore {
  /**
   * One route probe (or early clearing): when its outcome released the lease ({@code
   * System.nanoTime()}), where.
   */
  record Probe(long endedNanos, String backendId, int pool) {}

  private final PoolStateStore delegate;
  private final Queue<Probe> probes;
  private final Queue<Probe> clearedEarly;
  private final int pool;

  /**
   * @param delegate the store the pool really uses
   * @param probes where probes are noted (shared by the pools of a fleet)
   * @param clearedEarly where cool-downs cleared before their end are noted
   * @param pool this pool's index in the fleet
   */
  ProbeCountingStore(
      PoolStateStore delegate, Queue<Probe> probes, Queue<Probe> clearedEarly, int pool) {
    this.delegate = delegate;
    this.probes = probes;
    this.clearedEarly = clearedEarly;
    this.pool = pool;
  }

  static Queue<Probe> newLog() {
    return new ConcurrentLinkedQueue<>();
  }

  @Override
  public Cell<CoolDown> coolDown(String backendId, String deployment) {
    Cell<CoolDown> cell = delegate.coolDown(backendId, deployment);
    return new Cell<>() {
      @Override
      public CoolDown get() {
        return cell.get();
      }

      @Override
      public boolean compareAndSet(CoolDown expect, CoolDown update) {
        boolean set = cell.compareAndSet(expect, update);
        if (set
            && CoolDown.NONE.equals(update)
            && expect.untilEpochMillis() > System.currentTimeMillis()) {
          clearedEarly.add(new Probe(System.nanoTime(), backendId, pool));
        }
        return set;
      }
    };
  }

  @Override
  public Cell<Circuit> circuit(String backendId) {
    return delegate.circuit(backendId);
  }

  @Override
  public Ledger ledger(String backendId, String deployment) {
    return delegate.ledger(backendId, deployment);
  }

  @Override
  public ConsumerLedger consumerLedger(String consumerId) {
    return delegate.consumerLedger(consumerId);
  }

  @Override
  public ProbeLease routeProbe(String backendId, String deployment) {
    ProbeLease lease = delegate.routeProbe(backendId, deployment);
    return new ProbeLease() {
      @Override
      public boolean tryAcquire(long holdMillis) {
        return lease.tryAcquire(holdMillis);
      }

      @Override
      public void release() {
        probes.add(new Probe(System.nanoTime(), backendId, pool));
        lease.release();
      }
    };
  }

  @Override
  public ProbeLease circuitProbe(String backendId) {
    return delegate.circuitProbe(backendId);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "ProbeCountingStore[" + delegate + "]";
  }
}
