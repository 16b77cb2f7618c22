package dev.spillway.spring.boot3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.CircuitState;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.redis.RedisStateStore;
import dev.spillway.redis.testing.RedisServer;
import dev.spillway.spi.PoolStateStore;
import dev.spillway.spring.SpillwayAutoConfiguration;
import dev.spillway.spring.SpillwayStateAutoConfiguration;
import dev.spillway.testing.RequiresProgram;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code spillway.state.store: redis} on the Boot 3.5 line: spillway-redis, compiled against
 * Lettuce 7, runs on the Lettuce 6.6 and Netty 4.1 Boot 3.5 manages, against a real {@code
 * redis-server}: the auto-configured pool shares its state through Redis. (The shared
 * SpillwayRedisStateTest runs here too: a password, a RedisClient bean.)
 */
@RequiresProgram(RedisServer.PROGRAM)
class RedisStateOnBoot3Test {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SpillwayAutoConfiguration.class, SpillwayStateAutoConfiguration.class));
  private RedisServer redis;

  @BeforeEach
  void start() {
    redis = RedisServer.start();
  }

  @AfterEach
  void stop() {
    redis.close();
  }

  @Test
  void theClasspathHasBoot35sLettuceAndNetty() {
    assertThat(RedisClient.class.getPackage().getImplementationVersion()).startsWith("6.6.");
    assertThat(io.netty.util.Version.identify().get("netty-common").artifactVersion())
        .startsWith("4.1.");
  }

  @Test
  void thePoolSharesItsStateThroughRedis() {
    runner
        .withPropertyValues(
            "spillway.backends[0].id=a",
            "spillway.backends[0].endpoint=https://a.openai.azure.com",
            "spillway.backends[0].api-key=secret-key",
            "spillway.backends[0].deployments[0].model=gpt-4o",
            "spillway.backends[0].deployments[0].deployment=gpt-4o",
            "spillway.state.store=redis",
            "spillway.state.uri=redis://127.0.0.1:" + redis.port(),
            "spillway.state.key-prefix=boot3-fleet")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              SpillwayPool pool = context.getBean(SpillwayPool.class);
              assertThat(pool.snapshot().backend("a").circuit()).isEqualTo(CircuitState.CLOSED);

              // another process of the fleet, on the same Redis and prefix, opens a's circuit
              RedisStateStore other =
                  RedisStateStore.builder(redis.uri().toString()).keyPrefix("boot3-fleet").build();
              try {
                PoolStateStore.Circuit open =
                    new PoolStateStore.Circuit(CircuitState.OPEN, 1_800_000_000_000L, 1, 3, false);
                assertThat(other.circuit("a").compareAndSet(PoolStateStore.Circuit.CLOSED, open))
                    .isTrue();
              } finally {
                other.close();
              }

              assertThat(redis.call("HLEN", "{boot3-fleet}:circuit")).isEqualTo("1");
              await()
                  .atMost(WAIT)
                  .until(() -> pool.snapshot().backend("a").circuit() == CircuitState.OPEN);
            });
  }
}
