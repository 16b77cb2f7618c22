package dev.spillway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code demo} on the embedded simulator, as a new user runs it. */
class DemoIT {

  @ParameterizedTest
  @ValueSource(strings = {"azure", "openai"})
  void fiveSecondDemoFailsNoCallAndUsesBothTiers(String sdk) throws Exception {
    CliRun run = CliRun.of("demo", "--sdk", sdk, "--seconds", "5", "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.outLines()).hasSize(1);
    JsonNode summary = new ObjectMapper().readTree(run.out()).get("summary");
    assertThat(summary.get("failed").asInt()).isZero();
    assertThat(summary.get("ok").asInt()).isEqualTo(summary.get("calls").asInt()).isPositive();
    List<String> backends = new ArrayList<>();
    summary.get("byBackend").fieldNames().forEachRemaining(backends::add);
    assertThat(backends).as("tier 0").anyMatch(id -> id.contains("-ptu-"));
    assertThat(backends).as("tier 1").anyMatch(id -> id.endsWith("-paygo"));
    assertThat(summary.get("outputTokens").asLong()).isPositive();
    assertThat(run.out() + run.err()).doesNotContain("key-");
  }

  @Test
  void withoutTerminalItPrintsPlainLinesAndTheSummary() {
    CliRun run = CliRun.of("demo", "--seconds", "1");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith("Spillway demo: 1 s of gpt-4o traffic through azure-ai-openai")
        .contains("429s absorbed", "calls ", " ok, 0 failed", "latency        p50 ")
        .doesNotContain("\u001b[");
  }

  @Test
  void anUnknownSdkIsABadArgumentNamingTheChoices() {
    CliRun run = CliRun.of("demo", "--sdk", "langchain", "--seconds", "1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--sdk", "expected azure or openai, was 'langchain'");
  }
}
