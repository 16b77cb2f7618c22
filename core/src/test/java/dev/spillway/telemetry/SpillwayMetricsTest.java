package dev.spillway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.AttemptOutcome;
import dev.spillway.CallOutcome;
import dev.spillway.CoolDownReason;
import dev.spillway.Usage;
import io.opentelemetry.api.common.Attributes;
import java.net.ConnectException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of the metric vocabulary, case by case (the engine's metrics follow from them). */
class SpillwayMetricsTest {
  private static CallOutcome.Builder call() {
    return CallOutcome.builder("c-1", "chat", "gpt-4o")
        .consumerId("team-a")
        .tags(Map.of("job", "nightly"));
  }

  @Test
  void theErrorTypeIsTheExceptionClassElseAStatusOf400OrMore() {
    assertThat(SpillwayMetrics.errorType(call().status(200).build())).isNull();
    assertThat(SpillwayMetrics.errorType(call().status(302).build())).isNull();
    assertThat(SpillwayMetrics.errorType(call().status(429).build())).isEqualTo("429");
    assertThat(SpillwayMetrics.errorType(call().status(400).build())).isEqualTo("400");
    assertThat(SpillwayMetrics.errorType(call().status(200).error(new ConnectException()).build()))
        .isEqualTo("java.net.ConnectException");
    assertThat(SpillwayMetrics.errorType(call().build())).isNull();
  }

  @Test
  void tokensAreRecordedUnlessTheUsageIsTheEstimatedZeroOfACallNothingAdmitted() {
    assertThat(SpillwayMetrics.recordsTokens(call().usage(Usage.reported(3, 4)).build())).isTrue();
    assertThat(SpillwayMetrics.recordsTokens(call().usage(Usage.reported(0, 0)).build())).isTrue();
    assertThat(SpillwayMetrics.recordsTokens(call().usage(Usage.estimated(3, 0)).build())).isTrue();
    assertThat(SpillwayMetrics.recordsTokens(call().status(400).build())).isFalse();
    assertThat(
            SpillwayMetrics.recordsTokens(
                call().finalRoute("b", "d").status(400).usage(Usage.estimated(0, 0)).build()))
        .isFalse();
  }

  @Test
  void callAttributesNameOperationProviderModelAndAnErrorButNeverTheConsumerOrTags() {
    assertThat(SpillwayMetrics.callAttributes(call().status(200).build()))
        .isEqualTo(
            Attributes.of(
                SpillwayMetrics.OPERATION_NAME, "chat",
                SpillwayMetrics.PROVIDER_NAME, "azure.ai.openai",
                SpillwayMetrics.REQUEST_MODEL, "gpt-4o"));
    Attributes failed =
        SpillwayMetrics.tokenAttributes(
            call().status(503).build(), SpillwayMetrics.TOKEN_TYPE_OUTPUT);
    assertThat(failed.get(SpillwayMetrics.ERROR_TYPE)).isEqualTo("503");
    assertThat(failed.get(SpillwayMetrics.TOKEN_TYPE)).isEqualTo("output");
    assertThat(failed.size()).isEqualTo(5);
    assertThat(failed.toString()).doesNotContain("team-a").doesNotContain("nightly");
  }

  @Test
  void attemptAndRouteAttributesCarryTheTierAsANumber() {
    Attributes attempt = SpillwayMetrics.attemptAttributes("ptu", 0, AttemptOutcome.CALLER_ERROR);
    assertThat(attempt.get(SpillwayMetrics.BACKEND_TIER)).isZero();
    assertThat(attempt.get(SpillwayMetrics.ATTEMPT_OUTCOME)).isEqualTo("caller_error");
    assertThat(
            SpillwayMetrics.coolDownAttributes("ptu", "d", CoolDownReason.MISCONFIGURED)
                .get(SpillwayMetrics.COOLDOWN_REASON))
        .isEqualTo("misconfigured");
    assertThat(SpillwayMetrics.routeAttributes("ptu", "d").size()).isEqualTo(2);
    assertThat(SpillwayMetrics.backendAttributes("ptu").get(SpillwayMetrics.BACKEND_ID))
        .isEqualTo("ptu");
  }
}
