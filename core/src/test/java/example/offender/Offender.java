package example.offender;

import dev.spillway.internal.RandomSource;

/** A class outside core that reaches into core's internals: what the boundary rule must catch. */
public final class Offender {
  private Offender() {}

  /**
   * Uses an internal type.
   *
   * @return a random source
   */
  public static RandomSource source() {
    return RandomSource.threadLocal();
  }
}
