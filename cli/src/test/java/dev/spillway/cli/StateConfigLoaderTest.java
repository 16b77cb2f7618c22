package dev.spillway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.StateConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code spillway.state.*} through the CLI's loader: bound, and refused at the key and line at
 * fault, never showing the password.
 */
class StateConfigLoaderTest {
  private static final String BACKENDS =
      """
        backends:
          - id: a
            endpoint: https://a.openai.azure.com
            api-key: k
            deployments: [{ model: gpt-4o, deployment: d }]
      """;
  private static final String SECRET = "redis-s3cret-77";
  private static final Map<String, String> ENV = Map.of("REDIS_PASSWORD", SECRET);

  private static PoolConfig load(String state) {
    return PoolConfigLoader.load("spillway:\n" + state + BACKENDS, "pool.yaml", ENV::get);
  }

  private static PoolConfigException failure(String state) {
    return catchThrowableOfType(PoolConfigException.class, () -> load(state));
  }

  @Test
  void bindsEveryStateKeyAndDefaultsToMemory() {
    PoolConfig config =
        load(
            """
              state:
                store: redis
                uri: rediss://redis.internal:6380/1
                key-prefix: orders
                password: ${REDIS_PASSWORD}
                command-timeout: 250ms
            """);

    assertThat(config.state())
        .isEqualTo(
            new StateConfig(
                "redis",
                "rediss://redis.internal:6380/1",
                "orders",
                SECRET,
                Duration.ofMillis(250)));
    assertThat(config.toString()).doesNotContain(SECRET);
    assertThat(load("").state()).isEqualTo(StateConfig.DEFAULTS);
  }

  @Test
  void anUnknownKeyOrStoreNamesItsPathAndTheKnownOnes() {
    PoolConfigException key = failure("  state:\n    store: memory\n    key-prefx: orders\n");
    assertThat(key.property()).isEqualTo("spillway.state.key-prefx");
    assertThat(key.line()).isEqualTo(4);
    assertThat(key.problem())
        .isEqualTo(
            "unknown property; expected one of command-timeout, key-prefix, password, store, uri");

    PoolConfigException store = failure("  state:\n    store: memcached\n");
    assertThat(store.property()).isEqualTo("spillway.state.store");
    assertThat(store.line()).isEqualTo(3);
    assertThat(store.problem()).isEqualTo("unknown store 'memcached'; stores are [memory, redis]");
  }

  @Test
  void aMissingOrBadUriIsReportedAtItsKeyWithoutThePassword() {
    PoolConfigException missing = failure("  state:\n    store: redis\n");
    assertThat(missing.property()).isEqualTo("spillway.state.uri");
    assertThat(missing.problem()).isEqualTo("required when spillway.state.store is redis");
    assertThat(missing.getMessage())
        .contains("spillway.state.uri: required when spillway.state.store is redis");

    PoolConfigException scheme =
        failure("  state:\n    store: redis\n    uri: http://u:" + SECRET + "@h:6379\n");
    assertThat(scheme.property()).isEqualTo("spillway.state.uri");
    assertThat(scheme.line()).isEqualTo(4);
    assertThat(scheme.getMessage()).doesNotContain(SECRET).contains("'http://***@h:6379'");

    PoolConfigException timeout =
        failure("  state:\n    password: " + SECRET + "\n    command-timeout: " + SECRET + "\n");
    assertThat(timeout.property()).isEqualTo("spillway.state.command-timeout");
    assertThat(timeout.getMessage()).doesNotContain(SECRET);

    PoolConfigException prefix =
        failure("  state:\n    password: ${REDIS_PASSWORD}\n    key-prefix: '{x}'\n");
    assertThat(prefix.property()).isEqualTo("spillway.state.key-prefix");
    assertThat(prefix.problem())
        .isEqualTo("key-prefix must be non-blank and without braces, was '{x}'");
  }
}
