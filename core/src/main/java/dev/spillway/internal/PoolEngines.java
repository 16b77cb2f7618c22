package dev.spillway.internal;

import dev.spillway.BackendPool;
import java.util.Objects;
import java.util.function.Function;

/**
 * Hands a pool's engine to {@code dev.spillway.spi.CallExecutor} without a public accessor on
 * {@link BackendPool}: the pool registers the one way to reach its engine when its class
 * initialises (the pattern of the JDK's shared secrets). Not API.
 */
public final class PoolEngines {
  private static volatile Function<BackendPool, Engine> access;

  private PoolEngines() {}

  /**
   * Called once, by {@link BackendPool}'s static initialiser.
   *
   * @param engineOf reads a pool's engine
   * @throws IllegalStateException if called twice
   */
  public static synchronized void register(Function<BackendPool, Engine> engineOf) {
    if (access != null) {
      throw new IllegalStateException("the pool's engine access is registered once");
    }
    access = Objects.requireNonNull(engineOf);
  }

  /**
   * The engine of a pool.
   *
   * @param pool the pool; its class is initialised, since it exists
   * @return its engine
   */
  public static Engine of(BackendPool pool) {
    return access.apply(pool);
  }
}
