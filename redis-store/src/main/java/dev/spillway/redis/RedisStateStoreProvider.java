package dev.spillway.redis;

import dev.spillway.pool.StateConfig;
import dev.spillway.pool.spi.StateStoreProvider;
import dev.spillway.spi.PoolStateStore;
import java.time.Clock;
import java.util.Objects;

/**
 * Creates a {@link RedisStateStore} for {@code spillway.state.store: redis}: registered for {@link
 * java.util.ServiceLoader}, so that a pool built from the configuration schema ({@code
 * SpillwayPool.Builder.config}) shares its state through Redis once {@code spillway-redis} is on
 * the classpath. Stateless and thread-safe.
 */
public final class RedisStateStoreProvider implements StateStoreProvider {

  /** For {@link java.util.ServiceLoader}. */
  public RedisStateStoreProvider() {}

  /**
   * @return {@value StateConfig#REDIS}
   */
  @Override
  public String name() {
    return StateConfig.REDIS;
  }

  /**
   * A connected store: {@code builder(config).clock(clock).build()}.
   *
   * @param config {@code spillway.state.*}
   * @param clock the pool's wall clock
   * @return the store
   * @throws IllegalArgumentException if the URI is not a Redis URI (named without its password)
   * @throws IllegalStateException if Redis refuses the login (named without the password)
   */
  @Override
  public PoolStateStore create(StateConfig config, Clock clock) {
    return builder(config).clock(clock).build();
  }

  /**
   * A builder holding {@code spillway.state.*}: the URI, the password, the key prefix and the
   * command timeout, for a store set up further in code (such as on the application's own Lettuce
   * client, {@link RedisStateStore.Builder#client}).
   *
   * @param config {@code spillway.state.*} with {@code store: redis}
   * @return the builder
   * @throws IllegalArgumentException if the configuration's store is not {@code redis}
   */
  public static RedisStateStore.Builder builder(StateConfig config) {
    Objects.requireNonNull(config, "'config' cannot be null.");
    if (!StateConfig.REDIS.equals(config.store())) {
      throw new IllegalArgumentException(
          "spillway.state.store is " + config.store() + ", not " + StateConfig.REDIS);
    }
    RedisStateStore.Builder builder =
        RedisStateStore.builder(config.uri())
            .keyPrefix(config.keyPrefix())
            .commandTimeout(config.commandTimeout());
    if (config.password() != null) {
      builder.password(config.password().toCharArray());
    }
    return builder;
  }
}
