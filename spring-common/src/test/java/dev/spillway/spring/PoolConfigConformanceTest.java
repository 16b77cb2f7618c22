package dev.spillway.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.Backend;
import dev.spillway.BackendPool;
import dev.spillway.ConsumerSettings;
import dev.spillway.PriorityPolicy;
import dev.spillway.cli.PoolConfigLoader;
import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.StateConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;

/**
 * One definition, two binders (docs/design.md "Configuration schema"): the same YAML document, with
 * every key of the schema, goes through Spring's binder and through the CLI's loader, and both give
 * the same {@link PoolConfig} and pools of the same shape and settings.
 */
class PoolConfigConformanceTest {
  private static final String DOCUMENT = "conformance.yaml";
  private static final Map<String, String> ENV =
      Map.of(
          "AOAI_PTU_KEY", "ptu-secret", "AOAI_LAB_KEY", "lab-secret", "REDIS_PASSWORD", "redis-pw");

  @Test
  void springBinderAndCliLoaderGiveTheSamePoolFromOneDocument() throws IOException {
    PoolConfig fromCli =
        PoolConfigLoader.load(
            new ClassPathResource(DOCUMENT).getContentAsString(StandardCharsets.UTF_8),
            DOCUMENT,
            ENV::get);

    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SpillwayAutoConfiguration.class))
        .withInitializer(PoolConfigConformanceTest::loadDocument)
        .withPropertyValues(
            ENV.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toArray(String[]::new))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              PoolConfig fromSpring = context.getBean(SpillwayProperties.class).toPoolConfig();
              assertThat(fromSpring).isEqualTo(fromCli);
              assertThat(fromSpring.state())
                  .isEqualTo(
                      new StateConfig(
                          "memory", null, "conformance", "redis-pw", Duration.ofMillis(200)));

              SpillwayPool springSpillway = context.getBean(SpillwayPool.class);
              BackendPool springPool = springSpillway.backendPool();
              try (SpillwayPool cliPool = SpillwayPool.fromConfig(fromCli)) {
                BackendPool pool = cliPool.backendPool();
                assertThat(kinds(springSpillway)).isEqualTo(kinds(cliPool)).hasSize(3);
                assertThat(springPool.settings()).isEqualTo(pool.settings());
                assertThat(pool.settings().maxWait()).isEqualTo(Duration.ofSeconds(4));
                assertThat(pool.settings().hedgeRatio()).isEqualTo(0.3);
                assertThat(springPool.consumers())
                    .isEqualTo(pool.consumers())
                    .isEqualTo(fromCli.consumerSettings())
                    .isNotEqualTo(ConsumerSettings.DEFAULTS);
                assertThat(pool.consumers().consumers()).hasSize(3);
                assertThat(pool.consumers().batch())
                    .isEqualTo(new PriorityPolicy(1, 0.2, 500, Duration.ofSeconds(3)));
                assertThat(springPool.homeBackend().id()).isEqualTo(pool.homeBackend().id());
                assertThat(shape(springPool.backends()))
                    .isEqualTo(shape(pool.backends()))
                    .hasSize(3);
                assertThat(springPool.models()).containsExactly("gpt-4o", "text-embedding-3-small");
              }
            });
  }

  /**
   * {@code spillway.state.*} with a Redis store, bound alike; the application's own pool stands in
   * for the auto-configured one, so that no store is built (the Boot 3 line has no spillway-redis).
   */
  @Test
  void theRedisStateBindsAlike() throws IOException {
    String document =
        """
        spillway:
          state:
            store: redis
            uri: rediss://spillway@redis.internal:6380/2
            key-prefix: orders
            password: ${REDIS_PASSWORD}
            command-timeout: 750ms
          backends:
            - id: a
              endpoint: https://a.openai.azure.com
              api-key: ${AOAI_PTU_KEY}
              deployments: [{ model: gpt-4o, deployment: gpt-4o }]
        """;
    PoolConfig fromCli = PoolConfigLoader.load(document, "state.yaml", ENV::get);
    List<PropertySource<?>> sources =
        new YamlPropertySourceLoader()
            .load("state.yaml", new ByteArrayResource(document.getBytes(StandardCharsets.UTF_8)));

    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SpillwayAutoConfiguration.class))
        .withInitializer(
            context -> sources.forEach(context.getEnvironment().getPropertySources()::addLast))
        .withPropertyValues(
            ENV.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toArray(String[]::new))
        .withBean(
            SpillwayPool.class,
            () -> SpillwayPool.fromConfig(fromCli.withState(null)),
            definition -> ((AbstractBeanDefinition) definition).setDestroyMethodName("close"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              PoolConfig fromSpring = context.getBean(SpillwayProperties.class).toPoolConfig();
              assertThat(fromSpring).isEqualTo(fromCli);
              assertThat(fromSpring.state())
                  .isEqualTo(
                      new StateConfig(
                          "redis",
                          "rediss://spillway@redis.internal:6380/2",
                          "orders",
                          "redis-pw",
                          Duration.ofMillis(750)));
            });
  }

  /** Each backend's credential kind, which stands for the credential. */
  private static List<String> kinds(SpillwayPool pool) {
    return pool.backendPool().backends().stream()
        .map(b -> b.id() + "=" + pool.credentialKind(b.id()))
        .toList();
  }

  /** Everything of a backend. */
  private static List<String> shape(List<Backend> backends) {
    return backends.stream()
        .map(
            b ->
                String.join(
                    "|",
                    b.id(),
                    b.endpoint().toString(),
                    String.valueOf(b.tier()),
                    String.valueOf(b.weight()),
                    String.valueOf(b.region()),
                    b.deployments().toString()))
        .toList();
  }

  private static void loadDocument(ConfigurableApplicationContext context) {
    try {
      for (PropertySource<?> source :
          new YamlPropertySourceLoader().load(DOCUMENT, new ClassPathResource(DOCUMENT))) {
        context.getEnvironment().getPropertySources().addLast(source);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
