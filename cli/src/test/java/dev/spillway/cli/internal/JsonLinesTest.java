package dev.spillway.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.Usage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesTest {
  static final AttemptRecord THROTTLED =
      new AttemptRecord(
          1,
          "sweden-ptu",
          0,
          "gpt4o-ptu",
          AttemptOutcome.THROTTLED,
          429,
          null,
          Duration.ofMillis(2000),
          Duration.ZERO,
          Duration.ofNanos(3_140_000));
  static final AttemptRecord ADMITTED =
      new AttemptRecord(
          2,
          "eastus-paygo",
          1,
          "gpt-4o",
          AttemptOutcome.SUCCESS,
          200,
          null,
          null,
          Duration.ofMillis(4),
          Duration.ofNanos(37_960_000));
  static final AttemptRecord REFUSED =
      new AttemptRecord(
          1,
          "eastus-paygo",
          1,
          "gpt-4o",
          AttemptOutcome.FAILED,
          null,
          "java.net.ConnectException",
          Duration.ofSeconds(30),
          Duration.ZERO,
          Duration.ofMillis(1));

  @Test
  void callLineHasTheDocumentedShape() {
    CallResult result =
        new CallResult(
            1,
            true,
            200,
            "eastus-paygo",
            Duration.ofNanos(41_249_999),
            List.of(THROTTLED, ADMITTED),
            Usage.reported(12, 40),
            null);

    assertThat(JsonLines.call(result))
        .isEqualTo(
            "{\"call\":1,\"ok\":true,\"status\":200,"
                + "\"backend\":\"eastus-paygo\",\"latencyMs\":41.2,\"attempts\":[{\"backend\":"
                + "\"sweden-ptu\",\"status\":429,\"retryAfterMs\":2000,\"latencyMs\":3.1},{\"backend\":"
                + "\"eastus-paygo\",\"status\":200,\"latencyMs\":38.0}],\"usage\":{\"inputTokens\":12,"
                + "\"outputTokens\":40}}");
  }

  @Test
  void failedCallHasNullStatusAndAnEscapedError() {
    CallResult result =
        new CallResult(
            7,
            false,
            null,
            null,
            Duration.ofMillis(5),
            List.of(REFUSED),
            Usage.reported(0, 0),
            "refused \"quoted\"\\ and \u0001 \u00e9");

    assertThat(JsonLines.call(result))
        .isEqualTo(
            "{\"call\":7,\"ok\":false,\"status\":null,"
                + "\"backend\":null,\"latencyMs\":5.0,\"attempts\":[{\"backend\":\"eastus-paygo\","
                + "\"status\":null,\"error\":\"java.net.ConnectException\",\"retryAfterMs\":30000,"
                + "\"latencyMs\":1.0}],\"usage\":{\"inputTokens\":0,\"outputTokens\":0},"
                + "\"error\":\"refused \\\"quoted\\\"\\\\ and \\u0001 \u00e9\"}");
  }

  @Test
  void summaryLineHasTheDocumentedShape() {
    Summary summary =
        Summary.of(
            List.of(
                new CallResult(
                    1,
                    true,
                    200,
                    "sweden-ptu",
                    Duration.ofMillis(40),
                    List.of(ADMITTED),
                    Usage.reported(12, 40),
                    null),
                new CallResult(
                    2,
                    true,
                    200,
                    "eastus-paygo",
                    Duration.ofMillis(61),
                    List.of(THROTTLED, ADMITTED),
                    Usage.reported(12, 40),
                    null)));

    assertThat(JsonLines.summary(summary))
        .isEqualTo(
            "{\"summary\":{\"calls\":2,\"ok\":2,"
                + "\"failed\":0,\"byBackend\":{\"eastus-paygo\":1,\"sweden-ptu\":1},\"backend429\":1,"
                + "\"p50Ms\":40.0,\"p99Ms\":61.0,\"inputTokens\":24,\"outputTokens\":80}}");
  }

  @Test
  void summaryWithoutSuccessHasNullPercentiles() {
    Summary summary =
        Summary.of(
            List.of(
                new CallResult(
                    1,
                    false,
                    400,
                    "sweden-ptu",
                    Duration.ofMillis(3),
                    List.of(),
                    Usage.reported(0, 0),
                    "HTTP 400")));

    assertThat(JsonLines.summary(summary))
        .isEqualTo(
            "{\"summary\":{\"calls\":1,\"ok\":0,"
                + "\"failed\":1,\"byBackend\":{},\"backend429\":0,\"p50Ms\":null,\"p99Ms\":null,"
                + "\"inputTokens\":0,\"outputTokens\":0}}");
  }
}
