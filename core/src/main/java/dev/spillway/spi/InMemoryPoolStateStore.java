package dev.spillway.spi;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Keeps pool state in this JVM. Thread-safe and lock-free. */
final class InMemoryPoolStateStore implements PoolStateStore {

  @Override
  public Cell<CoolDown> coolDown(String backendId, String deployment) {
    return new AtomicCell<>(CoolDown.NONE);
  }

  @Override
  public Cell<Circuit> circuit(String backendId) {
    return new AtomicCell<>(Circuit.CLOSED);
  }

  @Override
  public Ledger ledger(String backendId, String deployment) {
    return new AtomicLedger();
  }

  /** A cell in this JVM holding {@code initial}. */
  static <T> Cell<T> cell(T initial) {
    return new AtomicCell<>(initial);
  }

  private static final class AtomicCell<T> extends AtomicReference<T> implements Cell<T> {
    private static final long serialVersionUID = 1L;

    AtomicCell(T initial) {
      super(initial);
    }
  }

  private static final class AtomicLedger implements Ledger {
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    @Override
    public long tokens() {
      return tokens.get();
    }

    @Override
    public long requests() {
      return requests.get();
    }

    @Override
    public void add(long tokenDelta, long requestDelta) {
      tokens.addAndGet(tokenDelta);
      requests.addAndGet(requestDelta);
    }
  }
}
