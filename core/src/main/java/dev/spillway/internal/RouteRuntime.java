package dev.spillway.internal;

import dev.spillway.CoolDownReason;
import dev.spillway.Deployment;
import dev.spillway.spi.PoolStateStore.Cell;
import dev.spillway.spi.PoolStateStore.CoolDown;
import dev.spillway.spi.PoolStateStore.Ledger;
import dev.spillway.spi.PoolStateStore.ProbeLease;
import dev.spillway.spi.PoolStateStore.QuotaReport;
import dev.spillway.spi.ResponseHeaders;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live state of one route (a deployment on a backend): cool-down with its single probe, latency
 * estimate, outstanding attempts, quota memory, admission ledger and counters. About 320 lines:
 * every outcome's effect on the route (the outcome table's route column) is here, beside the state
 * it changes.
 *
 * <p>Thread-safe; the availability check is lock-free and allocation-free.
 */
final class RouteRuntime {
  /** Wait used while another call's probe decides whether a route is back: short, re-checked. */
  static final long PROBE_RECHECK_NANOS = 50_000_000L;

  /** Latency floor of a penalty sample, so an instant failure still costs something. */
  static final long PENALTY_FLOOR_NANOS = 1_000_000L;

  static final long NEVER = Long.MAX_VALUE;

  /** The fallback cool-down, 1 s by default, doubles per consecutive throttle up to 60 s. */
  static final int FALLBACK_MAX_FACTOR = 60;

  /** Claim flags returned by {@link #tryClaim}. */
  static final int CLAIMED = 1;

  static final int ROUTE_PROBE = 2;
  static final int CIRCUIT_PROBE = 4;
  static final int HOLD_PROBE = 8;

  /**
   * An estimate (remembered quota, PTU utilization, the ledger) holds a route back for at most the
   * quota window / 12 (5 s with the 60 s window) before one probe goes to the server: an estimate
   * may hold a route back, only the server's answer can shut it.
   */
  static final int ESTIMATE_HOLD_DIVISOR = 12;

  /** An attempt this many times its route's success latency old is late for the route itself. */
  static final double LATE_FACTOR = 1.5;

  private static final long NOT_HELD = Long.MIN_VALUE;

  final BackendRuntime backend;
  final Deployment deployment;
  final int tier;
  final double weight;
  final PeakEwma ewma;
  final QuotaMemory quota;
  private final RequestPacer pacer;

  /** Cap of a latency penalty before the route's first success: the attempt timeout. */
  private final long penaltyCapNanos;

  final AtomicInteger outstanding = new AtomicInteger();
  final LongAdder attempts = new LongAdder();
  final LongAdder successes = new LongAdder();
  final LongAdder throttled = new LongAdder();
  final LongAdder failures = new LongAdder();
  final LongAdder callerErrors = new LongAdder();
  final LongAdder inputTokens = new LongAdder();
  final LongAdder outputTokens = new LongAdder();
  private final TimedCell<CoolDown> coolDown;

  /** The cool-down's cell itself, read alone while the route is at rest. */
  private final Cell<CoolDown> coolDownCell;

  private final Ledger ledger;
  private final AtomicBoolean probeInFlight = new AtomicBoolean();
  private final long holdBoundNanos;

  /** When the current estimate hold began, or {@link #NOT_HELD}. */
  private final AtomicLong heldSinceNanos = new AtomicLong(NOT_HELD);

  /** When the last probe past an estimate hold ended. */
  private final AtomicLong holdProbedNanos = new AtomicLong(NOT_HELD);

  private final AtomicBoolean holdProbeInFlight = new AtomicBoolean();

  /** This pool's claim count ({@link QuotaMemory#claimed}) of the latest attempt that cooled it. */
  private final AtomicLong coolingMark = new AtomicLong(Long.MIN_VALUE);

  /** The cool-down this pool last applied, to tell it from one another process applied. */
  private volatile CoolDown ownCoolDown;

  /** The fleet's right to the probe after a cool-down (always granted in one process). */
  private final ProbeLease probeLease;

  private final long probeHoldMillis;
  private final PoolEvents events;

  /** The wait queue of the route's model, woken when a claim is given back; set once, at build. */
  WaitQueue queue;

  RouteRuntime(
      BackendRuntime backend,
      Deployment deployment,
      Cell<CoolDown> coolDown,
      Cell<QuotaReport> quotaReport,
      ProbeLease probeLease,
      long probeHoldMillis,
      Ledger ledger,
      long ewmaDecayNanos,
      long quotaWindowNanos,
      long penaltyCapNanos,
      Clock clock,
      long nowNanos,
      PoolEvents events) {
    this.backend = backend;
    this.deployment = deployment;
    this.tier = backend.backend.tier();
    this.weight = backend.backend.weight();
    this.coolDown = new TimedCell<>(coolDown, CoolDown::untilEpochMillis, clock, nowNanos);
    this.coolDownCell = coolDown;
    this.probeLease = probeLease;
    this.probeHoldMillis = probeHoldMillis;
    this.ledger = ledger;
    this.ewma = new PeakEwma(ewmaDecayNanos);
    this.quota = new QuotaMemory(deployment, quotaWindowNanos, quotaReport, clock, nowNanos);
    this.holdBoundNanos = quotaWindowNanos / ESTIMATE_HOLD_DIVISOR;
    this.penaltyCapNanos = penaltyCapNanos;
    this.pacer =
        deployment.ptu()
            ? RequestPacer.NONE
            : RequestPacer.forRpm(deployment.rpm(), quotaWindowNanos);
    this.events = events;
  }

  String backendId() {
    return backend.id();
  }

  /** The cool-down, with its end on the ticker. */
  TimedCell.Seen<CoolDown> coolDown(long nowNanos) {
    return coolDown.get(nowNanos);
  }

  Ledger ledger() {
    return ledger;
  }

  /**
   * Nanoseconds until this route can take a call of {@code cost} tokens: 0 when it can now, {@link
   * #NEVER} when its backend is disabled.
   */
  long nanosUntilAvailable(long cost, long nowNanos) {
    return nanosUntilAvailable(cost, 0.0, nowNanos);
  }

  /**
   * As {@link #nanosUntilAvailable(long, long)} for a call that leaves {@code reserve} of a PTU
   * route's capacity to others (a batch call). Such a call never probes past an estimate: the
   * estimate is the reserve's guard, and only interactive calls probe.
   */
  @SuppressWarnings("ReferenceEquality") // NONE is a sentinel
  long nanosUntilAvailable(long cost, double reserve, long nowNanos) {
    if (!backend.enabled()) {
      return NEVER;
    }
    // At rest (no cool-down ever applied or one cleared, the circuit closed without failures)
    // neither holds the route back, and knowing so takes no instant and no probe lease.
    if (coolDownCell.get() != CoolDown.NONE || !backend.atRest()) {
      long wait = coolDownWait(nowNanos);
      if (wait > 0) {
        return wait;
      }
    }
    long estimate =
        reserve > 0.0 && deployment.ptu()
            ? quota.nanosUntilAdmits(cost, reserve, ledger, nowNanos)
            : estimateWait(cost, nowNanos);
    if (pacer == RequestPacer.NONE) {
      return estimate; // no request limit: no windows to share, no ledger call
    }
    return Math.max(pacer.nanosUntilFree(nowNanos, ledger.processes()), estimate);
  }

  /** The wait of the cool-down and its probe, and of the backend's circuit. */
  private long coolDownWait(long nowNanos) {
    TimedCell.Seen<CoolDown> c = coolDown.get(nowNanos);
    long wait = c.untilNanos > nowNanos ? c.untilNanos - nowNanos : 0;
    if (c.value.probeRequired()) {
      if (probeInFlight.get()) {
        wait = Math.max(wait, PROBE_RECHECK_NANOS);
      } else if (wait == 0 && !probeLease.tryAcquire(probeHoldMillis)) {
        wait = PROBE_RECHECK_NANOS; // the fleet's probe is another process's, or being asked for
      }
    }
    return Math.max(wait, backend.nanosUntilAdmits(nowNanos, PROBE_RECHECK_NANOS));
  }

  /** The quota estimate's wait, bounded by {@link #ESTIMATE_HOLD_DIVISOR}: then one probe goes. */
  private long estimateWait(long cost, long nowNanos) {
    long wait = quota.nanosUntilAdmits(cost, ledger, nowNanos);
    if (wait <= 0) {
      if (heldSinceNanos.get() != NOT_HELD) {
        heldSinceNanos.set(NOT_HELD);
      }
      return 0;
    }
    heldSinceNanos.compareAndSet(NOT_HELD, nowNanos);
    long from = Math.max(heldSinceNanos.get(), holdProbedNanos.get());
    long left = from + holdBoundNanos - nowNanos;
    if (left > 0) {
      return Math.min(wait, left);
    }
    return holdProbeInFlight.get() ? PROBE_RECHECK_NANOS : 0;
  }

  /** Whether an estimate has held this route back for longer than its bound. */
  boolean heldBeyondBound(long nowNanos) {
    long since = heldSinceNanos.get();
    return since != NOT_HELD && nowNanos - since > holdBoundNanos;
  }

  /**
   * Claims the route for one attempt: the circuit's admission, and the single probe after a
   * cool-down. Returns 0 when another call got there first, else {@link #CLAIMED} with the probe
   * flags. On success the attempt counts as outstanding, its cost is on the ledger and {@code
   * marks} holds the route's send counts including it (see {@link QuotaMemory#claimed}).
   */
  int tryClaim(long cost, long nowNanos, long[] marks) {
    int admitted = backend.tryAdmit(nowNanos);
    if (admitted == 0) {
      return 0;
    }
    int flags = CLAIMED | (admitted == 2 ? CIRCUIT_PROBE : 0);
    if (coolDown.get(nowNanos).value.probeRequired()) {
      if (!probeLease.tryAcquire(probeHoldMillis) || !probeInFlight.compareAndSet(false, true)) {
        if ((flags & CIRCUIT_PROBE) != 0) {
          backend.onProbeAbandoned(nowNanos);
        }
        return 0;
      }
      flags |= ROUTE_PROBE;
    }
    if (quota.nanosUntilAdmits(cost, ledger, nowNanos) > 0) {
      // chosen although an estimate holds it: its bound has passed, this is the one probe
      if (!holdProbeInFlight.compareAndSet(false, true)) {
        releaseProbe(flags, nowNanos);
        if ((flags & CIRCUIT_PROBE) != 0) {
          backend.onProbeAbandoned(nowNanos);
        }
        return 0;
      }
      flags |= HOLD_PROBE;
    }
    // last, so that a claim given up for another reason never takes a place of a window
    if (!pacer.tryRecord(nowNanos, ledger.processes())) {
      // another call took this process's last request of a window since the pick; a hold probe
      // given up this way was never sent, so the next one is not put off by a bound
      if ((flags & HOLD_PROBE) != 0) {
        holdProbeInFlight.set(false);
      }
      onCancelled(flags & ~HOLD_PROBE, nowNanos);
      return 0;
    }
    outstanding.incrementAndGet();
    ledger.add(cost, 1);
    quota.claimed(cost, ledger, marks);
    attempts.increment();
    return flags;
  }

  /** Ends what {@link #tryClaim} started: outstanding and ledger. */
  void release(long cost) {
    outstanding.decrementAndGet();
    ledger.add(-cost, -1);
    quota.released(cost);
    WaitQueue q = queue;
    if (q != null) {
      q.signal();
    }
  }

  void onSuccess(
      long latencyNanos, ResponseHeaders headers, InFlightAttempt attempt, long nowNanos) {
    int flags = attempt.claimFlags;
    successes.increment();
    ewma.observe(latencyNanos, nowNanos);
    quota.update(headers, attempt.marks, ledger, nowNanos);
    clearCoolDown(flags, attempt.marks[1], nowNanos);
    releaseProbe(flags, nowNanos);
    backend.onReachable(nowNanos);
  }

  void onCallerError(ResponseHeaders headers, InFlightAttempt attempt, long nowNanos) {
    int flags = attempt.claimFlags;
    callerErrors.increment();
    quota.update(headers, attempt.marks, ledger, nowNanos);
    clearCoolDown(flags, attempt.marks[1], nowNanos);
    releaseProbe(flags, nowNanos);
    backend.onReachable(nowNanos);
  }

  /**
   * A throttle: cools the route down for the server's hint, or, without one, for the fallback
   * doubling per consecutive throttle. Returns the cool-down applied.
   */
  long onThrottled(
      long latencyNanos,
      ResponseHeaders headers,
      long hintNanos,
      long fallbackNanos,
      InFlightAttempt attempt,
      long nowNanos) {
    int flags = attempt.claimFlags;
    throttled.increment();
    quota.update(headers, attempt.marks, ledger, nowNanos);
    ewma.penalize(latencyNanos, PENALTY_FLOOR_NANOS, penaltyCapNanos, nowNanos);
    long applied =
        coolDownFor(hintNanos, fallbackNanos, CoolDownReason.THROTTLED, attempt.marks[1], nowNanos)
            .nanos();
    releaseProbe(flags, nowNanos);
    backend.onReachable(nowNanos);
    return applied;
  }

  /**
   * An attempt has run {@code ageNanos} without an answer, past its hedge delay. Late for this
   * route itself (at least {@value #LATE_FACTOR} times its own success latency, which sits near the
   * top of its latencies): the route has turned slow, and its estimate takes a penalty as for a
   * failure, doubling with each such attempt (capped as penalties are). Late only against a faster
   * route of its tier: the estimate rises to the age, a lower bound, so a route that is always
   * slower is not pushed further away for being itself.
   */
  void onLate(long ageNanos, long nowNanos) {
    double own = ewma.successEstimate();
    if (own > 0 && ageNanos >= LATE_FACTOR * own) {
      ewma.penalize(ageNanos, PENALTY_FLOOR_NANOS, penaltyCapNanos, nowNanos);
    } else {
      ewma.raise(ageNanos, nowNanos);
    }
  }

  /**
   * A misconfigured deployment: the route cools down. Whether this call started the cool-down is
   * decided by the same compare-and-set that applies it, so of concurrent calls meeting the fault
   * exactly one is told it started it.
   */
  CoolDownApplied onMisconfigured(long coolDownNanos, int flags, long nowNanos) {
    failures.increment();
    CoolDownApplied applied =
        coolDownFor(
            coolDownNanos, coolDownNanos, CoolDownReason.MISCONFIGURED, Long.MAX_VALUE, nowNanos);
    releaseProbe(flags, nowNanos);
    backend.onReachable(nowNanos);
    return applied;
  }

  /** Returns whether this failure opened the backend's circuit. */
  boolean onBackendMisconfigured(int flags, long nowNanos) {
    failures.increment();
    releaseProbe(flags, nowNanos);
    return backend.onAuthFailure(nowNanos);
  }

  /**
   * A 401 to a credential renewed since the attempt left: a failure of the attempt, but neither the
   * route nor the backend is at fault, so no cool-down, penalty or circuit change; a circuit probe
   * it was counts as abandoned.
   */
  void onRenewedCredential(int flags, long nowNanos) {
    failures.increment();
    onCancelled(flags, nowNanos);
  }

  void onTransientFailure(long latencyNanos, int flags, long nowNanos, boolean refused) {
    failures.increment();
    ewma.penalize(latencyNanos, PENALTY_FLOOR_NANOS, penaltyCapNanos, nowNanos);
    releaseProbe(flags, nowNanos);
    backend.onTransientFailure(nowNanos, refused);
  }

  void onCancelled(int flags, long nowNanos) {
    releaseProbe(flags, nowNanos);
    if ((flags & CIRCUIT_PROBE) != 0) {
      backend.onProbeAbandoned(nowNanos);
    }
  }

  /** A cool-down applied: for how long, and whether it took the route out of availability. */
  record CoolDownApplied(long nanos, boolean started) {}

  /**
   * Applies a cool-down; {@code claimMark} is this pool's claim count of the attempt whose answer
   * caused it ({@link Long#MAX_VALUE} when no attempt claimed later may end it).
   */
  private CoolDownApplied coolDownFor(
      long hintNanos, long fallbackNanos, CoolDownReason reason, long claimMark, long nowNanos) {
    while (true) {
      TimedCell.Seen<CoolDown> c = coolDown.get(nowNanos);
      int throttles = c.value.consecutiveThrottles();
      long duration = hintNanos >= 0 ? hintNanos : fallback(fallbackNanos, throttles);
      long until = Math.max(c.untilNanos, Nanos.plus(nowNanos, duration));
      CoolDown next =
          new CoolDown(coolDown.epochMillis(c, until, nowNanos), throttles + 1, true, reason);
      if (coolDown.compareAndSet(c, next, until)) {
        coolingMark.accumulateAndGet(claimMark, Math::max);
        ownCoolDown = next;
        boolean started = c.untilNanos <= nowNanos;
        events.onCoolDown(this, duration, reason, started);
        return new CoolDownApplied(duration, started);
      }
    }
  }

  private static long fallback(long baseNanos, int consecutive) {
    return Nanos.doubled(baseNanos, consecutive, FALLBACK_MAX_FACTOR);
  }

  /**
   * A response the service admitted ends a cool-down if its attempt was the route's probe, or was
   * claimed after the attempt whose answer cooled the route down here: the service admitted a later
   * request than the one it refused. Any other was claimed before the throttle (here, or in another
   * process of a fleet, whose cool-downs only their probe ends) and says nothing of the route
   * since. {@code claimMark} is the attempt's claim count in this pool.
   */
  @SuppressWarnings("ReferenceEquality") // identity with the sentinel, as compareAndSet compares
  private void clearCoolDown(int flags, long claimMark, long nowNanos) {
    while (true) {
      TimedCell.Seen<CoolDown> seen = coolDown.get(nowNanos);
      CoolDown c = seen.value;
      if (c == CoolDown.NONE || (!c.probeRequired() && c.consecutiveThrottles() == 0)) {
        return;
      }
      if ((flags & ROUTE_PROBE) == 0 && (c != ownCoolDown || claimMark <= coolingMark.get())) {
        return;
      }
      if (coolDown.compareAndSet(seen, CoolDown.NONE, TimedCell.NONE)) {
        return;
      }
    }
  }

  private void releaseProbe(int flags, long nowNanos) {
    if ((flags & ROUTE_PROBE) != 0) {
      probeInFlight.set(false);
      probeLease.release();
    }
    if ((flags & HOLD_PROBE) != 0) {
      holdProbedNanos.set(nowNanos);
      holdProbeInFlight.set(false);
    }
  }
}
