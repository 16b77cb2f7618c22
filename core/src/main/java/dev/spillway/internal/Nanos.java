package dev.spillway.internal;

/** Saturating arithmetic on nanosecond durations and ticker instants. */
final class Nanos {
  private Nanos() {}

  /** {@code instant + duration}, saturating instead of overflowing (either way). */
  static long plus(long instant, long duration) {
    long sum = instant + duration;
    if (((instant ^ sum) & (duration ^ sum)) < 0) {
      return duration < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }

  /** {@code base × 2^doublings}, at most {@code base × maxFactor}, saturating. */
  static long doubled(long base, int doublings, long maxFactor) {
    long factor = Math.min(maxFactor, 1L << Math.min(Math.max(doublings, 0), 30));
    return base > Long.MAX_VALUE / factor ? Long.MAX_VALUE : base * factor;
  }
}
