package dev.spillway.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.ConsumerPolicy;
import dev.spillway.ConsumerSettings;
import dev.spillway.Priority;
import dev.spillway.PriorityPolicy;
import dev.spillway.QuotaPeriod;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** {@code spillway.consumers[]} and {@code spillway.priorities.*}: values, defaults and errors. */
class ConsumerConfigTest {
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

  private static ConsumerConfig limited(String id, long tpm) {
    return new ConsumerConfig(id, tpm, null, null, null, null, null, null);
  }

  @Test
  void consumerEntriesBecomeCorePolicies() {
    ConsumerConfig batch =
        new ConsumerConfig(
            "nightly-batch",
            null,
            600L,
            5_000_000L,
            "Day",
            "batch",
            Duration.ofSeconds(3),
            List.of("gpt-4o", " gpt-4o-mini "));

    assertThat(batch.toPolicy())
        .isEqualTo(
            new ConsumerPolicy(
                "nightly-batch",
                0,
                600,
                5_000_000,
                QuotaPeriod.DAY,
                Priority.BATCH,
                Duration.ofSeconds(3),
                Set.of("gpt-4o", "gpt-4o-mini")));
    assertThat(new ConsumerConfig("default", null, null, null, null, null, null, null).toPolicy())
        .isEqualTo(ConsumerPolicy.of("default"));
  }

  @Test
  void prioritiesOverlayTheCoreDefaults() {
    PoolConfig config =
        PoolConfig.of(BACKENDS)
            .withConsumers(
                List.of(limited("chat", 100_000), limited("default", 20_000)),
                new PrioritiesConfig(
                    new PriorityConfig(null, null, null, Duration.ofSeconds(2)),
                    new PriorityConfig(1, 0.25, null, null)));

    ConsumerSettings settings = config.consumerSettings();
    assertThat(settings.consumers())
        .containsExactly(
            ConsumerPolicy.of("chat").withTpmLimit(100_000),
            ConsumerPolicy.of("default").withTpmLimit(20_000));
    assertThat(settings.interactive())
        .isEqualTo(
            new PriorityPolicy(
                Integer.MAX_VALUE,
                0.0,
                PriorityPolicy.INTERACTIVE_DEFAULTS.queueCapacity(),
                Duration.ofSeconds(2)));
    assertThat(settings.batch())
        .isEqualTo(
            new PriorityPolicy(
                1, 0.25, PriorityPolicy.BATCH_DEFAULTS.queueCapacity(), Duration.ZERO));
    assertThat(PoolConfig.of(BACKENDS).consumerSettings()).isEqualTo(ConsumerSettings.DEFAULTS);
    assertThat(PoolConfig.of(BACKENDS).withConsumers(null, new PrioritiesConfig(null, null)))
        .isEqualTo(PoolConfig.of(BACKENDS));
  }

  @Test
  void thePoolBuiltFromTheConfigurationHasItsConsumers() {
    PoolConfig config =
        PoolConfig.of(BACKENDS)
            .withConsumers(
                List.of(limited("chat", 1000)),
                new PrioritiesConfig(null, new PriorityConfig(0, 0.5, 10, null)));
    try (SpillwayPool pool = SpillwayPool.fromConfig(config)) {
      assertThat(pool.backendPool().consumers()).isEqualTo(config.consumerSettings());
    }
  }

  @Test
  void errorsNameTheFieldTheConsumerAndTheValue() {
    invalid(
        () -> limited("team-a", -5),
        "tpm-limit",
        "consumer 'team-a': tpm-limit must be >= 0, was -5");
    invalid(
        () -> new ConsumerConfig("team-a", null, -1L, null, null, null, null, null),
        "rpm-limit",
        "consumer 'team-a': rpm-limit must be >= 0, was -1");
    invalid(
        () -> new ConsumerConfig("team-a", null, null, -2L, null, null, null, null),
        "token-quota",
        "consumer 'team-a': token-quota must be >= 0, was -2");
    invalid(
        () -> new ConsumerConfig("team-a", null, null, 10L, "fortnight", null, null, null),
        "token-quota-period",
        "consumer 'team-a': token-quota-period must be one of hour, day, week, month,"
            + " was 'fortnight'");
    invalid(
        () -> new ConsumerConfig("team-a", null, null, null, null, "urgent", null, null),
        "priority",
        "consumer 'team-a': priority must be 'interactive' or 'batch', was 'urgent'");
    invalid(
        () ->
            new ConsumerConfig(
                "team-a", null, null, null, null, null, Duration.ofSeconds(-1), null),
        "spill-after",
        "consumer 'team-a': spill-after must be >= 0, was PT-1S");
    invalid(
        () -> new ConsumerConfig("team-a", null, null, null, null, null, null, List.of("a", " ")),
        "models[1]",
        "consumer 'team-a': a model name cannot be blank.");
    invalid(() -> limited(" ", 1), "id", "consumer id cannot be null or blank.");
    invalid(
        () ->
            PoolConfig.of(BACKENDS)
                .withConsumers(List.of(limited("a", 1), limited("b", 1), limited("a", 2)), null),
        "consumers[2].id",
        "consumer id 'a' is declared twice.");
  }

  @Test
  void priorityErrorsNameTheField() {
    invalid(
        () -> new PriorityConfig(null, 1.5, null, null),
        "reserve",
        "reserve must be in [0, 1), was 1.5");
    invalid(
        () -> new PriorityConfig(-1, null, null, null),
        "max-tier",
        "max-tier must be >= 0, was -1");
    invalid(
        () -> new PriorityConfig(null, null, -3, null),
        "queue-capacity",
        "queue-capacity must be >= 0, was -3");
    invalid(
        () -> new PriorityConfig(null, null, null, Duration.ofMillis(-5)),
        "spill-after",
        "spill-after must be >= 0, was PT-0.005S");
  }

  private static void invalid(ThrowingCallable call, String property, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            InvalidPropertyException.class, e -> assertThat(e.property()).isEqualTo(property))
        .hasMessage(message);
  }
}
