package dev.spillway.spring;

import dev.spillway.pool.StateConfig;
import dev.spillway.pool.spi.StateStoreProvider;
import dev.spillway.redis.RedisStateStore;
import dev.spillway.redis.RedisStateStoreProvider;
import dev.spillway.spi.PoolStateStore;
import io.lettuce.core.RedisClient;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * The state store of the auto-configured pool ({@code spillway.state.*}) on the application's
 * Lettuce client: with {@code spillway.state.store: redis}, {@code spillway-redis} on the classpath
 * and one {@link RedisClient} bean (or a primary one), the {@link RedisStateStore} connects through
 * that client (its event loops and options), which the store never shuts down (the bean is created
 * before the pool, so the context closes the pool and its store first). Without such a bean the
 * store makes its own client, as {@code SpillwayPool.Builder.config} does anywhere. A {@code
 * SpillwayPoolCustomizer} that calls {@code stateStore} takes the place of either.
 */
@AutoConfiguration
// by name: a configuration class referenced directly (AutoConfigurations.of) is read by reflection
@ConditionalOnClass(
    name = {
      "dev.spillway.pool.SpillwayPool",
      "dev.spillway.redis.RedisStateStore",
      "io.lettuce.core.RedisClient"
    })
public final class SpillwayStateAutoConfiguration {

  /**
   * Creates the configured Redis store on the {@link RedisClient} bean, when there is one.
   *
   * @param client the application's client, if it has a single (or primary) one
   * @return the customizer that gives the pool the provider
   */
  @Bean
  public SpillwayPoolCustomizer spillwayRedisStateStoreClient(ObjectProvider<RedisClient> client) {
    return builder -> {
      RedisClient redisClient = client.getIfUnique();
      if (redisClient != null) {
        builder.stateStoreProvider(new OnClient(redisClient));
      }
    };
  }

  /** {@code spillway.state.store: redis} through one client of the application's. */
  private static final class OnClient implements StateStoreProvider {
    private final RedisClient client;

    OnClient(RedisClient client) {
      this.client = client;
    }

    @Override
    public String name() {
      return StateConfig.REDIS;
    }

    @Override
    public PoolStateStore create(StateConfig config, Clock clock) {
      return RedisStateStoreProvider.builder(config).clock(clock).client(client).build();
    }

    @Override
    public String toString() {
      return "StateStoreProvider[redis, the application's RedisClient]";
    }
  }
}
