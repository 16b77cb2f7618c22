package dev.spillway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.spillway.ConsumerPolicy;
import dev.spillway.ConsumerSettings;
import dev.spillway.Priority;
import dev.spillway.PriorityPolicy;
import dev.spillway.QuotaPeriod;
import dev.spillway.pool.ConsumerConfig;
import dev.spillway.pool.PoolConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code spillway.consumers[]} and {@code spillway.priorities.*} through the CLI's loader: bound,
 * and refused at the key and line at fault.
 */
class ConsumersConfigLoaderTest {
  private static final String BACKENDS =
      """
        backends:
          - id: a
            endpoint: https://a.openai.azure.com
            api-key: k
            deployments: [{ model: gpt-4o, deployment: d }]
      """;

  static final String CONSUMERS =
      """
        consumers:
          - { id: chat-frontend, tpm-limit: 100000, rpm-limit: 600, priority: interactive }
          - { id: nightly-batch, token-quota: 5000000, token-quota-period: day, priority: batch }
          - { id: reports, spill-after: 500ms, models: [gpt-4o] }
          - { id: default, tpm-limit: 20000 }
        priorities:
          interactive: { spill-after: 2s }
          batch: { max-tier: 0, reserve: 0.2, queue-capacity: 500 }
      """;

  private static PoolConfig load(String consumers) {
    return PoolConfigLoader.load("spillway:\n" + consumers + BACKENDS, "pool.yaml", name -> null);
  }

  private static PoolConfigException failure(String consumers) {
    return catchThrowableOfType(PoolConfigException.class, () -> load(consumers));
  }

  @Test
  void bindsEveryConsumerAndPriorityKey() {
    PoolConfig config = load(CONSUMERS);

    assertThat(config.consumers())
        .containsExactly(
            new ConsumerConfig(
                "chat-frontend", 100_000L, 600L, null, null, "interactive", null, null),
            new ConsumerConfig("nightly-batch", null, null, 5_000_000L, "day", "batch", null, null),
            new ConsumerConfig(
                "reports", null, null, null, null, null, Duration.ofMillis(500), List.of("gpt-4o")),
            new ConsumerConfig("default", 20_000L, null, null, null, null, null, null));
    ConsumerSettings settings = config.consumerSettings();
    assertThat(settings.byId().get("nightly-batch"))
        .isEqualTo(
            ConsumerPolicy.of("nightly-batch")
                .withTokenQuota(5_000_000, QuotaPeriod.DAY)
                .withPriority(Priority.BATCH));
    assertThat(settings.byId().get("reports").models()).isEqualTo(Set.of("gpt-4o"));
    assertThat(settings.interactive().spillAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.interactive().maxTier())
        .isEqualTo(PriorityPolicy.INTERACTIVE_DEFAULTS.maxTier());
    assertThat(settings.batch()).isEqualTo(new PriorityPolicy(0, 0.2, 500, Duration.ZERO));
    assertThat(load("").consumerSettings()).isEqualTo(ConsumerSettings.DEFAULTS);
  }

  @Test
  void anUnknownKeyUnderConsumersNamesItsPathAndTheKnownOnes() {
    PoolConfigException e = failure("  consumers:\n    - id: a\n      tpm-limt: 5\n");

    assertThat(e.property()).isEqualTo("spillway.consumers[0].tpm-limt");
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.problem())
        .isEqualTo(
            "unknown property; expected one of id, models, priority, rpm-limit, spill-after,"
                + " token-quota, token-quota-period, tpm-limit");
    assertThat(failure("  priorities:\n    urgent: { max-tier: 1 }\n").property())
        .isEqualTo("spillway.priorities.urgent");
  }

  @Test
  void badValuesAreReportedAtTheirKeyWithTheConsumer() {
    PoolConfigException period =
        failure(
            "  consumers:\n    - { id: ok }\n    - { id: team-a, token-quota: 5,"
                + " token-quota-period: fortnight }\n");
    assertThat(period.property()).isEqualTo("spillway.consumers[1].token-quota-period");
    assertThat(period.line()).isEqualTo(4);
    assertThat(period.problem())
        .isEqualTo(
            "consumer 'team-a': token-quota-period must be one of hour, day, week, month,"
                + " was 'fortnight'");

    PoolConfigException priority =
        failure("  consumers:\n    - { id: team-a, priority: urgent }\n");
    assertThat(priority.property()).isEqualTo("spillway.consumers[0].priority");
    assertThat(priority.problem())
        .isEqualTo("consumer 'team-a': priority must be 'interactive' or 'batch', was 'urgent'");

    PoolConfigException limit =
        failure("  consumers:\n    - { id: ok }\n    - id: team-a\n      tpm-limit: -5\n");
    assertThat(limit.property()).isEqualTo("spillway.consumers[1].tpm-limit");
    assertThat(limit.line()).isEqualTo(5);
    assertThat(limit.problem()).isEqualTo("consumer 'team-a': tpm-limit must be >= 0, was -5");
  }

  @Test
  void aDuplicateIdAndAnOutOfRangeReserveAreNamed() {
    PoolConfigException duplicate =
        failure("  consumers:\n    - { id: a }\n    - { id: b }\n    - { id: a }\n");
    assertThat(duplicate.property()).isEqualTo("spillway.consumers[2].id");
    assertThat(duplicate.line()).isEqualTo(5);
    assertThat(duplicate.problem()).isEqualTo("consumer id 'a' is declared twice.");

    PoolConfigException reserve = failure("  priorities:\n    batch:\n      reserve: 1.5\n");
    assertThat(reserve.property()).isEqualTo("spillway.priorities.batch.reserve");
    assertThat(reserve.line()).isEqualTo(4);
    assertThat(reserve.problem()).isEqualTo("reserve must be in [0, 1), was 1.5");
  }
}
