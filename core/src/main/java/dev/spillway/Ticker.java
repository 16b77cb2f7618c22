package dev.spillway;

/**
 * A source of monotonic nanoseconds, injected so tests can drive time.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {

  /**
   * Nanoseconds from an arbitrary origin, never decreasing.
   *
   * @return the current reading
   */
  long read();

  /**
   * {@link System#nanoTime()}.
   *
   * @return the system ticker
   */
  static Ticker system() {
    return System::nanoTime;
  }
}
