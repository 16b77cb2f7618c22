package dev.spillway.internal;

import dev.spillway.Backend;
import dev.spillway.CircuitState;
import dev.spillway.PoolSettings;
import dev.spillway.spi.PoolStateStore.Cell;
import dev.spillway.spi.PoolStateStore.Circuit;
import dev.spillway.spi.PoolStateStore.ProbeLease;
import java.time.Clock;

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
 * comes as often; traffic returns within one such interval of the backend's recovery. Nor does such
 * a probe hold the traffic back for the whole of its exchange: a refusal comes within a connect, so
 * a probe this process sent after refusals that has not failed within one refusal interval has got
 * its connection, and the circuit closes then (a backend that accepts and then fails opens it again
 * by the slow-failure rule).
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
  private final TimedCell<Circuit> circuit;

  /** The circuit's cell itself, read alone while the backend is at rest. */
  private final Cell<Circuit> circuitCell;

  private final long breakNanos;
  private final long authBreakNanos;
  private final long refusalProbeNanos;
  private final PoolEvents events;
  private final ProbeLease probeLease;
  private final long probeHoldMillis;
  private volatile boolean enabled = true;

  /** The open-until of the circuit this process last opened by a refusal, or {@link #NONE}. */
  private volatile long refusalOpenUntilNanos = NONE;

  /** When this process's probe after refusals has been out a refusal interval, or {@link #NONE}. */
  private volatile long refusalProbeGraceNanos = NONE;

  private static final long NONE = Long.MIN_VALUE;

  BackendRuntime(
      Backend backend,
      Cell<Circuit> circuit,
      ProbeLease probeLease,
      PoolSettings settings,
      Clock clock,
      long nowNanos,
      PoolEvents events) {
    this.backend = backend;
    this.circuit = new TimedCell<>(circuit, Circuit::openUntilEpochMillis, clock, nowNanos);
    this.circuitCell = circuit;
    this.probeLease = probeLease;
    this.probeHoldMillis = probeHoldMillis(settings);
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

  /** The circuit, with the end of its open period on the ticker. */
  TimedCell.Seen<Circuit> circuit(long nowNanos) {
    return circuit.get(nowNanos);
  }

  /**
   * How long a probe's lease is held at most: the longest attempt, plus a second. A fleet waits
   * that long for a process that won the lease and died.
   */
  static long probeHoldMillis(PoolSettings settings) {
    return Math.max(
            settings.attemptTimeout().toMillis(), settings.streamAttemptTimeout().toMillis())
        + 1000;
  }

  /**
   * Nanoseconds until the circuit admits an attempt: 0 when closed or when an open period has ended
   * and this process holds the probe's lease (a probe can be claimed), the rest of the open period,
   * or {@code probeRecheckNanos} while a half-open probe is in flight or the lease is elsewhere.
   */
  long nanosUntilAdmits(long nowNanos, long probeRecheckNanos) {
    TimedCell.Seen<Circuit> c = circuit.get(nowNanos);
    CircuitState state = c.value.state();
    if (state == CircuitState.CLOSED) {
      return 0;
    }
    if (state == CircuitState.OPEN) {
      if (c.untilNanos > nowNanos) {
        return c.untilNanos - nowNanos;
      }
      return probeLease.tryAcquire(probeHoldMillis) ? 0 : probeRecheckNanos;
    }
    long grace = refusalProbeGraceNanos;
    if (grace != NONE) {
      return Math.max(0, Math.min(probeRecheckNanos, grace - nowNanos));
    }
    return probeRecheckNanos;
  }

  /**
   * Whether the circuit is the closed one with no failure counted ({@link Circuit#CLOSED}, the
   * state at rest): then it admits now, and reading that takes one read of the cell.
   */
  @SuppressWarnings("ReferenceEquality") // CLOSED is a sentinel
  boolean atRest() {
    return circuitCell.get() == Circuit.CLOSED;
  }

  /**
   * Claims admission. Returns {@code 1} for a normal admission, {@code 2} when this attempt is the
   * half-open probe, {@code 0} when the circuit refuses.
   */
  int tryAdmit(long nowNanos) {
    while (true) {
      TimedCell.Seen<Circuit> seen = circuit.get(nowNanos);
      Circuit c = seen.value;
      if (c.state() == CircuitState.CLOSED) {
        return 1;
      }
      if (c.state() == CircuitState.HALF_OPEN) {
        long grace = refusalProbeGraceNanos;
        if (grace == NONE || grace - nowNanos > 0) {
          return 0;
        }
        // this process's probe after refusals got its connection: the backend is back
        if (circuit.compareAndSet(seen, Circuit.CLOSED, TimedCell.NONE)) {
          leftHalfOpen(c);
          events.onCircuitStateChange(this, CircuitState.HALF_OPEN, CircuitState.CLOSED);
          return 1;
        }
        continue;
      }
      if (seen.untilNanos > nowNanos || !probeLease.tryAcquire(probeHoldMillis)) {
        return 0;
      }
      boolean afterRefusals = seen.untilNanos == refusalOpenUntilNanos;
      if (swap(
          seen,
          CircuitState.HALF_OPEN,
          seen.untilNanos,
          c.openings(),
          c.consecutiveFailures(),
          c.authFailure(),
          nowNanos)) {
        if (afterRefusals) {
          refusalProbeGraceNanos = Nanos.plus(nowNanos, refusalProbeNanos);
        }
        events.onCircuitStateChange(this, CircuitState.OPEN, CircuitState.HALF_OPEN);
        return 2;
      }
    }
  }

  /** The backend answered (any status showing it is reachable and accepts the credential). */
  @SuppressWarnings("ReferenceEquality") // identity with the sentinel, as compareAndSet compares
  void onReachable(long nowNanos) {
    while (true) {
      TimedCell.Seen<Circuit> seen = circuit.get(nowNanos);
      Circuit c = seen.value;
      if (c == Circuit.CLOSED
          || (c.state() == CircuitState.CLOSED
              && c.consecutiveFailures() == 0
              && c.openings() == 0)) {
        return;
      }
      if (circuit.compareAndSet(seen, Circuit.CLOSED, TimedCell.NONE)) {
        leftHalfOpen(c);
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
      TimedCell.Seen<Circuit> seen = circuit.get(nowNanos);
      Circuit c = seen.value;
      int failures = c.consecutiveFailures() + 1;
      CircuitState next;
      boolean swapped;
      if (c.state() == CircuitState.OPEN) {
        return; // already open; failures of attempts begun before it opened change nothing
      } else if (c.state() == CircuitState.HALF_OPEN || failures >= FAILURE_THRESHOLD) {
        int openings = c.authFailure() ? 0 : c.openings();
        next = CircuitState.OPEN;
        long refusalUntil = Nanos.plus(nowNanos, refusalProbeNanos);
        swapped =
            refused
                ? swap(seen, next, refusalUntil, openings, failures, false, nowNanos)
                : open(seen, openings, breakNanos, BREAK_MAX_FACTOR, false, failures, nowNanos);
        if (swapped) {
          refusalOpenUntilNanos = refused ? refusalUntil : NONE;
        }
      } else {
        next = CircuitState.CLOSED;
        swapped =
            swap(seen, next, seen.untilNanos, c.openings(), failures, c.authFailure(), nowNanos);
      }
      if (swapped) {
        if (next != c.state()) {
          events.onCircuitStateChange(this, c.state(), next);
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
      TimedCell.Seen<Circuit> seen = circuit.get(nowNanos);
      Circuit c = seen.value;
      if (c.state() == CircuitState.OPEN && c.authFailure()) {
        return false;
      }
      int openings = c.authFailure() ? c.openings() : 0;
      if (open(
          seen,
          openings,
          authBreakNanos,
          AUTH_BREAK_MAX_FACTOR,
          true,
          c.consecutiveFailures(),
          nowNanos)) {
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
      TimedCell.Seen<Circuit> seen = circuit.get(nowNanos);
      Circuit c = seen.value;
      if (c.state() != CircuitState.HALF_OPEN) {
        return;
      }
      if (swap(
          seen,
          CircuitState.OPEN,
          nowNanos,
          c.openings(),
          c.consecutiveFailures(),
          c.authFailure(),
          nowNanos)) {
        events.onCircuitStateChange(this, CircuitState.HALF_OPEN, CircuitState.OPEN);
        return;
      }
    }
  }

  /** Opens the circuit for {@code base × 2^openings}, at most {@code base × maxFactor}. */
  private boolean open(
      TimedCell.Seen<Circuit> seen,
      int openings,
      long baseNanos,
      int maxFactor,
      boolean auth,
      int failures,
      long nowNanos) {
    long duration = Nanos.doubled(baseNanos, openings, maxFactor);
    return swap(
        seen,
        CircuitState.OPEN,
        Nanos.plus(nowNanos, duration),
        openings + 1,
        failures,
        auth,
        nowNanos);
  }

  /** Sets the circuit if it is still {@code seen}; {@code untilNanos} is its open-until. */
  private boolean swap(
      TimedCell.Seen<Circuit> seen,
      CircuitState state,
      long untilNanos,
      int openings,
      int failures,
      boolean auth,
      long nowNanos) {
    Circuit next =
        new Circuit(
            state, circuit.epochMillis(seen, untilNanos, nowNanos), openings, failures, auth);
    if (!circuit.compareAndSet(seen, next, untilNanos)) {
      return false;
    }
    if (state != CircuitState.HALF_OPEN) {
      leftHalfOpen(seen.value);
    }
    return true;
  }

  /** A transition away from {@code previous}: a half-open probe has told, its lease goes back. */
  private void leftHalfOpen(Circuit previous) {
    if (previous.state() == CircuitState.HALF_OPEN) {
      refusalProbeGraceNanos = NONE;
      probeLease.release();
    }
  }
}
