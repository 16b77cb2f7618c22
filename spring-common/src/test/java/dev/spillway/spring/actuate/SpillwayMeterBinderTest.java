package dev.spillway.spring.actuate;

import static dev.spillway.spring.SimulatedBackends.LARGE_TPM;
import static dev.spillway.spring.SimulatedBackends.OVERSIZED_MAX_TOKENS;
import static dev.spillway.spring.SimulatedBackends.SMALL_TPM;
import static dev.spillway.spring.SimulatedBackends.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.models.CompletionsUsage;
import dev.spillway.spring.SimulatedBackends;
import dev.spillway.spring.SpillwayAutoConfiguration;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The pool's meters, under the names of docs/design.md, driven by a real pool against the
 * simulator.
 */
class SpillwayMeterBinderTest {
  private static SimulatedBackends backends;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SpillwayAutoConfiguration.class, SpillwayMetricsAutoConfiguration.class));

  @BeforeAll
  static void startSimulator() {
    backends = SimulatedBackends.start(SMALL_TPM, LARGE_TPM);
  }

  @AfterAll
  static void stopSimulator() {
    backends.close();
  }

  @Test
  void recordsAttemptsCoolDownsCallsAndTokens() {
    runner
        .withPropertyValues(backends.properties())
        .run(
            context -> {
              MeterRegistry registry = new SimpleMeterRegistry();
              context.getBean(SpillwayMeterBinder.class).bindTo(registry);
              assertThat(
                      registry
                          .get("spillway.route.latency.ewma")
                          .tag("spillway.backend.id", "sim-1")
                          .gauge()
                          .value())
                  .isNaN();

              CompletionsUsage usage =
                  chat(context.getBean(OpenAIClient.class), OVERSIZED_MAX_TOKENS).getUsage();

              assertThat(
                      registry
                          .get("spillway.attempts")
                          .tags(
                              "spillway.backend.id",
                              "sim-0",
                              "spillway.backend.tier",
                              "0",
                              "spillway.attempt.outcome",
                              "throttled")
                          .functionCounter()
                          .count())
                  .isEqualTo(1);
              assertThat(
                      registry
                          .get("spillway.attempts")
                          .tags(
                              "spillway.backend.id",
                              "sim-1",
                              "spillway.backend.tier",
                              "1",
                              "spillway.attempt.outcome",
                              "success")
                          .functionCounter()
                          .count())
                  .isEqualTo(1);
              assertThat(
                      registry
                          .get("spillway.cooldowns")
                          .tags(
                              "spillway.backend.id",
                              "sim-0",
                              "spillway.route.deployment",
                              "gpt-4o",
                              "spillway.cooldown.reason",
                              "throttled")
                          .functionCounter()
                          .count())
                  .isEqualTo(1);
              assertThat(
                      registry
                          .get("gen_ai.client.operation.duration")
                          .tags(
                              "gen_ai.operation.name",
                              "chat",
                              "gen_ai.provider.name",
                              "azure.ai.openai",
                              "gen_ai.request.model",
                              "gpt-4o")
                          .timer()
                          .count())
                  .isEqualTo(1);
              assertThat(
                      registry
                          .get("gen_ai.client.token.usage")
                          .tag("gen_ai.token.type", "input")
                          .summary()
                          .totalAmount())
                  .isEqualTo(usage.getPromptTokens());
              assertThat(
                      registry
                          .get("gen_ai.client.token.usage")
                          .tag("gen_ai.token.type", "output")
                          .summary()
                          .totalAmount())
                  .isEqualTo(usage.getCompletionTokens());
              assertThat(
                      registry
                          .get("spillway.outstanding")
                          .tag("spillway.backend.id", "sim-1")
                          .gauge()
                          .value())
                  .isZero();
              assertThat(
                      registry
                          .get("spillway.route.latency.ewma")
                          .tags(
                              "spillway.backend.id", "sim-1", "spillway.route.deployment", "gpt-4o")
                          .gauge()
                          .value())
                  .isPositive();
            });
  }

  @Test
  void tagsFailedCallsWithTheErrorTypeAndNeverWithTheConsumer() {
    runner
        .withPropertyValues(backends.properties())
        .run(
            context -> {
              MeterRegistry registry = new SimpleMeterRegistry();
              context.getBean(SpillwayMeterBinder.class).bindTo(registry);
              OpenAIClient client = context.getBean(OpenAIClient.class);

              client.getChatCompletionsWithResponse(
                  "gpt-4o",
                  com.azure.core.util.BinaryData.fromObject(SimulatedBackends.options(5)),
                  dev.spillway.azure.SpillwayContext.requestOptions(
                      "consumer-42", java.util.Map.of()));
              try {
                chat(client, 0); // max_tokens 0: a caller error, returned unchanged
              } catch (com.azure.core.exception.HttpResponseException expected) {
                // the 400 the simulator gave
              }

              assertThat(
                      registry
                          .get("gen_ai.client.operation.duration")
                          .tag("error.type", "400")
                          .timer()
                          .count())
                  .isEqualTo(1);
              for (Meter meter : registry.getMeters()) {
                assertThat(meter.getId().getTags())
                    .noneMatch(t -> t.getValue().contains("consumer-42"));
              }
              assertThat(registry.get("gen_ai.client.operation.duration").timers())
                  .allMatch(t -> t.totalTime(TimeUnit.NANOSECONDS) > 0);
            });
  }

  @Test
  void countsContentFilterHitsWithTheEnginesAttributes() {
    runner
        .withPropertyValues(backends.properties())
        .run(
            context -> {
              MeterRegistry registry = new SimpleMeterRegistry();
              SpillwayMeterBinder binder = context.getBean(SpillwayMeterBinder.class);
              binder.bindTo(registry);
              dev.spillway.ContentFilterResult violence =
                  new dev.spillway.ContentFilterResult(
                      dev.spillway.ContentFilterResult.Source.PROMPT,
                      0,
                      "violence",
                      true,
                      "medium",
                      null);
              dev.spillway.ContentFilterResult safe =
                  new dev.spillway.ContentFilterResult(
                      dev.spillway.ContentFilterResult.Source.PROMPT,
                      0,
                      "hate",
                      false,
                      "safe",
                      null);

              // the outcome of a 400 content_filter refusal, as the engine reports it
              binder.onCallComplete(
                  dev.spillway.CallOutcome.builder("c-1", "chat", "gpt-4o")
                      .status(400)
                      .contentFilter(
                          new dev.spillway.ContentFilterResults(
                              java.util.List.of(violence, safe), "ResponsibleAIPolicyViolation"))
                      .build());

              assertThat(
                      registry
                          .get("spillway.content_filter")
                          .tags(
                              "spillway.content_filter.source",
                              "prompt",
                              "spillway.content_filter.category",
                              "violence",
                              "spillway.content_filter.severity",
                              "medium",
                              "spillway.content_filter.filtered",
                              "true")
                          .counter()
                          .count())
                  .isEqualTo(1);
              assertThat(registry.get("spillway.content_filter").counters()).hasSize(1);
            });
  }

  @Test
  void countsDeclaredConsumersTokensByTierAndRejectionsByReasonAndNothingForOthers() {
    // a simulator of its own: sim-0's quota is fresh, so the first call is served by tier 0
    try (SimulatedBackends fresh = SimulatedBackends.start(SMALL_TPM, LARGE_TPM)) {
      runner
          .withPropertyValues(fresh.properties())
          .withPropertyValues(
              "spillway.consumers[0].id=team-a",
              "spillway.consumers[0].rpm-limit=1",
              "spillway.consumers[1].id=team-b",
              "spillway.consumers[2].id=team-c")
          .run(
              context -> {
                MeterRegistry registry = new SimpleMeterRegistry();
                context.getBean(SpillwayMeterBinder.class).bindTo(registry);
                OpenAIClient client = context.getBean(OpenAIClient.class);

                CompletionsUsage teamA = consumerChat(client, "team-a", 5); // sim-0, tier 0
                // rpm-limit 1: the second call is refused before any backend
                assertThatThrownBy(() -> consumerChat(client, "team-a", 5))
                    .isInstanceOf(RuntimeException.class);
                CompletionsUsage teamB =
                    consumerChat(client, "team-b", OVERSIZED_MAX_TOKENS); // 429, then sim-1
                consumerChat(client, "stranger", 5); // undeclared: no consumer meter

                assertThat(consumerTokens(registry, "team-a", "0", "input"))
                    .isEqualTo(teamA.getPromptTokens());
                assertThat(consumerTokens(registry, "team-a", "0", "output"))
                    .isEqualTo(teamA.getCompletionTokens());
                assertThat(consumerTokens(registry, "team-b", "1", "input"))
                    .isEqualTo(teamB.getPromptTokens());
                assertThat(consumerTokens(registry, "team-b", "1", "output"))
                    .isEqualTo(teamB.getCompletionTokens());
                assertThat(registry.get("spillway.consumer.tokens").counters()).hasSize(4);

                assertThat(
                        registry
                            .get("spillway.consumer.rejections")
                            .tags(
                                "spillway.consumer.id",
                                "team-a",
                                "spillway.rejection.reason",
                                "consumer limit")
                            .counter()
                            .count())
                    .isEqualTo(1);
                assertThat(registry.get("spillway.consumer.rejections").counters()).hasSize(1);

                for (Meter meter : registry.getMeters()) {
                  assertThat(meter.getId().getTags())
                      .as(meter.getId().toString())
                      .noneMatch(t -> t.getValue().contains("stranger"))
                      .noneMatch(t -> t.getValue().equals("team-c"));
                }
                // the pool counted the undeclared caller all the same
                assertThat(
                        context
                            .getBean(dev.spillway.pool.SpillwayPool.class)
                            .snapshot()
                            .consumer("stranger")
                            .calls())
                    .isEqualTo(1);
              });
    }
  }

  private static double consumerTokens(
      MeterRegistry registry, String consumer, String tier, String tokenType) {
    return registry
        .get("spillway.consumer.tokens")
        .tags(
            "spillway.consumer.id",
            consumer,
            "spillway.backend.tier",
            tier,
            "gen_ai.token.type",
            tokenType)
        .counter()
        .count();
  }

  /** One chat call for {@code consumer}, named the azure-ai-openai way; its usage. */
  static CompletionsUsage consumerChat(OpenAIClient client, String consumer, int maxTokens) {
    return client
        .getChatCompletionsWithResponse(
            SimulatedBackends.MODEL,
            com.azure.core.util.BinaryData.fromObject(SimulatedBackends.options(maxTokens)),
            dev.spillway.azure.SpillwayContext.requestOptions(consumer, java.util.Map.of()))
        .getValue()
        .toObject(com.azure.ai.openai.models.ChatCompletions.class)
        .getUsage();
  }
}
