package dev.spillway.simulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spillway.testing.AzureRecordings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulator's bodies against the recorded Azure answers in core's test resources,
 * azure-recordings/ (read through core's test-jar).
 */
class AzureBodiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AzureBodies.Answer ANSWER =
      new AzureBodies.Answer(
          "chatcmpl-x",
          1733358923,
          "gpt-4o-2024-08-06",
          "fp_d54531d9eb",
          List.of("Hello", "!"),
          11,
          9);

  private static JsonNode entry(String file, int index) throws IOException {
    try (InputStream in = AzureRecordings.open(file)) {
      return JSON.readTree(in).path("Entries").path(index);
    }
  }

  private static String compact(JsonNode body) throws IOException {
    return JSON.writeValueAsString(body);
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Field names in document order, recursively, with array elements flattened. */
  private static List<String> shape(JsonNode node) {
    List<String> names = new ArrayList<>();
    collect(node, "", names);
    return names;
  }

  private static void collect(JsonNode node, String path, List<String> names) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              e -> {
                names.add(path + "/" + e.getKey());
                collect(e.getValue(), path + "/" + e.getKey(), names);
              });
    } else if (node.isArray() && !node.isEmpty()) {
      collect(node.get(0), path + "[]", names);
    }
  }

  @Test
  void standard429BodiesAreWordForWordTheRecordedOnes() throws IOException {
    JsonNode tokens =
        entry(
            "test_mass_evaluate.pyTestMassEvaluatetest_evaluate_conversation.EXCERPT-first-2-entries.json",
            0);
    JsonNode calls =
        entry(
            "test_mass_evaluate.pyTestMassEvaluatetest_evaluate_conversation.EXCERPT-first-2-entries.json",
            1);

    byte[] tokenBody =
        AzureBodies.rateLimited("ChatCompletions_Create", "2023-07-01-preview", true, 43);
    byte[] callBody =
        AzureBodies.rateLimited("ChatCompletions_Create", "2023-07-01-preview", false, 3);

    assertThat(utf8(tokenBody)).isEqualTo(compact(tokens.path("ResponseBody")) + "\n");
    assertThat(tokenBody).hasSize(tokens.path("ResponseHeaders").path("Content-Length").asInt());
    assertThat(utf8(callBody)).isEqualTo(compact(calls.path("ResponseBody")) + "\n");
    assertThat(callBody).hasSize(calls.path("ResponseHeaders").path("Content-Length").asInt());
  }

  @Test
  void gatewayErrorBodiesAreTheRecordedOnes() throws IOException {
    JsonNode unauthorized = entry("ChatCompletionBadKeyGivesHelpfulError.json", 0);
    JsonNode notFound =
        entry("OpenAISyncClientTest.testGetCompletionsWithResponseBadDeployment.json", 0);

    byte[] unauthorizedBody = FixedBodies.UNAUTHORIZED;
    byte[] notFoundBody = FixedBodies.DEPLOYMENT_NOT_FOUND;

    assertThat(utf8(unauthorizedBody)).isEqualTo(compact(unauthorized.path("ResponseBody")));
    assertThat(unauthorizedBody)
        .hasSize(unauthorized.path("ResponseHeaders").path("Content-Length").asInt());
    assertThat(utf8(notFoundBody)).isEqualTo(compact(notFound.path("ResponseBody")) + "\n");
    assertThat(notFoundBody)
        .hasSize(notFound.path("ResponseHeaders").path("Content-Length").asInt());
  }

  @Test
  void chatCompletionHasTheRecordedShapeAndOrder() throws IOException {
    JsonNode recorded = entry("ChatCompletion.json", 0).path("ResponseBody");
    JsonNode ours = JSON.readTree(AzureBodies.chatCompletion(ANSWER));

    assertThat(shape(ours)).isEqualTo(shape(recorded));
    assertThat(ours.path("prompt_filter_results"))
        .isEqualTo(recorded.path("prompt_filter_results"));
    assertThat(ours.path("choices").path(0).path("content_filter_results"))
        .isEqualTo(recorded.path("choices").path(0).path("content_filter_results"));
    assertThat(ours.path("usage").path("total_tokens").asInt()).isEqualTo(13);
    assertThat(ours.path("choices").path(0).path("message").path("content").asText())
        .isEqualTo("Hello!");
  }

  @Test
  void legacyCompletionHasTheRecordedShapeAndOrder() throws IOException {
    JsonNode recorded =
        entry("OpenAISyncClientTest.testGetCompletionsTokenCutoff.json", 0).path("ResponseBody");
    AzureBodies.Answer cutOff =
        new AzureBodies.Answer(
            "cmpl-x", 1, "gpt-35-turbo-instruct", "fp", List.of("The", " end", "."), 5, 3);
    JsonNode ours = JSON.readTree(AzureBodies.completion(cutOff));

    assertThat(shape(ours)).isEqualTo(shape(recorded));
    assertThat(ours.path("choices").path(0).path("finish_reason").asText()).isEqualTo("length");
  }

  @Test
  void streamFramesFollowTheRecordedSequence() throws IOException {
    JsonNode frames = entry("ChatCompletionStreaming.json", 0).path("ResponseBody");
    AzureBodies.Stream stream = new AzureBodies.Stream(ANSWER, true, true);

    assertThat(stream.size()).isEqualTo(2 + 2 + 1 + 1 + 1);
    assertThat(utf8(stream.frame(0))).isEqualTo(frames.get(0).asText());
    assertThat(utf8(stream.frame(stream.size() - 1))).isEqualTo("data: [DONE]\n\n");
    int recordedLast = frames.size() - 1;
    List<Integer> ourFrames = List.of(1, 2, 4, 5);
    List<Integer> theirFrames = List.of(1, 2, recordedLast - 2, recordedLast - 1);
    for (int i = 0; i < ourFrames.size(); i++) {
      JsonNode ours = data(utf8(stream.frame(ourFrames.get(i))));
      JsonNode theirs = data(frames.get(theirFrames.get(i)).asText());
      assertThat(ours.properties().stream().map(e -> e.getKey()).toList())
          .isEqualTo(theirs.properties().stream().map(e -> e.getKey()).toList());
      if (!theirs.path("choices").isEmpty()) {
        assertThat(ours.path("choices").path(0).path("content_filter_results"))
            .isEqualTo(theirs.path("choices").path(0).path("content_filter_results"));
        assertThat(
                ours.path("choices").path(0).path("delta").properties().stream()
                    .map(e -> e.getKey()))
            .containsExactlyElementsOf(
                theirs.path("choices").path(0).path("delta").properties().stream()
                    .map(e -> e.getKey())
                    .toList());
      }
    }
    JsonNode usage = data(utf8(stream.frame(5)));
    assertThat(usage.path("choices")).isEmpty();
    assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(2);
  }

  @Test
  void streamsWithoutIncludeUsageHaveNoUsageAnywhere() {
    AzureBodies.Stream stream = new AzureBodies.Stream(ANSWER, true, false);
    assertThat(stream.size()).isEqualTo(2 + 2 + 1 + 1);
    for (int i = 0; i < stream.size(); i++) {
      assertThat(utf8(stream.frame(i))).doesNotContain("usage");
    }
  }

  private static JsonNode data(String frame) throws IOException {
    assertThat(frame).startsWith("data: ").endsWith("\n\n");
    return JSON.readTree(frame.substring(6));
  }
}
