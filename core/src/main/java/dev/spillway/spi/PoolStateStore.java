package dev.spillway.spi;

import dev.spillway.CircuitState;
import dev.spillway.CoolDownReason;
import dev.spillway.RejectionReason;

/**
 * Where the state that a fleet of processes could share is kept: route cool-downs, backend
 * circuits, the admission ledger and consumers' rate and quota counters. The engine reads the cells
 * on every pick, so they must be cheap, thread-safe and non-blocking. The default keeps them in
 * memory ({@link #inMemory()}).
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
   * The latest quota report of a route: what its last response said of its remaining tokens and
   * requests, its limits and, for a PTU, its utilization, with when. Called once per route when the
   * pool is built. The default keeps it in this JVM; a shared store lets every process start from
   * the freshest report any of them received.
   *
   * @param backendId the backend
   * @param deployment the deployment
   * @return the cell, initially holding {@link QuotaReport#NONE}
   */
  default Cell<QuotaReport> quotaReport(String backendId, String deployment) {
    return InMemoryPoolStateStore.cell(QuotaReport.NONE);
  }

  /**
   * The rate and quota counters of one consumer (docs/design.md "Consumers and priorities"). Called
   * once per consumer id when the pool first meets it, or again after an undeclared id's state
   * expired. The default keeps them in this JVM, so a store that shares nothing else need not
   * implement it.
   *
   * @param consumerId the consumer
   * @return the ledger, initially empty
   */
  default ConsumerLedger consumerLedger(String consumerId) {
    return new InMemoryConsumerLedger();
  }

  /**
   * The right to send the one probe that decides whether a route is back after a cool-down. Called
   * once per route when the pool is built. The default grants it at once: inside one process the
   * engine already lets a single call probe. A store shared by a fleet grants it to one process at
   * a time, so the fleet sends one probe.
   *
   * @param backendId the backend
   * @param deployment the deployment
   * @return the lease
   */
  default ProbeLease routeProbe(String backendId, String deployment) {
    return ProbeLease.LOCAL;
  }

  /**
   * The right to send a backend's half-open circuit probe, as {@link #routeProbe} for a route.
   * Called once per backend when the pool is built.
   *
   * @param backendId the backend
   * @return the lease
   */
  default ProbeLease circuitProbe(String backendId) {
    return ProbeLease.LOCAL;
  }

  /**
   * Called once when the pool closes: a store that writes behind flushes what is pending and
   * releases its connections. The default does nothing.
   */
  default void close() {}

  /**
   * The right to send a probe, shared by the processes of a fleet. The engine asks for it on the
   * call path, so {@link #tryAcquire} never waits: when the right is not yet known to be this
   * process's, it answers {@code false} and may start acquiring it, and the engine asks again a few
   * milliseconds later. Thread-safe.
   */
  interface ProbeLease {
    /** Always granted: the engine's own single-probe flags suffice in one process. */
    ProbeLease LOCAL =
        new ProbeLease() {
          @Override
          public boolean tryAcquire(long holdMillis) {
            return true;
          }

          @Override
          public void release() {}

          @Override
          public String toString() {
            return "ProbeLease.LOCAL";
          }
        };

    /**
     * Whether this process holds the right now. Answers {@code true} again until {@link #release}.
     *
     * @param holdMillis how long the right is held if this process gets it and never releases it
     *     (it died, or its probe hangs): the longest a probe can take
     * @return {@code true} if this process may probe
     */
    boolean tryAcquire(long holdMillis);

    /** The probe ended (or will not be sent): the right goes back to the fleet. */
    void release();
  }

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
     * Adds (or, with negative arguments, removes) calls in flight. An addition is a call sent: it
     * counts in {@link #sentTokens} and {@link #sentRequests} for good.
     *
     * @param tokens token delta
     * @param requests request delta
     */
    void add(long tokens, long requests);

    /**
     * Estimated tokens of every call ever sent on the route by the processes sharing this ledger:
     * this process's exactly, the others' as last announced, so that every process reads the same
     * sum (a process that stopped keeps its count). A quota report carries this count as its
     * reporting call's claim saw it ({@link QuotaReport#sentTokensMark}), and every reader takes
     * off what was sent since. The default, -1, means the ledger does not know the fleet's count:
     * the engine then discounts reports by this process's sends alone, and calls in flight
     * elsewhere by {@link #tokens}.
     *
     * @return the count, or -1 when unknown
     */
    default long sentTokens() {
      return -1;
    }

    /**
     * Requests of every call ever sent on the route, as {@link #sentTokens}.
     *
     * @return the count, or -1 when unknown
     */
    default long sentRequests() {
      return -1;
    }

    /**
     * An estimate of the tokens the other processes sent that {@link #sentTokens} does not count
     * yet (they have not announced them); {@link #tokens} counts them as in flight. A reader of a
     * quota report takes them off too. The default is 0: nothing goes unheard.
     *
     * @return the estimate, 0 or more
     */
    default long unheardTokens() {
      return 0;
    }

    /**
     * The requests of {@link #unheardTokens}.
     *
     * @return the estimate, 0 or more
     */
    default long unheardRequests() {
      return 0;
    }

    /**
     * The live processes sharing this ledger, this one included: each keeps to its share of the
     * request windows Azure enforces a standard deployment's RPM over. The default is 1.
     *
     * @return 1 or more
     */
    default int processes() {
      return 1;
    }
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
   * What a route's response last said of its quota ({@code x-ratelimit-remaining-*}, {@code
   * x-ratelimit-limit-*}, {@code azure-openai-deployment-utilization}); -1 (NaN for the
   * utilization) where it said nothing.
   *
   * @param remainingTokens remaining tokens
   * @param remainingRequests remaining requests
   * @param limitTokens the tokens limit
   * @param limitRequests the requests limit
   * @param utilization a PTU's utilization in percent
   * @param atEpochMillis when the response arrived, epoch milliseconds ({@link Long#MIN_VALUE} for
   *     {@link #NONE})
   * @param sentTokensMark the ledger's {@link Ledger#sentTokens} when the reporting call was
   *     claimed, its own tokens included: the remaining tokens are as the service said them, and a
   *     reader takes off what was sent since; -1 when the remaining tokens were already discounted
   *     to {@code atEpochMillis}
   * @param sentRequestsMark the same for requests ({@link Ledger#sentRequests})
   */
  record QuotaReport(
      long remainingTokens,
      long remainingRequests,
      long limitTokens,
      long limitRequests,
      double utilization,
      long atEpochMillis,
      long sentTokensMark,
      long sentRequestsMark) {
    /** No report yet. */
    public static final QuotaReport NONE =
        new QuotaReport(-1, -1, -1, -1, Double.NaN, Long.MIN_VALUE);

    /**
     * A report whose remaining counts are discounted to its instant (no send marks).
     *
     * @param remainingTokens remaining tokens
     * @param remainingRequests remaining requests
     * @param limitTokens the tokens limit
     * @param limitRequests the requests limit
     * @param utilization a PTU's utilization in percent
     * @param atEpochMillis when the response arrived, epoch milliseconds
     */
    public QuotaReport(
        long remainingTokens,
        long remainingRequests,
        long limitTokens,
        long limitRequests,
        double utilization,
        long atEpochMillis) {
      this(
          remainingTokens,
          remainingRequests,
          limitTokens,
          limitRequests,
          utilization,
          atEpochMillis,
          -1,
          -1);
    }
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

  /**
   * One consumer's tokens and requests in a rolling 60-second window, and its tokens in the current
   * quota period, with the check-and-count done atomically so that concurrent calls never overshoot
   * a limit. Instants are wall-clock epoch milliseconds.
   *
   * <p>The window is {@value #WINDOW_SECONDS} one-second buckets: a call counts from the second it
   * was admitted until {@value #WINDOW_SECONDS} seconds later, so the room it takes comes back at
   * the start of that later second.
   */
  interface ConsumerLedger {
    /** Seconds in the rolling window. */
    int WINDOW_SECONDS = 60;

    /**
     * Counts one request of {@code tokens} estimated tokens if every limit holds, else counts
     * nothing. A call larger than the whole {@code tpmLimit} is admitted only into an empty window
     * (the limit is then met by that one call, as a service judges a request larger than its quota
     * by itself).
     *
     * @param nowEpochMillis now
     * @param tokens the call's estimated tokens
     * @param tpmLimit tokens per window, or 0 for none
     * @param rpmLimit requests per window, or 0 for none
     * @param quota tokens per quota period, or 0 for none
     * @param periodStartEpochMillis the start of the current quota period (ignored without a quota)
     * @return {@link Admission#ADMITTED}, or why not and until when
     */
    Admission tryAdmit(
        long nowEpochMillis,
        long tokens,
        long tpmLimit,
        long rpmLimit,
        long quota,
        long periodStartEpochMillis);

    /**
     * Corrects an admitted call's tokens once its actual usage is known: in the window (if its
     * second is still in it) and in its quota period (if that is still the current one).
     *
     * @param admittedAtEpochMillis when the call was admitted
     * @param periodStartEpochMillis the quota period it was admitted in
     * @param tokenDelta actual minus estimated tokens
     */
    void reconcile(long admittedAtEpochMillis, long periodStartEpochMillis, long tokenDelta);

    /**
     * @param nowEpochMillis now
     * @return tokens counted in the window now
     */
    long windowTokens(long nowEpochMillis);

    /**
     * @param nowEpochMillis now
     * @return requests counted in the window now
     */
    long windowRequests(long nowEpochMillis);

    /**
     * @param periodStartEpochMillis the current quota period's start
     * @return tokens counted in that period (0 when the ledger's period is an older one)
     */
    long quotaUsed(long periodStartEpochMillis);
  }

  /**
   * The answer of {@link ConsumerLedger#tryAdmit}.
   *
   * @param reason {@code null} when admitted, else {@link RejectionReason#CONSUMER_LIMIT} or {@link
   *     RejectionReason#QUOTA_EXCEEDED}
   * @param retryAtEpochMillis when a call of the same cost would be admitted (for a quota, the
   *     period's end is the caller's to compute: {@link Long#MIN_VALUE})
   * @param used what the limit at fault had counted: tokens or requests in the window, or tokens in
   *     the period
   * @param limitName the limit at fault: {@code tpm-limit}, {@code rpm-limit} or {@code
   *     token-quota}; {@code null} when admitted
   */
  record Admission(RejectionReason reason, long retryAtEpochMillis, long used, String limitName) {
    /** Admitted. */
    public static final Admission ADMITTED = new Admission(null, Long.MIN_VALUE, 0, null);

    /**
     * @return whether the call was admitted
     */
    public boolean admitted() {
      return reason == null;
    }
  }
}
