package dev.spillway.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.Backend;
import dev.spillway.BackendPool;
import dev.spillway.ConsumerSettings;
import dev.spillway.PriorityPolicy;
import dev.spillway.cli.PoolConfigLoader;
import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.SpillwayPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * One definition, two binders (docs/design.md "Configuration schema"): the same YAML document, with
 * every key of the schema, goes through Spring's binder and through the CLI's loader, and both give
 * the same {@link PoolConfig} and pools of the same shape and settings.
 */
class PoolConfigConformanceTest {
  private static final String DOCUMENT = "conformance.yaml";
  private static final Map<String, String> ENV =
      Map.of("AOAI_PTU_KEY", "ptu-secret", "AOAI_LAB_KEY", "lab-secret");

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

              SpillwayPool springSpillway = context.getBean(SpillwayPool.class);
              BackendPool springPool = springSpillway.backendPool();
              try (SpillwayPool cliPool = SpillwayPool.fromConfig(fromCli)) {
                BackendPool pool = cliPool.backendPool();
                assertThat(kinds(springSpillway)).isEqualTo(kinds(cliPool)).hasSize(3);
                assertThat(springPool.settings()).isEqualTo(pool.settings());
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
