package dev.spillway.simulator.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Simulated time: real nanoseconds from an injected ticker since the clock was made, multiplied by
 * the time scale F. Quota windows and drains run on it; delays and hints are converted back to real
 * time with {@link #toRealNanos(long)}. Thread-safe (immutable; the ticker must be thread-safe).
 */
final class SimClock {
  private final LongSupplier ticker;
  private final double timeScale;
  private final long origin;

  /**
   * Creates a clock whose simulated time is zero now.
   *
   * @param ticker real nanoseconds, e.g. {@code System::nanoTime}
   * @param timeScale the factor F
   */
  public SimClock(LongSupplier ticker, double timeScale) {
    this.ticker = ticker;
    this.timeScale = timeScale;
    this.origin = ticker.getAsLong();
  }

  /**
   * @return simulated nanoseconds since the clock was made
   */
  public long now() {
    return (long) ((ticker.getAsLong() - origin) * timeScale);
  }

  /**
   * @return the factor F
   */
  public double timeScale() {
    return timeScale;
  }

  /**
   * Converts a simulated duration into real time, rounded up.
   *
   * @param simNanos simulated nanoseconds
   * @return real nanoseconds
   */
  public long toRealNanos(long simNanos) {
    return (long) Math.ceil(simNanos / timeScale);
  }

  /**
   * Converts a simulated duration into whole real seconds, rounded up, at least 1: the form of
   * {@code Retry-After} and {@code x-ratelimit-reset-*}.
   *
   * @param simNanos simulated nanoseconds
   * @return real seconds, at least 1
   */
  public long toRealSecondsCeil(long simNanos) {
    long real = toRealNanos(simNanos);
    return Math.max(1, (real + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
  }

  /**
   * Converts a simulated duration into whole real milliseconds, rounded up, at least 1: the form of
   * {@code retry-after-ms}.
   *
   * @param simNanos simulated nanoseconds
   * @return real milliseconds, at least 1
   */
  public long toRealMillisCeil(long simNanos) {
    long real = toRealNanos(simNanos);
    return Math.max(
        1, (real + TimeUnit.MILLISECONDS.toNanos(1) - 1) / TimeUnit.MILLISECONDS.toNanos(1));
  }
}
