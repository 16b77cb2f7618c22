package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CallOutcome} as a value: defaults, copies, equality, and a toString without secrets. */
class CallOutcomeTest {
  private static final AttemptRecord THROTTLED_ON_PTU =
      new AttemptRecord(
          1,
          "ptu",
          0,
          "ptu-gpt4o",
          AttemptOutcome.THROTTLED,
          429,
          null,
          Duration.ofSeconds(2),
          Duration.ZERO,
          Duration.ofMillis(30));
  private static final AttemptRecord SUCCESS_ON_PAYGO =
      new AttemptRecord(
          2,
          "paygo",
          1,
          "paygo-gpt4o",
          AttemptOutcome.SUCCESS,
          200,
          null,
          null,
          Duration.ofMillis(31),
          Duration.ofMillis(80));

  private static CallOutcome.Builder failedOver() {
    return CallOutcome.builder("c-1", "chat", "gpt-4o")
        .consumerId("team-a")
        .tags(Map.of("job", "nightly"))
        .finalRoute("paygo", "paygo-gpt4o")
        .attempts(List.of(THROTTLED_ON_PTU, SUCCESS_ON_PAYGO))
        .status(200)
        .usage(Usage.reported(12, 34))
        .latency(Duration.ofMillis(120));
  }

  @Test
  void everyOptionalFieldHasItsDocumentedDefault() {
    CallOutcome o = CallOutcome.builder("c-1", "embeddings", "ada").build();

    assertThat(o.callId()).isEqualTo("c-1");
    assertThat(o.operation()).isEqualTo("embeddings");
    assertThat(o.model()).isEqualTo("ada");
    assertThat(o.consumerId()).isNull();
    assertThat(o.tags()).isEmpty();
    assertThat(o.streamed()).isFalse();
    assertThat(o.backendId()).isNull();
    assertThat(o.deployment()).isNull();
    assertThat(o.attempts()).isEmpty();
    assertThat(o.status()).isNull();
    assertThat(o.error()).isNull();
    assertThat(o.usage()).isEqualTo(Usage.estimated(0, 0));
    assertThat(o.latency()).isEqualTo(Duration.ZERO);
    assertThat(o.succeeded()).isFalse();
  }

  @Test
  void readsBackWhatWasBuiltAndCountsThrottles() {
    CallOutcome o = failedOver().streamed(true).build();

    assertThat(o.consumerId()).isEqualTo("team-a");
    assertThat(o.tags()).containsExactly(Map.entry("job", "nightly"));
    assertThat(o.streamed()).isTrue();
    assertThat(o.backendId()).isEqualTo("paygo");
    assertThat(o.deployment()).isEqualTo("paygo-gpt4o");
    assertThat(o.attempts()).containsExactly(THROTTLED_ON_PTU, SUCCESS_ON_PAYGO);
    assertThat(o.status()).isEqualTo(200);
    assertThat(o.usage()).isEqualTo(Usage.reported(12, 34));
    assertThat(o.latency()).isEqualTo(Duration.ofMillis(120));
    assertThat(o.succeeded()).isTrue();
    assertThat(o.throttledAttempts()).isEqualTo(1);
  }

  @Test
  void copiesTheCollectionsItIsGiven() {
    Map<String, String> tags = new HashMap<>(Map.of("job", "nightly"));
    List<AttemptRecord> attempts = new ArrayList<>(List.of(THROTTLED_ON_PTU));
    CallOutcome o = failedOver().tags(tags).attempts(attempts).build();

    tags.put("later", "x");
    attempts.add(SUCCESS_ON_PAYGO);

    assertThat(o.tags()).containsOnlyKeys("job");
    assertThat(o.attempts()).containsExactly(THROTTLED_ON_PTU);
    assertThatThrownBy(() -> o.attempts().add(SUCCESS_ON_PAYGO))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void equalWhenEveryFieldIsEqual() {
    RuntimeException error = new RuntimeException("boom");

    assertThat(failedOver().build()).isEqualTo(failedOver().build());
    assertThat(failedOver().build()).hasSameHashCodeAs(failedOver().build());
    assertThat(failedOver().error(error).build()).isEqualTo(failedOver().error(error).build());
    assertThat(failedOver().build()).isNotEqualTo(failedOver().streamed(true).build());
    assertThat(failedOver().build()).isNotEqualTo(failedOver().consumerId("team-b").build());
    assertThat(failedOver().build()).isNotEqualTo(failedOver().status(201).build());
    assertThat(failedOver().build())
        .isNotEqualTo(failedOver().usage(Usage.estimated(12, 34)).build());
    assertThat(failedOver().build()).isNotEqualTo(failedOver().latency(Duration.ZERO).build());
    // an error is compared by identity, as Throwable defines equality
    assertThat(failedOver().error(error).build())
        .isNotEqualTo(failedOver().error(new RuntimeException("boom")).build());
  }

  @Test
  void toStringNamesTheAttemptsAndTheErrorClassButNotItsMessage() {
    CallOutcome o =
        failedOver()
            .status(null)
            .error(new IllegalStateException("api-key: sk-secret-123 in a quoted body"))
            .build();

    assertThat(o.toString())
        .startsWith("CallOutcome[c-1 chat gpt-4o")
        .contains("consumerId=team-a")
        .contains("ptu/ptu-gpt4o throttled 429, paygo/paygo-gpt4o success 200")
        .contains("error=java.lang.IllegalStateException")
        .doesNotContain("sk-secret-123")
        .doesNotContain("quoted body");
  }

  @Test
  void aStatefulOperationNamesNoModel() {
    CallOutcome files = CallOutcome.builder("c", "files", null).build();
    assertThat(files.model()).isNull();
    assertThat(files).isEqualTo(CallOutcome.builder("c", "files", null).build());
    assertThat(files).isNotEqualTo(CallOutcome.builder("c", "files", "gpt-4o").build());
    assertThat(files.toString()).contains("files");
  }

  @Test
  void rejectsMissingRequiredFieldsAndANegativeLatencyByName() {
    assertThatThrownBy(() -> CallOutcome.builder(null, "chat", "gpt-4o"))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("callId");
    assertThatThrownBy(() -> CallOutcome.builder("c", null, "gpt-4o"))
        .hasMessageContaining("operation");
    assertThatThrownBy(() -> failedOver().usage(null)).hasMessageContaining("usage");
    assertThatThrownBy(() -> failedOver().latency(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("latency must be >= 0, was PT-0.001S");
  }
}
