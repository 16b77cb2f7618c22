package dev.spillway.spi;

import dev.spillway.CircuitState;
import dev.spillway.CoolDownReason;

/**
 * Where the state that a fleet of processes could share is kept: route cool-downs, backend circuits
 * and the admission ledger. The engine reads the cells on every pick, so they must be cheap,
 * thread-safe and non-blocking. The default keeps them in memory ({@link #inMemory()}).
 *
 * <p>Instants in the records are wall-clock epoch milliseconds from the pool's injected {@link
 * java.time.Clock} ({@code BackendPool.Builder.clock}), so processes whose clocks agree can share
 * them; {@link Long#MIN_VALUE} means "none". The engine measures intervals with its own ticker: it
 * translates a record's instant to its ticker once, when it first sees that record, so a shared
 * store only has to keep the values.
 */
public interface PoolStateStore {

  /**
   * A new in-memory store: state private to this pool.
   *
   * @return the store
   */
  static PoolStateStore inMemory() {
    return new InMemoryPoolStateStore();
  }

  /**
   * The cool-down cell of a route. Called once per route when the pool is built.
   *
   * @param backendId the backend
   * @param deployment the deployment
   * @return the cell, initially holding {@link CoolDown#NONE}
   */
  Cell<CoolDown> coolDown(String backendId, String deployment);

  /**
   * The circuit cell of a backend. Called once per backend when the pool is built.
   *
   * @param backendId the backend
   * @return the cell, initially holding {@link Circuit#CLOSED}
   */
  Cell<Circuit> circuit(String backendId);

  /**
   * The admission ledger of a route: estimated tokens and requests of this pool's calls in flight.
   * Called once per route when the pool is built.
   *
   * @param backendId the backend
   * @param deployment the deployment
   * @return the ledger, initially empty
   */
  Ledger ledger(String backendId, String deployment);

  /**
   * An atomically updated value.
   *
   * @param <T> the immutable value type
   */
  interface Cell<T> {
    /**
     * @return the current value
     */
    T get();

    /**
     * Sets {@code update} if the value is still {@code expect} (by identity).
     *
     * @param expect the value read before
     * @param update the new value
     * @return whether it was set
     */
    boolean compareAndSet(T expect, T update);
  }

  /** Estimated cost of calls in flight on one route. */
  interface Ledger {
    /**
     * @return estimated tokens in flight
     */
    long tokens();

    /**
     * @return requests in flight
     */
    long requests();

    /**
     * Adds (or, with negative arguments, removes) calls in flight.
     *
     * @param tokens token delta
     * @param requests request delta
     */
    void add(long tokens, long requests);
  }

  /**
   * A route's cool-down.
   *
   * @param untilEpochMillis when the cool-down ends, epoch milliseconds ({@link Long#MIN_VALUE} for
   *     none)
   * @param consecutiveThrottles throttles since the last success
   * @param probeRequired whether the next call must be a single probe
   * @param reason why, or {@code null} for {@link #NONE}
   */
  record CoolDown(
      long untilEpochMillis,
      int consecutiveThrottles,
      boolean probeRequired,
      CoolDownReason reason) {
    /** No cool-down. */
    public static final CoolDown NONE = new CoolDown(Long.MIN_VALUE, 0, false, null);
  }

  /**
   * A backend's circuit.
   *
   * @param state the state
   * @param openUntilEpochMillis when an open circuit admits a probe, epoch milliseconds ({@link
   *     Long#MIN_VALUE} for a circuit that never opened)
   * @param openings consecutive openings (the open period doubles with each)
   * @param consecutiveFailures transient failures since the last success
   * @param authFailure whether the circuit opened for authentication (401/403)
   */
  record Circuit(
      CircuitState state,
      long openUntilEpochMillis,
      int openings,
      int consecutiveFailures,
      boolean authFailure) {
    /** A closed circuit with no failures. */
    public static final Circuit CLOSED =
        new Circuit(CircuitState.CLOSED, Long.MIN_VALUE, 0, 0, false);
  }
}
