package dev.spillway;

import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The state of every backend and route of a pool at a point in time, with cumulative counters.
 *
 * <p>Immutable and thread-safe.
 *
 * @param takenAt when the snapshot was taken
 * @param backends the backends, in configuration order
 */
public record PoolSnapshot(Instant takenAt, List<BackendSnapshot> backends) {

  /** Copies the backends. */
  public PoolSnapshot {
    backends = List.copyOf(backends);
  }

  /**
   * The backend with this id.
   *
   * @param id the backend id
   * @return the backend's snapshot
   * @throws NoSuchElementException if the pool has no such backend
   */
  public BackendSnapshot backend(String id) {
    return backends.stream()
        .filter(b -> b.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no backend '" + id + "' in the pool"));
  }
}
