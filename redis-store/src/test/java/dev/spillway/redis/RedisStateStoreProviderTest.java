package dev.spillway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.spillway.CircuitState;
import dev.spillway.pool.BackendConfig;
import dev.spillway.pool.DeploymentConfig;
import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.StateConfig;
import dev.spillway.pool.spi.StateStoreProvider;
import dev.spillway.redis.testing.RedisServer;
import dev.spillway.spi.PoolStateStore;
import dev.spillway.testing.RequiresProgram;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code spillway.state.store: redis} through the pool's {@link StateStoreProvider} SPI: found by
 * {@link ServiceLoader}, it builds a store on the configured URI, password and key prefix.
 */
@RequiresProgram(RedisServer.PROGRAM)
class RedisStateStoreProviderTest {
  private static final String SECRET = "provider-s3cret-9f";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final List<BackendConfig> BACKENDS =
      List.of(
          new BackendConfig(
              "ptu",
              "https://ptu.openai.azure.com",
              0,
              null,
              null,
              "k",
              null,
              null,
              null,
              List.of(DeploymentConfig.of("gpt-4o", "gpt-4o"))));

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  private RedisServer redis() {
    RedisServer redis = RedisServer.builder().password(SECRET).start();
    opened.add(redis);
    return redis;
  }

  @Test
  void serviceLoaderFindsTheRedisProvider() {
    assertThat(ServiceLoader.load(StateStoreProvider.class).stream().map(p -> p.get().name()))
        .containsExactly("redis");
  }

  @Test
  void aPoolFromTheConfigurationSharesItsStateOnTheConfiguredPrefixWithThePasswordGivenApart() {
    RedisServer redis = redis();
    PoolConfig config =
        PoolConfig.of(BACKENDS)
            .withState(new StateConfig("redis", redis.uri().toString(), "orders", SECRET, null));
    SpillwayPool pool = SpillwayPool.fromConfig(config);
    opened.add(pool);
    RedisStateStore other =
        RedisStateStore.builder(redis.uri().toString())
            .password(SECRET.toCharArray())
            .keyPrefix("orders")
            .build();
    opened.add(other::close);
    PoolStateStore.Circuit open =
        new PoolStateStore.Circuit(CircuitState.OPEN, 1_800_000_000_000L, 1, 3, false);

    assertThat(other.circuit("ptu").compareAndSet(PoolStateStore.Circuit.CLOSED, open)).isTrue();

    await().atMost(WAIT).until(() -> pool.snapshot().backend("ptu").circuit() == CircuitState.OPEN);
    assertThat(redis.call("HLEN", "{orders}:circuit")).isEqualTo("1");
  }

  @Test
  void aRefusedLoginFailsTheBuildWithoutThePassword() {
    RedisServer redis = redis();
    PoolConfig config =
        PoolConfig.of(BACKENDS)
            .withState(StateConfig.redis(redis.uri(null, SECRET + "-wrong").toString()));

    IllegalStateException e =
        catchThrowableOfType(IllegalStateException.class, () -> SpillwayPool.fromConfig(config));

    assertThat(e).hasMessageContaining("refused the login").hasMessageNotContaining(SECRET);
  }

  @Test
  void theBuilderRefusesAConfigurationOfAnotherStore() {
    IllegalArgumentException e =
        catchThrowableOfType(
            IllegalArgumentException.class,
            () -> RedisStateStoreProvider.builder(StateConfig.DEFAULTS));

    assertThat(e).hasMessage("spillway.state.store is memory, not redis");
  }
}
