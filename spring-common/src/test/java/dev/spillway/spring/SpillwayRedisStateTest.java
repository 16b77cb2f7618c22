package dev.spillway.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.spillway.CircuitState;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.redis.RedisStateStore;
import dev.spillway.redis.testing.RedisServer;
import dev.spillway.spi.PoolStateStore;
import dev.spillway.testing.LogCapture;
import dev.spillway.testing.RequiresProgram;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.Event;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.Disposable;

/**
 * {@code spillway.state.store: redis} in a real Spring context against a real {@code redis-server}:
 * the auto-configured pool shares its state through Redis, and connects through the application's
 * Lettuce {@link RedisClient} bean when it has one, which it leaves running.
 */
@RequiresProgram(RedisServer.PROGRAM)
class SpillwayRedisStateTest {
  private static final String SECRET = "canary-redis-bean-8c2f";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SpillwayAutoConfiguration.class, SpillwayStateAutoConfiguration.class));
  private RedisServer redis;

  @BeforeEach
  void start() {
    redis = RedisServer.builder().password(SECRET).start();
  }

  @AfterEach
  void stop() {
    redis.close();
  }

  private String[] properties() {
    return SpillwayPropertiesTest.valid(
        "spillway.state.store=redis",
        "spillway.state.uri=" + redis.uri(),
        "spillway.state.key-prefix=spring-fleet",
        "spillway.state.password=${REDIS_PASSWORD}",
        "REDIS_PASSWORD=" + SECRET);
  }

  /**
   * Another process's store on the same Redis and prefix opens backend {@code a}'s circuit, and the
   * pool sees it.
   */
  private void openCircuitElsewhereAndAwaitIt(SpillwayPool pool) {
    RedisStateStore other =
        RedisStateStore.builder(redis.uri().toString())
            .password(SECRET.toCharArray())
            .keyPrefix("spring-fleet")
            .build();
    try {
      PoolStateStore.Circuit open =
          new PoolStateStore.Circuit(CircuitState.OPEN, 1_800_000_000_000L, 1, 3, false);
      assertThat(other.circuit("a").compareAndSet(PoolStateStore.Circuit.CLOSED, open)).isTrue();
      await().atMost(WAIT).until(() -> pool.snapshot().backend("a").circuit() == CircuitState.OPEN);
    } finally {
      other.close();
    }
  }

  @Test
  void thePoolSharesItsStateThroughRedisWithoutARedisClientBean() {
    runner
        .withPropertyValues(properties())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              SpillwayPool pool = context.getBean(SpillwayPool.class);
              assertThat(pool.snapshot().backend("a").circuit()).isEqualTo(CircuitState.CLOSED);

              openCircuitElsewhereAndAwaitIt(pool);

              assertThat(redis.call("HLEN", "{spring-fleet}:circuit")).isEqualTo("1");
            });
  }

  @Test
  void theStoreConnectsThroughTheRedisClientBeanAndLeavesItRunning() throws Exception {
    ClientResources resources = DefaultClientResources.create();
    List<Event> events = new CopyOnWriteArrayList<>();
    Disposable subscription = resources.eventBus().get().subscribe(events::add);
    RedisClient client = RedisClient.create(resources);
    try {
      runner
          // the application shuts its client down itself (Spring would close an AutoCloseable bean)
          .withBean(
              RedisClient.class,
              () -> client,
              definition -> ((AbstractBeanDefinition) definition).setDestroyMethodName(""))
          .withPropertyValues(properties())
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                SpillwayPool pool = context.getBean(SpillwayPool.class);
                assertThat(activatedTo(events, redis.port()))
                    .as("connections of the bean's client")
                    .isPositive();

                openCircuitElsewhereAndAwaitIt(pool);
              });

      // the context closed the pool and its store; the application's client still works
      try (StatefulRedisConnection<String, String> connection =
          client
              .connectAsync(StringCodec.UTF8, RedisURI.create(redis.uriWithCredentials()))
              .toCompletableFuture()
              .get(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        assertThat(connection.sync().ping()).isEqualTo("PONG");
      }
    } finally {
      subscription.dispose();
      client.shutdown();
      resources.shutdown().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void aRedisClientBeanTheContextClosesIsClosedAfterThePoolAndItsStore() throws Exception {
    ClientResources resources = DefaultClientResources.create();
    RedisClient client = RedisClient.create(resources);
    try (LogCapture store = LogCapture.of("dev.spillway.redis");
        LogCapture lettuce = LogCapture.of("io.lettuce")) {
      runner
          .withBean(RedisClient.class, () -> client)
          .withPropertyValues(properties())
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                openCircuitElsewhereAndAwaitIt(context.getBean(SpillwayPool.class));
              });

      // had the client been shut down first, the store would have seen its connections close

      assertThat(store.messages(Level.WARN)).isEmpty();
      assertThat(lettuce.messages(Level.WARN)).isEmpty();
      assertThat(lettuce.messages(Level.ERROR)).isEmpty();
    } finally {
      resources.shutdown().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static long activatedTo(List<Event> events, int port) {
    return events.stream()
        .filter(ConnectionActivatedEvent.class::isInstance)
        .map(e -> ((ConnectionActivatedEvent) e).remoteAddress())
        .filter(a -> a instanceof InetSocketAddress i && i.getPort() == port)
        .count();
  }
}
