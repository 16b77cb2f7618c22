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
 * @param consumers every consumer met so far (declared ones first, in configuration order, then
 *     undeclared ids whose state is still kept, by id): chargeback counters and limits' state
 */
public record PoolSnapshot(
    Instant takenAt, List<BackendSnapshot> backends, List<ConsumerSnapshot> consumers) {

  /** Copies the lists. */
  public PoolSnapshot {
    backends = List.copyOf(backends);
    consumers = consumers == null ? List.of() : List.copyOf(consumers);
  }

  /**
   * A snapshot without consumers.
   *
   * @param takenAt when the snapshot was taken
   * @param backends the backends
   */
  public PoolSnapshot(Instant takenAt, List<BackendSnapshot> backends) {
    this(takenAt, backends, List.of());
  }

  /**
   * The consumer with this id.
   *
   * @param id the consumer id
   * @return its snapshot
   * @throws NoSuchElementException if the pool has met no such consumer
   */
  public ConsumerSnapshot consumer(String id) {
    return consumers.stream()
        .filter(c -> c.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no consumer '" + id + "' in the pool"));
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
