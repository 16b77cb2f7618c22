package dev.spillway.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Keeps a route's own sends within the request windows Azure enforces a standard deployment's RPM
 * over: {@code ceil(rpm / 60)} requests per second and {@code ceil(rpm / 6)} per ten seconds. No
 * header reports these windows, so without pacing a burst of spill-over earns 429s that a
 * per-minute {@code x-ratelimit-remaining-requests} never predicted.
 *
 * <p>Each window is a ring of the last N send instants: the route is full while the N-th most
 * recent send is younger than the window. A sliding window admitting N never exceeds N in any fixed
 * window either. A send is recorded only if it still fits ({@link #tryRecord}, a compare-and-set on
 * the ring's count), so calls racing for the last place of a window cannot both take it.
 *
 * <p>The windows are the deployment's, whoever sends: when {@code processes} share the route (a
 * fleet on a shared store), each keeps to its share of them, {@code size / processes} of each
 * window's requests (at least one). A burst that every process releases at once (a shared cool-down
 * ends) then stays within the windows, as it would from one process.
 *
 * <p>Thread-safe; the check is allocation-free.
 */
final class RequestPacer {
  /** A pacer that never holds a route back (no request limit configured). */
  static final RequestPacer NONE = new RequestPacer(0, 0, 0);

  private final Ring perSecond;
  private final Ring perTenSeconds;

  private RequestPacer(long rpm, long secondNanos, long tenSecondsNanos) {
    this.perSecond = rpm > 0 ? new Ring((int) Math.max(1, ceilDiv(rpm, 60)), secondNanos) : null;
    this.perTenSeconds =
        rpm > 0 ? new Ring((int) Math.max(1, ceilDiv(rpm, 6)), tenSecondsNanos) : null;
  }

  /**
   * A pacer for {@code rpm} requests per quota window.
   *
   * @param rpm the configured requests per minute, or 0 for none
   * @param quotaWindowNanos the quota window (a minute; shorter when time is compressed)
   */
  static RequestPacer forRpm(long rpm, long quotaWindowNanos) {
    return rpm <= 0 ? NONE : new RequestPacer(rpm, quotaWindowNanos / 60, quotaWindowNanos / 6);
  }

  /**
   * Nanoseconds until one more send fits this process's share of both windows when {@code
   * processes} send on the route; 0 when it fits now.
   */
  long nanosUntilFree(long nowNanos, int processes) {
    if (perSecond == null) {
      return 0;
    }
    int n = Math.max(1, processes);
    return Math.max(
        perSecond.nanosUntilFree(nowNanos, n), perTenSeconds.nanosUntilFree(nowNanos, n));
  }

  /**
   * Records a send at {@code nowNanos} if it fits this process's share of both windows, else
   * records nothing (a send that fits the first window but not the second stays counted in the
   * first: rare, and only ever holds back).
   *
   * @return whether the send may go
   */
  boolean tryRecord(long nowNanos, int processes) {
    if (perSecond == null) {
      return true;
    }
    int n = Math.max(1, processes);
    return perSecond.tryRecord(nowNanos, n) && perTenSeconds.tryRecord(nowNanos, n);
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  private static final class Ring {
    private final AtomicLongArray sends;
    private final AtomicLong count = new AtomicLong();
    private final long windowNanos;

    Ring(int size, long windowNanos) {
      this.sends = new AtomicLongArray(size);
      this.windowNanos = windowNanos;
    }

    /** While the k-th most recent send is younger than the window, k more do not fit. */
    long nanosUntilFree(long nowNanos, int processes) {
      return nanosUntilFree(count.get(), nowNanos, processes);
    }

    private long nanosUntilFree(long n, long nowNanos, int processes) {
      int size = sends.length();
      int k = Math.max(1, size / processes);
      if (n < k) {
        return 0;
      }
      // the k-th most recent send (k = size: the slot the next send overwrites)
      long kth = sends.get((int) ((n - k) % size));
      long freeAt = kth + windowNanos;
      return freeAt > nowNanos ? freeAt - nowNanos : 0;
    }

    boolean tryRecord(long nowNanos, int processes) {
      while (true) {
        long n = count.get();
        if (nanosUntilFree(n, nowNanos, processes) > 0) {
          return false;
        }
        if (count.compareAndSet(n, n + 1)) {
          sends.set((int) (n % sends.length()), nowNanos);
          return true;
        }
      }
    }
  }
}
