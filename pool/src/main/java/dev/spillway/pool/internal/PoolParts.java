package dev.spillway.pool.internal;

import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.spi.AdapterSupport;
import java.util.Objects;
import java.util.function.Function;

/**
 * Hands a pool's {@link AdapterSupport} to adapters without a public accessor on {@link
 * SpillwayPool}: the pool registers the one way to reach it when its class initialises. Not API.
 */
public final class PoolParts {
  private static volatile Function<SpillwayPool, AdapterSupport> access;

  private PoolParts() {}

  /**
   * Called once, by {@link SpillwayPool}'s static initialiser.
   *
   * @param supportOf reads a pool's support
   * @throws IllegalStateException if called twice
   */
  public static synchronized void register(Function<SpillwayPool, AdapterSupport> supportOf) {
    if (access != null) {
      throw new IllegalStateException("the pool's adapter support is registered once");
    }
    access = Objects.requireNonNull(supportOf);
  }

  /**
   * The support of a pool.
   *
   * @param pool the pool; its class is initialised, since it exists
   * @return its support
   */
  public static AdapterSupport of(SpillwayPool pool) {
    return access.apply(pool);
  }
}
