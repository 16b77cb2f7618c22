package dev.spillway.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.pool.StateConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code spillway.state.*} bound through {@link SpillwayProperties}: values, defaults, unknown keys
 * and errors naming the property, never showing the password.
 */
class SpillwayStatePropertiesTest {
  private static final String SECRET = "canary-redis-spring-3b7a";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SpillwayAutoConfiguration.class, SpillwayStateAutoConfiguration.class));

  @Test
  void defaultsToMemoryAndBindsEveryKey() {
    runner
        .withPropertyValues(SpillwayPropertiesTest.valid())
        .run(
            context ->
                assertThat(context.getBean(SpillwayProperties.class).toPoolConfig().state())
                    .isEqualTo(StateConfig.DEFAULTS));
    runner
        .withPropertyValues(
            SpillwayPropertiesTest.valid(
                "spillway.state.store=memory",
                "spillway.state.keyPrefix=orders",
                "spillway.state.password=${REDIS_PASSWORD}",
                "REDIS_PASSWORD=" + SECRET,
                "spillway.state.command-timeout=250ms"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              StateConfig state = context.getBean(SpillwayProperties.class).toPoolConfig().state();
              assertThat(state)
                  .isEqualTo(
                      new StateConfig("memory", null, "orders", SECRET, Duration.ofMillis(250)));
              assertThat(context.getBean(SpillwayProperties.class).toString())
                  .doesNotContain(SECRET);
            });
  }

  @Test
  void aRedisStoreWithoutAUriOrAnUnknownStoreFailsNamingTheProperty() {
    assertStartupFails(
        SpillwayPropertiesTest.valid("spillway.state.store=redis"),
        "spillway.state.uri: required when spillway.state.store is redis");
    assertStartupFails(
        SpillwayPropertiesTest.valid("spillway.state.store=memcached"),
        "spillway.state.store: unknown store 'memcached'; stores are [memory, redis]");
    assertStartupFails(
        SpillwayPropertiesTest.valid("spillway.state.uri=redis://h:6379"),
        "spillway.state.uri: uri is set but spillway.state.store is memory; set"
            + " spillway.state.store: redis");
    assertStartupFails(
        SpillwayPropertiesTest.valid("spillway.state.urii=redis://h:6379"), "spillway.state.urii");
  }

  @Test
  void noMessageShowsThePasswordGivenApartOrInTheUri() {
    assertStartupFails(
        SpillwayPropertiesTest.valid(
            "spillway.state.store=redis",
            "spillway.state.uri=http://spillway:" + SECRET + "@h:6379"),
        "spillway.state.uri: uri must start with redis:// or rediss:// (TLS), was"
            + " 'http://***@h:6379'");
    assertStartupFails(
        SpillwayPropertiesTest.valid(
            "spillway.state.password=" + SECRET, "spillway.state.key-prefix={" + SECRET + "}"),
        "spillway.state.key-prefix: key-prefix must be non-blank and without braces, was"
            + " '{***}'");
    assertStartupFails(
        SpillwayPropertiesTest.valid(
            "spillway.state.store=redis",
            "spillway.state.uri=redis://spillway:" + SECRET + "@h:6379",
            "spillway.state.command-timeout=0s"),
        "spillway.state.command-timeout: command-timeout must be > 0, was PT0S");
  }

  private void assertStartupFails(String[] properties, String message) {
    runner
        .withPropertyValues(properties)
        .run(
            context -> {
              assertThat(context).hasFailed();
              StringBuilder chain = new StringBuilder();
              for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                chain.append(t).append('\n');
              }
              assertThat(chain.toString()).contains(message).doesNotContain(SECRET);
            });
  }
}
