package dev.spillway.spring.boot3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.spring.InvalidSpillwayPropertyException;
import dev.spillway.spring.SpillwayAutoConfiguration;
import dev.spillway.spring.SpillwayStateAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code spillway.state.store: redis} on the Boot 3.5 line, where spillway-redis (Lettuce 7, Netty
 * 4.2) is not on the classpath: startup fails naming the property, where it was set and the
 * artifact to add; the state auto-configuration stays off.
 */
class RedisStateOnBoot3Test {

  @Test
  void aRedisStoreWithoutSpillwayRedisFailsNamingThePropertyAndTheArtifact() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                SpillwayAutoConfiguration.class, SpillwayStateAutoConfiguration.class))
        .withPropertyValues(
            "spillway.backends[0].id=a",
            "spillway.backends[0].endpoint=https://a.openai.azure.com",
            "spillway.backends[0].api-key=secret-key",
            "spillway.backends[0].deployments[0].model=gpt-4o",
            "spillway.backends[0].deployments[0].deployment=gpt-4o",
            "spillway.state.store=redis",
            "spillway.state.uri=redis://redis.internal:6379")
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable failure = context.getStartupFailure();
              while (failure != null && !(failure instanceof InvalidSpillwayPropertyException)) {
                failure = failure.getCause();
              }
              assertThat(failure)
                  .isInstanceOf(InvalidSpillwayPropertyException.class)
                  .hasMessageStartingWith(
                      "spillway.state.store: no state store provider named 'redis' is on the"
                          + " classpath; add the dependency dev.spillway:spillway-redis");
              assertThat(((InvalidSpillwayPropertyException) failure).origin()).isNotNull();
            });
  }

  @Test
  void theStateAutoConfigurationStaysOffWithoutSpillwayRedis() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                SpillwayAutoConfiguration.class, SpillwayStateAutoConfiguration.class))
        .withPropertyValues(
            "spillway.backends[0].id=a",
            "spillway.backends[0].endpoint=https://a.openai.azure.com",
            "spillway.backends[0].api-key=secret-key",
            "spillway.backends[0].deployments[0].model=gpt-4o",
            "spillway.backends[0].deployments[0].deployment=gpt-4o")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(SpillwayStateAutoConfiguration.class);
            });
  }
}
