package dev.spillway.redis.internal;

import dev.spillway.spi.PoolStateStore.Cell;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A cell of the engine's state that the fleet shares: reads and compare-and-set are local (two
 * volatile accesses, no I/O); a local write is handed to the {@link Fleet} to write behind, and
 * writes of other instances arrive through {@link #offer}. Thread-safe.
 *
 * @param <T> the immutable value type
 */
final class SharedCell<T> implements Cell<T> {
  final RecordKind kind;
  final String field;
  private final Fleet fleet;
  private final AtomicReference<Stamped<T>> current;

  SharedCell(RecordKind kind, String field, Fleet fleet, Stamped<T> initial) {
    this.kind = kind;
    this.field = field;
    this.fleet = fleet;
    this.current = new AtomicReference<>(initial);
  }

  @Override
  public T get() {
    return current.get().value();
  }

  Stamped<T> stamped() {
    return current.get();
  }

  @Override
  @SuppressWarnings("ReferenceEquality") // the engine's cells compare by identity
  public boolean compareAndSet(T expect, T update) {
    while (true) {
      Stamped<T> seen = current.get();
      if (seen.value() != expect) {
        return false;
      }
      Stamped<T> next = new Stamped<>(update, fleet.stampMillis(seen), fleet.instanceId());
      if (current.compareAndSet(seen, next)) {
        if (kind.shared(update)) {
          fleet.written(this, next);
        }
        return true;
      }
    }
  }

  /**
   * A value written elsewhere (another instance, or the store at start): kept when it is newer than
   * the local one.
   *
   * @return whether it replaced the local value
   */
  boolean offer(Stamped<T> remote) {
    while (true) {
      Stamped<T> seen = current.get();
      if (!remote.newerThan(seen)) {
        return false;
      }
      if (current.compareAndSet(seen, remote)) {
        return true;
      }
    }
  }
}
