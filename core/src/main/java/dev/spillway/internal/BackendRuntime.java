package dev.spillway.internal;

import dev.spillway.Backend;
import dev.spillway.CircuitState;
import dev.spillway.PoolSettings;
import dev.spillway.spi.PoolStateStore.Cell;
import dev.spillway.spi.PoolStateStore.Circuit;

/**
 * The live state of one backend: its circuit (authentication and connection health) and whether it
 * is enabled. The circuit is a lock-free state machine over an immutable {@link Circuit} value.
 *
 * <p>Closed: traffic flows; {@value #FAILURE_THRESHOLD} consecutive transient failures open it for
 * the break duration, doubling with each opening up to {@value #BREAK_MAX_FACTOR} times it. A
 * 401/403 opens it for the auth break duration, doubling up to {@value #AUTH_BREAK_MAX_FACTOR}
 * times. When the open period ends, one probe attempt is let through (half-open); its success
 * closes the circuit, its failure opens it again for twice as long.
 *
 * <p>A refused connection is the exception to the doubling: it costs the backend nothing and says
 * nothing about how long the outage lasts, so a circuit opened by a refusal stays open for a fixed
 * {@code 1/}{@value #REFUSAL_PROBE_DIVISOR} of the break duration (500 ms by default) and its probe
 * comes as often; traffic returns within one such interval of the backend's recovery.
 *
 * <p>Thread-safe.
 */
final class BackendRuntime {
  /** Five consecutive failures: one or two are noise on a busy network, five are a pattern. */
  static final int FAILURE_THRESHOLD = 5;

  /** 5 s doubling to 5 min with the default break duration. */
  static final int BREAK_MAX_FACTOR = 60;

  /** 5 min doubling to 1 h with the default auth break duration. */
  static final int AUTH_BREAK_MAX_FACTOR = 12;

  /** A refused connect is probed every break duration / 10: 500 ms by default. */
  static final int REFUSAL_PROBE_DIVISOR = 10;

  final Backend backend;
  private final Cell<Circuit> circuit;
  private final long breakNanos;
  private final long authBreakNanos;
  private final long refusalProbeNanos;
  private final PoolEvents events;
  private volatile boolean enabled = true;

  BackendRuntime(Backend backend, Cell<Circuit> circuit, PoolSettings settings, PoolEvents events) {
    this.backend = backend;
    this.circuit = circuit;
    this.breakNanos = settings.circuitBreakDuration().toNanos();
    this.authBreakNanos = settings.authBreakDuration().toNanos();
    this.refusalProbeNanos = breakNanos / REFUSAL_PROBE_DIVISOR;
    this.events = events;
  }

  String id() {
    return backend.id();
  }

  boolean enabled() {
    return enabled;
  }

  void enabled(boolean value) {
    enabled = value;
  }

  Circuit circuit() {
    return circuit.get();
  }

  /**
   * Nanoseconds until the circuit admits an attempt: 0 when closed or when an open period has ended
   * (a probe can be claimed), the rest of the open period, or {@code probeRecheckNanos} while a
   * half-open probe is in flight.
   */
  long nanosUntilAdmits(long nowNanos, long probeRecheckNanos) {
    Circuit c = circuit.get();
    switch (c.state()) {
      case CLOSED:
        return 0;
      case OPEN:
        return Math.max(0, c.openUntilNanos() - nowNanos);
      default:
        return probeRecheckNanos;
    }
  }

  /**
   * Claims admission. Returns {@code 1} for a normal admission, {@code 2} when this attempt is the
   * half-open probe, {@code 0} when the circuit refuses.
   */
  int tryAdmit(long nowNanos) {
    while (true) {
      Circuit c = circuit.get();
      if (c.state() == CircuitState.CLOSED) {
        return 1;
      }
      if (c.state() == CircuitState.HALF_OPEN || c.openUntilNanos() > nowNanos) {
        return 0;
      }
      Circuit probing =
          new Circuit(
              CircuitState.HALF_OPEN,
              c.openUntilNanos(),
              c.openings(),
              c.consecutiveFailures(),
              c.authFailure());
      if (circuit.compareAndSet(c, probing)) {
        events.onCircuitStateChange(this, CircuitState.OPEN, CircuitState.HALF_OPEN);
        return 2;
      }
    }
  }

  /** The backend answered (any status showing it is reachable and accepts the credential). */
  @SuppressWarnings("ReferenceEquality") // identity with the sentinel, as compareAndSet compares
  void onReachable() {
    while (true) {
      Circuit c = circuit.get();
      if (c == Circuit.CLOSED
          || (c.state() == CircuitState.CLOSED
              && c.consecutiveFailures() == 0
              && c.openings() == 0)) {
        return;
      }
      if (circuit.compareAndSet(c, Circuit.CLOSED)) {
        if (c.state() != CircuitState.CLOSED) {
          events.onCircuitStateChange(this, c.state(), CircuitState.CLOSED);
        }
        return;
      }
    }
  }

  /**
   * How long a failed connect may take and still count as a refusal: the break duration (a connect
   * that times out takes the attempt timeout or the client's connect timeout, seconds more).
   */
  long refusalMaxNanos() {
    return breakNanos;
  }

  /**
   * A transient failure: connect error, reset, timeout, 5xx. {@code refused}: a connect refused
   * within {@link #refusalMaxNanos()}, which opens the circuit for the fixed refusal interval.
   */
  void onTransientFailure(long nowNanos, boolean refused) {
    while (true) {
      Circuit c = circuit.get();
      Circuit next;
      if (c.state() == CircuitState.OPEN) {
        return; // already open; failures of attempts begun before it opened change nothing
      } else if (c.state() == CircuitState.HALF_OPEN
          || c.consecutiveFailures() + 1 >= FAILURE_THRESHOLD) {
        int openings = c.authFailure() ? 0 : c.openings();
        next =
            refused
                ? new Circuit(
                    CircuitState.OPEN,
                    Nanos.plus(nowNanos, refusalProbeNanos),
                    openings,
                    c.consecutiveFailures() + 1,
                    false)
                : open(
                    nowNanos,
                    openings,
                    breakNanos,
                    BREAK_MAX_FACTOR,
                    false,
                    c.consecutiveFailures() + 1);
      } else {
        next =
            new Circuit(
                CircuitState.CLOSED,
                c.openUntilNanos(),
                c.openings(),
                c.consecutiveFailures() + 1,
                c.authFailure());
      }
      if (circuit.compareAndSet(c, next)) {
        if (next.state() != c.state()) {
          events.onCircuitStateChange(this, c.state(), next.state());
        }
        return;
      }
    }
  }

  /**
   * A 401 or 403: the backend's credential or endpoint is wrong.
   *
   * @return whether this failure opened the circuit (false when it was already open for it)
   */
  boolean onAuthFailure(long nowNanos) {
    while (true) {
      Circuit c = circuit.get();
      if (c.state() == CircuitState.OPEN && c.authFailure()) {
        return false;
      }
      int openings = c.authFailure() ? c.openings() : 0;
      Circuit next =
          open(
              nowNanos,
              openings,
              authBreakNanos,
              AUTH_BREAK_MAX_FACTOR,
              true,
              c.consecutiveFailures());
      if (circuit.compareAndSet(c, next)) {
        if (c.state() != CircuitState.OPEN) {
          events.onCircuitStateChange(this, c.state(), CircuitState.OPEN);
          return true;
        }
        return false;
      }
    }
  }

  /** The half-open probe was cancelled before it told anything: let the next call probe. */
  void onProbeAbandoned(long nowNanos) {
    while (true) {
      Circuit c = circuit.get();
      if (c.state() != CircuitState.HALF_OPEN) {
        return;
      }
      Circuit next =
          new Circuit(
              CircuitState.OPEN, nowNanos, c.openings(), c.consecutiveFailures(), c.authFailure());
      if (circuit.compareAndSet(c, next)) {
        events.onCircuitStateChange(this, CircuitState.HALF_OPEN, CircuitState.OPEN);
        return;
      }
    }
  }

  private static Circuit open(
      long nowNanos, int openings, long baseNanos, int maxFactor, boolean auth, int failures) {
    long duration = Nanos.doubled(baseNanos, openings, maxFactor);
    return new Circuit(
        CircuitState.OPEN, Nanos.plus(nowNanos, duration), openings + 1, failures, auth);
  }
}
