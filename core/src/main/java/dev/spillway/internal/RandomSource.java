package dev.spillway.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Uniform doubles in [0, 1) for selection and jitter. Thread-safe and lock-free. */
public interface RandomSource {
  double nextDouble();

  /**
   * {@link ThreadLocalRandom}: no contention, not reproducible. A double from the top 53 bits of
   * one {@code nextLong}, as {@link #seeded} makes one: half the seed updates of {@code
   * nextDouble}, which makes its double of two 32-bit draws.
   */
  static RandomSource threadLocal() {
    return () -> (ThreadLocalRandom.current().nextLong() >>> 11) * 0x1.0p-53;
  }

  /**
   * SplitMix64 over an atomic counter: reproducible for a given seed when driven from one thread,
   * still correct (and lock-free) from many.
   */
  static RandomSource seeded(long seed) {
    AtomicLong state = new AtomicLong(seed);
    return () -> {
      long z = state.addAndGet(0x9E3779B97F4A7C15L);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z = z ^ (z >>> 31);
      return (z >>> 11) * 0x1.0p-53;
    };
  }
}
