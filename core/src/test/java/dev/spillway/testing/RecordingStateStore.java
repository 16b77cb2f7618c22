package dev.spillway.testing;

import dev.spillway.spi.PoolStateStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory store, with every route's admission ledger kept for the test to read once calls
 * have settled. Thread-safe.
 */
public final class RecordingStateStore implements PoolStateStore {
  private final PoolStateStore delegate = PoolStateStore.inMemory();
  private final Map<String, Ledger> ledgers = new ConcurrentHashMap<>();

  @Override
  public Cell<CoolDown> coolDown(String backendId, String deployment) {
    return delegate.coolDown(backendId, deployment);
  }

  @Override
  public Cell<Circuit> circuit(String backendId) {
    return delegate.circuit(backendId);
  }

  @Override
  public Ledger ledger(String backendId, String deployment) {
    Ledger ledger = delegate.ledger(backendId, deployment);
    ledgers.put(backendId + "/" + deployment, ledger);
    return ledger;
  }

  /** The ledgers by {@code backendId/deployment}. */
  public Map<String, Ledger> ledgers() {
    return Map.copyOf(ledgers);
  }
}
