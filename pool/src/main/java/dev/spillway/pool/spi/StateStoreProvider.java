package dev.spillway.pool.spi;

import dev.spillway.pool.StateConfig;
import dev.spillway.spi.PoolStateStore;
import java.time.Clock;

/**
 * Creates the {@link PoolStateStore} that {@code spillway.state.store} names, so that the pool
 * module needs no compile dependency on a store's module. Found with {@link
 * java.util.ServiceLoader} (a store module lists its provider in {@code
 * META-INF/services/dev.spillway.pool.spi.StateStoreProvider}), or given to {@code
 * SpillwayPool.Builder.stateStoreProvider}. Implementations have a public no-argument constructor
 * and are thread-safe.
 */
public interface StateStoreProvider {

  /**
   * The value of {@code spillway.state.store} this provider serves.
   *
   * @return the name, such as {@code redis}
   */
  String name();

  /**
   * Creates a store for one pool, which owns it and closes it with itself.
   *
   * @param config the {@code spillway.state.*} configuration, whose {@code store} is {@link
   *     #name()}
   * @param clock the pool's wall clock, which the store's records' instants are read from
   * @return the store
   * @throws IllegalArgumentException if the configuration cannot be used (its message shows no
   *     password)
   * @throws IllegalStateException if the store refuses to start, such as a refused login
   */
  PoolStateStore create(StateConfig config, Clock clock);
}
