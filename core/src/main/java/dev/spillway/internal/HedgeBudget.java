package dev.spillway.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The hedges one model's calls may still send: each call adds the settings' hedge ratio, each hedge
 * takes one, and at most {@value #BURST} are kept, so a slow backend's detection can be covered at
 * once while the hedges over time stay at the ratio. Counted in thousandths.
 *
 * <p>Thread-safe and lock-free.
 */
final class HedgeBudget {
  /** The most hedges kept for later. */
  static final int BURST = 10;

  private static final long UNIT = 1000;
  private static final long MAX = BURST * UNIT;

  private final long perCall;
  private final AtomicLong credits = new AtomicLong();

  HedgeBudget(double ratio) {
    this.perCall = Math.round(ratio * UNIT);
  }

  /** Whether calls may be hedged at all. */
  boolean enabled() {
    return perCall > 0;
  }

  /** A call started: adds its share. */
  void deposit() {
    while (true) {
      long c = credits.get();
      if (c >= MAX || credits.compareAndSet(c, Math.min(MAX, c + perCall))) {
        return;
      }
    }
  }

  /** Takes one hedge, if there is one. */
  boolean tryTake() {
    while (true) {
      long c = credits.get();
      if (c < UNIT) {
        return false;
      }
      if (credits.compareAndSet(c, c - UNIT)) {
        return true;
      }
    }
  }

  /** Gives back a hedge taken but not sent. */
  void giveBack() {
    credits.accumulateAndGet(UNIT, (c, unit) -> Math.min(MAX, c + unit));
  }
}
