package dev.spillway.spring.actuate;

import static dev.spillway.spring.SimulatedBackends.LARGE_TPM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.models.CompletionsUsage;
import dev.spillway.spring.SimulatedBackends;
import dev.spillway.spring.SpillwayAutoConfiguration;
import dev.spillway.spring.actuate.SpillwayConsumersEndpoint.ConsumerDescriptor;
import dev.spillway.spring.actuate.SpillwayConsumersEndpoint.ConsumersDescriptor;
import dev.spillway.spring.actuate.SpillwayConsumersEndpoint.Limits;
import dev.spillway.spring.actuate.SpillwayConsumersEndpoint.Rejections;
import dev.spillway.spring.actuate.SpillwayConsumersEndpoint.TokensByTier;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The {@code spillwayconsumers} endpoint: every consumer's limits and counters after real calls
 * through the Azure client over the simulator, one consumer or none, read-only, and only when
 * exposed.
 */
class SpillwayConsumersEndpointTest {
  private static SimulatedBackends backends;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SpillwayAutoConfiguration.class, SpillwayEndpointAutoConfiguration.class))
          .withPropertyValues("management.endpoints.web.exposure.include=spillwayconsumers");

  @BeforeAll
  static void startSimulator() {
    backends = SimulatedBackends.start(LARGE_TPM, LARGE_TPM);
  }

  @AfterAll
  static void stopSimulator() {
    backends.close();
  }

  /** Consumers of every kind: limited, with a quota and a model list, batch, and the defaults. */
  static final String[] CONSUMERS = {
    "spillway.consumers[0].id=team-a",
    "spillway.consumers[0].rpm-limit=1",
    "spillway.consumers[0].tpm-limit=50000",
    "spillway.consumers[0].token-quota=1000000",
    "spillway.consumers[0].token-quota-period=day",
    "spillway.consumers[0].models[0]=gpt-4o",
    "spillway.consumers[1].id=team-b",
    "spillway.consumers[1].priority=batch",
    "spillway.consumers[2].id=default",
    "spillway.consumers[2].rpm-limit=100",
  };

  @Test
  void listsEveryConsumersLimitsAndCounters() {
    runner
        .withPropertyValues(backends.properties())
        .withPropertyValues(CONSUMERS)
        .run(
            context -> {
              OpenAIClient client = context.getBean(OpenAIClient.class);
              CompletionsUsage usage = SpillwayMeterBinderTest.consumerChat(client, "team-a", 5);
              assertThatThrownBy(() -> SpillwayMeterBinderTest.consumerChat(client, "team-a", 5))
                  .isInstanceOf(RuntimeException.class); // rpm-limit 1
              SpillwayMeterBinderTest.consumerChat(client, "stranger", 5);

              ConsumersDescriptor all =
                  context.getBean(SpillwayConsumersEndpoint.class).consumers();
              assertThat(Instant.parse(all.takenAt())).isNotNull();
              assertThat(all.consumers())
                  .extracting(ConsumerDescriptor::id)
                  .containsExactly("team-a", "team-b", "default", "stranger");

              ConsumerDescriptor a = all.consumers().get(0);
              long tokens = usage.getPromptTokens() + usage.getCompletionTokens();
              assertThat(a.declared()).isTrue();
              assertThat(a.limits())
                  .isEqualTo(
                      new Limits("interactive", 50000, 1, 1000000, "day", List.of("gpt-4o")));
              assertThat(a.calls()).isEqualTo(2);
              assertThat(a.succeeded()).isEqualTo(1);
              assertThat(a.inputTokens()).isEqualTo(usage.getPromptTokens());
              assertThat(a.outputTokens()).isEqualTo(usage.getCompletionTokens());
              assertThat(a.tokensByTier()).isEqualTo(new TokensByTier(tokens, 0));
              assertThat(a.throttledAttempts()).isZero();
              assertThat(a.rejections()).isEqualTo(new Rejections(1, 0, 0, 0));
              assertThat(a.window().requests()).isEqualTo(1);
              assertThat(a.window().tokens()).isEqualTo(tokens);
              assertThat(a.quota().used()).isEqualTo(tokens);
              assertThat(Instant.parse(a.quota().resetsAt())).isAfter(Instant.parse(all.takenAt()));
              assertThat(a.byModel()).containsOnlyKeys("gpt-4o");
              assertThat(a.byModel().get("gpt-4o").calls()).isEqualTo(2);
              assertThat(a.byModel().get("gpt-4o").tokensByTier())
                  .isEqualTo(new TokensByTier(tokens, 0));

              ConsumerDescriptor b = all.consumers().get(1);
              assertThat(b.declared()).isTrue();
              assertThat(b.calls()).isZero();
              assertThat(b.limits()).isEqualTo(new Limits("batch", 0, 0, 0, "month", List.of()));
              assertThat(b.quota()).isNull();

              ConsumerDescriptor stranger = all.consumers().get(3);
              assertThat(stranger.declared()).isFalse();
              assertThat(stranger.calls()).isEqualTo(1);
              assertThat(stranger.limits().rpmLimit()).as("the default's limits").isEqualTo(100);
            });
  }

  @Test
  void reportsOneConsumerOrNothing() {
    runner
        .withPropertyValues(backends.properties())
        .withPropertyValues(CONSUMERS)
        .run(
            context -> {
              SpillwayConsumersEndpoint endpoint = context.getBean(SpillwayConsumersEndpoint.class);
              assertThat(endpoint.consumer("team-b").limits().priority()).isEqualTo("batch");
              assertThat(endpoint.consumer("nope")).isNull();
            });
  }

  @Test
  void undeclaredConsumersWithoutADefaultHaveNoLimits() {
    runner
        .withPropertyValues(backends.properties())
        .run(
            context -> {
              SpillwayMeterBinderTest.consumerChat(
                  context.getBean(OpenAIClient.class), "stranger", 5);
              ConsumerDescriptor stranger =
                  context.getBean(SpillwayConsumersEndpoint.class).consumer("stranger");
              assertThat(stranger.declared()).isFalse();
              assertThat(stranger.limits())
                  .isEqualTo(new Limits("interactive", 0, 0, 0, "month", List.of()));
              assertThat(stranger.succeeded()).isEqualTo(1);
            });
  }

  @Test
  void isReadOnlyAndKeepsItsSelectorName() {
    List<Method> operations =
        Arrays.stream(SpillwayConsumersEndpoint.class.getDeclaredMethods())
            .filter(m -> Modifier.isPublic(m.getModifiers()))
            .toList();
    assertThat(operations).hasSize(2).allMatch(m -> m.isAnnotationPresent(ReadOperation.class));
    assertThat(operations.stream().flatMap(m -> Arrays.stream(m.getParameters())))
        .allMatch(Parameter::isNamePresent)
        .extracting(Parameter::getName)
        .containsExactly("consumerId");
  }

  @Test
  void isAbsentUnlessExposed() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                SpillwayAutoConfiguration.class, SpillwayEndpointAutoConfiguration.class))
        .withPropertyValues(backends.properties())
        .withPropertyValues("management.endpoints.web.exposure.include=spillway")
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .hasSingleBean(SpillwayEndpoint.class)
                    .doesNotHaveBean(SpillwayConsumersEndpoint.class));
  }
}
