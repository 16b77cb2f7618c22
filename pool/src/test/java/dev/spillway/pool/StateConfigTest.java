package dev.spillway.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.spillway.pool.spi.StateStoreProvider;
import dev.spillway.spi.PoolStateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * {@code spillway.state.*}: values, defaults, errors naming the property, no password in any text,
 * and the pool creating the configured store through its provider.
 */
class StateConfigTest {
  private static final List<BackendConfig> BACKENDS =
      List.of(
          new BackendConfig(
              "a",
              "https://a.openai.azure.com",
              null,
              null,
              null,
              "k",
              null,
              null,
              null,
              List.of(DeploymentConfig.of("gpt-4o", "gpt-4o"))));

  private static final String SECRET = "s3cret-redis-pw";

  private static InvalidPropertyException failure(ThrowingCallable call) {
    return catchThrowableOfType(InvalidPropertyException.class, call);
  }

  @Test
  void defaultsAreInMemoryWithThePrefixAndTimeout() {
    StateConfig defaults = PoolConfig.of(BACKENDS).state();

    assertThat(defaults).isEqualTo(StateConfig.DEFAULTS);
    assertThat(defaults.store()).isEqualTo("memory");
    assertThat(defaults.inMemory()).isTrue();
    assertThat(defaults.uri()).isNull();
    assertThat(defaults.keyPrefix()).isEqualTo("spillway");
    assertThat(defaults.commandTimeout()).isEqualTo(Duration.ofMillis(500));
    StateConfig redis =
        new StateConfig(" Redis ", " rediss://r.internal:6380/2 ", "orders", null, null);
    assertThat(redis.store()).isEqualTo("redis");
    assertThat(redis.inMemory()).isFalse();
    assertThat(redis.uri()).isEqualTo("rediss://r.internal:6380/2");
    assertThat(StateConfig.redis("redis://h"))
        .isEqualTo(new StateConfig("redis", "redis://h", "spillway", null, Duration.ofMillis(500)));
  }

  @Test
  void theOldConstructorsAndWithersKeepOrCarryTheState() {
    StateConfig redis = StateConfig.redis("redis://h:6379");
    PoolConfig config = PoolConfig.of(BACKENDS).withState(redis);

    assertThat(config.withAudit(null).state()).isEqualTo(redis);
    assertThat(config.withConsumers(null, null).state()).isEqualTo(redis);
    assertThat(config.withState(null).state()).isEqualTo(StateConfig.DEFAULTS);
    assertThat(new PoolConfig(null, null, null, false, BACKENDS, null, List.of(), null).state())
        .isEqualTo(StateConfig.DEFAULTS);
  }

  @Test
  void errorsNameThePropertyAndTheAcceptedValues() {
    InvalidPropertyException unknown =
        failure(() -> new StateConfig("memcached", null, null, null, null));
    assertThat(unknown.property()).isEqualTo("store");
    assertThat(unknown).hasMessage("unknown store 'memcached'; stores are [memory, redis]");

    InvalidPropertyException noUri = failure(() -> new StateConfig("redis", " ", null, null, null));
    assertThat(noUri.property()).isEqualTo("uri");
    assertThat(noUri).hasMessage("required when spillway.state.store is redis");

    InvalidPropertyException scheme = failure(() -> StateConfig.redis("http://h:6379"));
    assertThat(scheme.property()).isEqualTo("uri");
    assertThat(scheme)
        .hasMessage("uri must start with redis:// or rediss:// (TLS), was 'http://h:6379'");
    assertThat(failure(() -> StateConfig.redis("redis:///0")))
        .hasMessage("uri names no host (redis://host:port), was 'redis:///0'");

    InvalidPropertyException withoutRedis =
        failure(() -> new StateConfig(null, "redis://h", null, null, null));
    assertThat(withoutRedis.property()).isEqualTo("uri");
    assertThat(withoutRedis)
        .hasMessage(
            "uri is set but spillway.state.store is memory; set spillway.state.store: redis");
    assertThat(new StateConfig("memory", null, null, SECRET, null).password())
        .as("kept for a URI given elsewhere")
        .isEqualTo(SECRET);

    InvalidPropertyException prefix =
        failure(() -> new StateConfig("redis", "redis://h", "{orders}", null, null));
    assertThat(prefix.property()).isEqualTo("key-prefix");
    assertThat(prefix)
        .hasMessage("key-prefix must be non-blank and without braces, was '{orders}'");
    InvalidPropertyException timeout =
        failure(() -> new StateConfig("redis", "redis://h", null, null, Duration.ZERO));
    assertThat(timeout.property()).isEqualTo("command-timeout");
    assertThat(timeout).hasMessage("command-timeout must be > 0, was PT0S");
  }

  @Test
  void noTextShowsThePasswordGivenApartOrInTheUri() {
    StateConfig apart = new StateConfig("redis", "redis://spillway@h:6379", null, SECRET, null);
    assertThat(apart.toString())
        .doesNotContain(SECRET)
        .contains("password=***", "redis://***@h:6379");
    StateConfig inUri = StateConfig.redis("redis://spillway:" + SECRET + "@h:6379");
    assertThat(inUri.toString()).doesNotContain(SECRET).contains("redis://***@h:6379");
    assertThat(PoolConfig.of(BACKENDS).withState(inUri).toString()).doesNotContain(SECRET);
    assertThat(StateConfig.uriPassword(inUri.uri())).isEqualTo(SECRET);
    assertThat(StateConfig.uriPassword("redis://spillway@h")).isNull();
    assertThat(StateConfig.uriPassword("redis://h/x@y")).isNull();

    assertThat(failure(() -> StateConfig.redis("http://u:" + SECRET + "@h")))
        .hasMessage("uri must start with redis:// or rediss:// (TLS), was 'http://***@h'");
    InvalidPropertyException both =
        failure(
            () ->
                new StateConfig(
                    "redis", "redis://u:" + SECRET + "@h", null, SECRET + "-other", null));
    assertThat(both.property()).isEqualTo("password");
    assertThat(both.getMessage())
        .isEqualTo("password is set and the uri carries one too; set only one of them");
  }

  /** A provider of real stores (in memory) that records what it was asked for. */
  private static final class Provider implements StateStoreProvider {
    final List<StateConfig> configs = new ArrayList<>();
    final List<Clock> clocks = new ArrayList<>();
    final List<ClosingStore> stores = new ArrayList<>();

    @Override
    public String name() {
      return "redis";
    }

    @Override
    public PoolStateStore create(StateConfig config, Clock clock) {
      configs.add(config);
      clocks.add(clock);
      ClosingStore store = new ClosingStore();
      stores.add(store);
      return store;
    }
  }

  /** The in-memory store, noting whether the pool closed it. */
  private static final class ClosingStore implements PoolStateStore {
    private final PoolStateStore cells = PoolStateStore.inMemory();
    volatile boolean closed;

    @Override
    public Cell<CoolDown> coolDown(String backendId, String deployment) {
      return cells.coolDown(backendId, deployment);
    }

    @Override
    public Cell<Circuit> circuit(String backendId) {
      return cells.circuit(backendId);
    }

    @Override
    public Ledger ledger(String backendId, String deployment) {
      return cells.ledger(backendId, deployment);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static final PoolConfig REDIS =
      PoolConfig.of(BACKENDS)
          .withState(new StateConfig("redis", "redis://h", "orders", null, null));

  @Test
  void withoutAProviderOfTheStoreTheErrorNamesThePropertyAndTheArtifact() {
    InvalidPropertyException e =
        failure(() -> SpillwayPool.builder().config(REDIS).build().close());

    assertThat(e.property()).isEqualTo("state.store");
    assertThat(e)
        .hasMessage(
            "no state store provider named 'redis' is on the classpath; add the dependency"
                + " dev.spillway:spillway-redis");
  }

  @Test
  void theConfiguredStoreIsCreatedAtBuildWithThePoolsClockAndClosedWithThePool() {
    Provider provider = new Provider();
    Clock clock = Clock.fixed(Instant.parse("2026-12-02T12:00:00Z"), ZoneOffset.UTC);

    SpillwayPool pool =
        SpillwayPool.builder().config(REDIS).stateStoreProvider(provider).clock(clock).build();

    assertThat(provider.configs).containsExactly(REDIS.state());
    assertThat(provider.clocks).containsExactly(clock);
    assertThat(provider.stores.get(0).closed).isFalse();
    pool.close();
    assertThat(provider.stores.get(0).closed).isTrue();
  }

  @Test
  void anExplicitStoreWinsAndMemoryCreatesNone() {
    Provider provider = new Provider();
    ClosingStore explicit = new ClosingStore();

    SpillwayPool.builder()
        .stateStore(explicit)
        .config(REDIS)
        .stateStoreProvider(provider)
        .build()
        .close();
    SpillwayPool.builder()
        .config(PoolConfig.of(BACKENDS))
        .stateStoreProvider(provider)
        .build()
        .close();

    assertThat(provider.configs).isEmpty();
    assertThat(explicit.closed).isTrue();
  }

  @Test
  void aPoolThatFailsToBuildClosesTheStoreItCreated() {
    Provider provider = new Provider();

    IllegalStateException e =
        catchThrowableOfType(
            IllegalStateException.class,
            () ->
                SpillwayPool.builder()
                    .config(REDIS)
                    .stateStoreProvider(provider)
                    .homeBackend("nowhere")
                    .build());

    assertThat(e).isNotNull();
    assertThat(provider.stores).hasSize(1);
    assertThat(provider.stores.get(0).closed).isTrue();
  }
}
