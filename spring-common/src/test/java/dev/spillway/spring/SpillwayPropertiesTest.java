package dev.spillway.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.TokenCredential;
import dev.spillway.Backend;
import dev.spillway.BackendPool;
import dev.spillway.ConsumerPolicy;
import dev.spillway.ConsumerSettings;
import dev.spillway.Deployment;
import dev.spillway.PoolSettings;
import dev.spillway.Priority;
import dev.spillway.PriorityPolicy;
import dev.spillway.QuotaPeriod;
import dev.spillway.pool.BackendConfig;
import dev.spillway.pool.DeploymentConfig;
import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.spi.AdapterSupport;
import dev.spillway.pool.testing.FakeKeyVault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/** Binding {@code spillway.*} to the adapter's schema records: values, unknown keys, validation. */
class SpillwayPropertiesTest {
  private static final String ENDPOINT = "spillway.backends[0].endpoint=https://a.openai.azure.com";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SpillwayAutoConfiguration.class));

  @Test
  void bindsTheDesignDocumentsYamlToThePoolConfig() {
    runner
        .withInitializer(context -> load(context, "design-example.yaml"))
        .withPropertyValues("AOAI_PTU_KEY=ptu-secret", "AOAI_PAYGO_KEY=paygo-secret")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              PoolConfig config = context.getBean(SpillwayProperties.class).toPoolConfig();
              assertThat(config)
                  .isEqualTo(
                      new PoolConfig(
                          PoolSettings.builder()
                              .timeout(Duration.ofSeconds(120))
                              .attemptTimeout(Duration.ofSeconds(60))
                              .maxAttempts(6)
                              .build(),
                          Duration.ofSeconds(30),
                          "sweden-ptu",
                          false,
                          List.of(
                              new BackendConfig(
                                  "sweden-ptu",
                                  "https://example-ptu.openai.azure.com",
                                  0,
                                  1.0,
                                  "swedencentral",
                                  "ptu-secret",
                                  null,
                                  null,
                                  null,
                                  List.of(
                                      new DeploymentConfig(
                                          "gpt-4o", "gpt4o-ptu", true, 300_000L, null))),
                              new BackendConfig(
                                  "eastus-paygo",
                                  "https://example-paygo.openai.azure.com",
                                  1,
                                  null,
                                  null,
                                  "paygo-secret",
                                  null,
                                  null,
                                  null,
                                  List.of(
                                      new DeploymentConfig(
                                          "gpt-4o", "gpt-4o", null, 150_000L, null))))));

              SpillwayPool spillway = context.getBean(SpillwayPool.class);
              BackendPool pool = spillway.backendPool();
              assertThat(pool.settings().maxAttempts()).isEqualTo(6);
              assertThat(pool.homeBackend().id()).isEqualTo("sweden-ptu");
              Backend ptu = pool.backends().get(0);
              assertThat(ptu.region()).isEqualTo("swedencentral");
              assertThat(ptu.deployments())
                  .containsExactly(new Deployment("gpt-4o", "gpt4o-ptu", true, 300_000, 0));
              assertThat(pool.backends().get(1).tier()).isEqualTo(1);
            });
  }

  @Test
  void bindsDurationsAndRelaxedNames() {
    runner
        .withPropertyValues(
            "spillway.timeout=5s",
            "spillway.attemptTimeout=1500ms",
            "spillway.stream-attempt-timeout=2s",
            "spillway.stream_idle_timeout=3s",
            "spillway.maxWait=0s",
            "spillway.hedgeRatio=0",
            "spillway.backends[0].id=a",
            ENDPOINT,
            "spillway.backends[0].api-key=k",
            "spillway.backends[0].weight=2.5",
            "spillway.backends[0].deployments[0].model=gpt-4o",
            "spillway.backends[0].deployments[0].deployment=d",
            "spillway.backends[0].deployments[0].rpm=60")
        .run(
            context -> {
              SpillwayPool spillway = context.getBean(SpillwayPool.class);
              BackendPool pool = spillway.backendPool();
              assertThat(pool.settings().timeout()).isEqualTo(Duration.ofSeconds(5));
              assertThat(pool.settings().attemptTimeout()).isEqualTo(Duration.ofMillis(1500));
              assertThat(pool.settings().streamAttemptTimeout()).isEqualTo(Duration.ofSeconds(2));
              assertThat(pool.settings().maxWait()).isZero();
              assertThat(pool.settings().hedgeRatio()).isZero();
              assertThat(AdapterSupport.of(spillway).streamIdleTimeout())
                  .isEqualTo(Duration.ofSeconds(3));
              assertThat(pool.backends().get(0).weight()).isEqualTo(2.5);
              assertThat(pool.backends().get(0).deployments().get(0).rpm()).isEqualTo(60);
            });
  }

  @Test
  void rejectsAnUnknownTopLevelProperty() {
    assertStartupFails(valid("spillway.timout=5s"), "spillway.timout");
  }

  @Test
  void rejectsAnUnknownBackendProperty() {
    assertStartupFails(valid("spillway.backends[0].tierr=1"), "spillway.backends[0].tierr");
  }

  @Test
  void rejectsAnUnknownDeploymentProperty() {
    assertStartupFails(
        valid("spillway.backends[0].deployments[0].tpmm=10"),
        "spillway.backends[0].deployments[0].tpmm");
  }

  @Test
  void acceptsListElementsOverriddenByAHigherPrioritySource() {
    runner
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .addLast(
                        new MapPropertySource(
                            "defaults",
                            Map.of(
                                "spillway.backends[1].id", "b",
                                "spillway.backends[1].endpoint", "https://b.openai.azure.com",
                                "spillway.backends[1].api-key", "other-key",
                                "spillway.backends[1].deployments[0].model", "gpt-4o",
                                "spillway.backends[1].deployments[0].deployment", "gpt-4o"))))
        .withPropertyValues(valid())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(SpillwayProperties.class).backends())
                  .extracting(BackendConfig::id)
                  .containsExactly("a");
            });
  }

  @Test
  void bindsConsumersAndPriorities() {
    runner
        .withPropertyValues(
            valid(
                "spillway.consumers[0].id=chat",
                "spillway.consumers[0].tpm-limit=100000",
                "spillway.consumers[0].rpm-limit=600",
                "spillway.consumers[1].id=nightly",
                "spillway.consumers[1].token-quota=5000000",
                "spillway.consumers[1].token-quota-period=day",
                "spillway.consumers[1].priority=batch",
                "spillway.consumers[1].spill-after=500ms",
                "spillway.consumers[1].models[0]=gpt-4o",
                "spillway.priorities.interactive.spill-after=2s",
                "spillway.priorities.batch.reserve=0.2",
                "spillway.priorities.batch.queue-capacity=50"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              ConsumerSettings settings =
                  context.getBean(SpillwayProperties.class).toPoolConfig().consumerSettings();
              assertThat(settings.consumers())
                  .containsExactly(
                      ConsumerPolicy.of("chat").withTpmLimit(100_000).withRpmLimit(600),
                      ConsumerPolicy.of("nightly")
                          .withTokenQuota(5_000_000, QuotaPeriod.DAY)
                          .withPriority(Priority.BATCH)
                          .withSpillAfter(Duration.ofMillis(500))
                          .withModels(Set.of("gpt-4o")));
              assertThat(settings.interactive().spillAfter()).isEqualTo(Duration.ofSeconds(2));
              assertThat(settings.batch()).isEqualTo(new PriorityPolicy(0, 0.2, 50, Duration.ZERO));
              assertThat(context.getBean(SpillwayPool.class).backendPool().consumers())
                  .isEqualTo(settings);
            });
  }

  @Test
  void rejectsAnUnknownConsumerOrPriorityProperty() {
    assertStartupFails(
        valid("spillway.consumers[0].id=a", "spillway.consumers[0].tpm-limt=5"),
        "spillway.consumers[0].tpm-limt");
    assertStartupFails(
        valid("spillway.priorities.urgent.max-tier=1"), "spillway.priorities.urgent.max-tier");
  }

  @Test
  void failsOnABadConsumerValueNamingThePropertyAndTheConsumer() {
    assertStartupFails(
        valid(
            "spillway.consumers[0].id=ok",
            "spillway.consumers[1].id=team-a",
            "spillway.consumers[1].tpm-limit=-5"),
        "spillway.consumers[1].tpm-limit: consumer 'team-a': tpm-limit must be >= 0, was -5");
    assertStartupFails(
        valid(
            "spillway.consumers[0].id=team-a",
            "spillway.consumers[0].token-quota-period=fortnight"),
        "spillway.consumers[0].token-quota-period: consumer 'team-a': token-quota-period must be"
            + " one of hour, day, week, month, was 'fortnight'");
    assertStartupFails(
        valid("spillway.consumers[0].id=team-a", "spillway.consumers[0].priority=urgent"),
        "spillway.consumers[0].priority: consumer 'team-a': priority must be 'interactive' or"
            + " 'batch', was 'urgent'");
  }

  @Test
  void failsOnADuplicateConsumerIdAndAnOutOfRangeReserve() {
    assertStartupFails(
        valid(
            "spillway.consumers[0].id=a",
            "spillway.consumers[1].id=b",
            "spillway.consumers[2].id=a"),
        "spillway.consumers[2].id: consumer id 'a' is declared twice.");
    assertStartupFails(
        valid("spillway.priorities.batch.reserve=1.5"),
        "spillway.priorities.batch.reserve: reserve must be in [0, 1), was 1.5");
  }

  @Test
  void failsOnAnInvalidWeightNamingTheBackendAndProperty() {
    assertStartupFails(
        valid("spillway.backends[0].weight=-1"),
        "spillway.backends[0].weight: backend 'a': weight must be > 0, was -1.0");
  }

  @Test
  void failsOnTwoAuthenticationMethods() {
    assertStartupFails(
        valid("spillway.backends[0].credential=entra"),
        "spillway.backends[0]",
        "backend 'a': set exactly one of api-key, api-key-secret and credential");
  }

  @Test
  void failsOnAnApiKeySecretThatIsNoKeyVaultSecretUrl() {
    assertStartupFails(
        new String[] {
          "spillway.backends[0].id=a",
          ENDPOINT,
          "spillway.backends[0].api-key-secret=https://v.vault.azure.net/keys/k",
          "spillway.backends[0].deployments[0].model=gpt-4o",
          "spillway.backends[0].deployments[0].deployment=gpt-4o"
        },
        "spillway.backends[0].api-key-secret: backend 'a': a Key Vault secret URL must be");
  }

  @Test
  void readsAnApiKeySecretWithTheTokenCredentialBean() {
    String canary = "canary-spring-kv-0c4d";
    try (FakeKeyVault vault = FakeKeyVault.start()) {
      vault.holds("ptu-key", canary);
      runner
          .withBean(TokenCredential.class, () -> FakeKeyVault.VAULT_TOKENS)
          .withBean(
              SpillwayPoolCustomizer.class,
              () -> builder -> builder.keyVaultClient(FakeKeyVault::customize))
          .withPropertyValues(
              "spillway.backends[0].id=a",
              ENDPOINT,
              "spillway.backends[0].api-key-secret=" + vault.secretUri("ptu-key"),
              "spillway.backends[0].api-key-secret-refresh=2m",
              "spillway.backends[0].deployments[0].model=gpt-4o",
              "spillway.backends[0].deployments[0].deployment=gpt-4o")
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                SpillwayProperties properties = context.getBean(SpillwayProperties.class);
                assertThat(properties.backends().get(0).apiKeySecretRefresh())
                    .isEqualTo(Duration.ofMinutes(2));
                SpillwayPool pool = context.getBean(SpillwayPool.class);
                assertThat(AdapterSupport.of(pool).auth("a").header().value()).isEqualTo(canary);
                assertThat(vault.reads("ptu-key")).isEqualTo(1);
                assertThat(properties + " " + pool + " " + pool.snapshot()).doesNotContain(canary);
              });
    }
  }

  @Test
  void failsOnPlainHttpToAnotherHost() {
    assertStartupFails(
        valid("spillway.backends[0].endpoint=http://a.openai.azure.com"),
        "spillway.backends[0].endpoint: backend 'a': endpoint must use https");
  }

  @Test
  void failsOnANonPositiveTimeout() {
    assertStartupFails(
        valid("spillway.attempt-timeout=0s"),
        "'spillway'",
        "spillway.attempt-timeout: attemptTimeout must be > 0");
  }

  @Test
  void failsOnANegativeMaxWait() {
    assertStartupFails(
        valid("spillway.max-wait=-1s"),
        "'spillway'",
        "spillway.max-wait: maxWait must be >= 0, was PT-1S");
  }

  @Test
  void failsOnAHedgeRatioOutsideZeroToOne() {
    assertStartupFails(
        valid("spillway.hedge-ratio=1.5"),
        "'spillway'",
        "spillway.hedge-ratio: hedgeRatio must be in [0, 1], was 1.5");
    assertStartupFails(
        valid("spillway.hedge-ratio=-0.1"),
        "spillway.hedge-ratio: hedgeRatio must be in [0, 1], was -0.1");
    assertStartupFails(
        valid("spillway.hedge-ratio=lots"), "spillway.hedge-ratio: expected a number");
  }

  @Test
  void failsWhenSettingsAreGivenWithoutBackends() {
    assertStartupFails(
        new String[] {"spillway.timeout=5s"},
        "'spillway'",
        "backends must list at least one backend");
  }

  @Test
  void failsOnAMissingDeploymentName() {
    assertStartupFails(
        valid("spillway.backends[0].deployments[1].model=gpt-4o-mini"),
        "spillway.backends[0].deployments[1].deployment: backend 'a': deployments[1].deployment"
            + " is required");
  }

  @Test
  void failsOnAnUnresolvedPlaceholderNamingThePropertyAndTheVariable() {
    assertStartupFails(
        valid("spillway.backends[0].deployments[0].deployment=${SPILLWAY_TEST_UNSET_DEPLOYMENT}"),
        "spillway.backends[0].deployments[0].deployment",
        "SPILLWAY_TEST_UNSET_DEPLOYMENT");
  }

  @Test
  void failsOnAnUnresolvedPlaceholderInAnApiKey() {
    assertStartupFails(
        valid("spillway.backends[0].api-key=${SPILLWAY_TEST_UNSET_KEY}"),
        "spillway.backends[0].api-key",
        "${SPILLWAY_TEST_UNSET_KEY} is not resolved");
  }

  @Test
  void resolvesAPlaceholderWithADefault() {
    runner
        .withPropertyValues(
            valid("spillway.backends[0].deployments[0].deployment=${SPILLWAY_TEST_UNSET:gpt-4o}"))
        .run(
            context ->
                assertThat(
                        context
                            .getBean(SpillwayProperties.class)
                            .backends()
                            .get(0)
                            .deployments()
                            .get(0)
                            .deployment())
                    .isEqualTo("gpt-4o"));
  }

  @Test
  void createsNothingWithoutSpillwayProperties() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(SpillwayProperties.class);
          assertThat(context).doesNotHaveBean(SpillwayPool.class);
        });
  }

  @Test
  void toStringShowsNoApiKey() {
    runner
        .withPropertyValues(valid())
        .run(
            context ->
                assertThat(context.getBean(SpillwayProperties.class).toString())
                    .contains("apiKey=***")
                    .doesNotContain("secret-key"));
  }

  @Test
  void aRefusedValueIsReportedAtItsOwnPropertyAndOrigin() {
    runner
        .withInitializer(context -> load(context, "insecure-endpoint.yaml"))
        .withPropertyValues("SPILLWAY_TEST_CANARY=canary-spring-5d1e")
        .run(
            context -> {
              assertThat(context).hasFailed();
              InvalidSpillwayPropertyException e =
                  findCause(context.getStartupFailure(), InvalidSpillwayPropertyException.class);
              assertThat(e.property().toString()).isEqualTo("spillway.backends[1].endpoint");
              // Line 10, column 17 of the file (run from a test-jar, the resource names the jar).
              assertThat(e.origin())
                  .asString()
                  .startsWith("class path resource [insecure-endpoint.yaml]")
                  .endsWith(" - 10:17");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "spillway.backends[1].endpoint: backend 'b': endpoint must use https (plain"
                          + " http is allowed only to loopback, or with allow-insecure-http), was"
                          + " 'http://b.example.com' ("
                          + e.origin()
                          + ")");
            });
  }

  @Test
  void aSecretInTheWrongFieldIsShownAsItsPlaceholder() {
    runner
        .withPropertyValues(
            "SPILLWAY_TEST_CANARY=canary-spring-5d1e",
            "spillway.backends[0].id=a",
            ENDPOINT,
            "spillway.backends[0].credential=${SPILLWAY_TEST_CANARY}",
            "spillway.backends[0].deployments[0].model=gpt-4o",
            "spillway.backends[0].deployments[0].deployment=gpt-4o")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(chain(context.getStartupFailure()))
                  .doesNotContain("canary-spring-5d1e")
                  .contains(
                      "spillway.backends[0].credential: backend 'a': credential must be 'entra',"
                          + " was '${SPILLWAY_TEST_CANARY}'");
            });
  }

  @Test
  void aSecretThatCannotBeConvertedIsNeitherQuotedNorChained() {
    runner
        .withPropertyValues(
            valid(
                "SPILLWAY_TEST_CANARY=canary-spring-5d1e",
                "spillway.backends[0].tier=${SPILLWAY_TEST_CANARY}"))
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(chain(context.getStartupFailure()))
                  .doesNotContain("canary-spring-5d1e")
                  .contains("spillway.backends[0].tier: expected a whole number");
            });
  }

  /** Every exception of a failure's cause chain, with its message, one a line. */
  private static String chain(Throwable failure) {
    StringBuilder messages = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.append(t).append('\n');
    }
    return messages.toString();
  }

  private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + failure);
  }

  private static void load(ConfigurableApplicationContext context, String resource) {
    try {
      for (PropertySource<?> source :
          new YamlPropertySourceLoader().load(resource, new ClassPathResource(resource))) {
        context.getEnvironment().getPropertySources().addLast(source);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A valid single-backend configuration plus {@code extra}. */
  static String[] valid(String... extra) {
    List<String> properties =
        new ArrayList<>(
            List.of(
                "spillway.backends[0].id=a",
                ENDPOINT,
                "spillway.backends[0].api-key=secret-key",
                "spillway.backends[0].deployments[0].model=gpt-4o",
                "spillway.backends[0].deployments[0].deployment=gpt-4o"));
    properties.addAll(List.of(extra));
    return properties.toArray(String[]::new);
  }

  private void assertStartupFails(String[] properties, String... messageParts) {
    runner
        .withPropertyValues(properties)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(chain(context.getStartupFailure()))
                  .contains(messageParts)
                  .doesNotContain("secret-key");
            });
  }
}
