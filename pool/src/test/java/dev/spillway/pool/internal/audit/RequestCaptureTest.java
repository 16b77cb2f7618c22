package dev.spillway.pool.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.pool.audit.AuditRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestCaptureTest {

  @Test
  void theRecordedToolRequestGivesItsMessagesToolsAndParameters() throws Exception {
    AuditRecord.Request request =
        RequestCapture.read(AuditRecordings.request("SimpleToolWorksTool.json"), 1 << 14);

    assertThat(request.messages())
        .extracting(AuditRecord.Message::role, AuditRecord.Message::content)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("system", "You are a helpful assistant."),
            org.assertj.core.groups.Tuple.tuple(
                "user", "What should I wear in Honolulu next Thursday?"));
    assertThat(request.tools()).singleElement().asString().contains("get_future_temperature");
    assertThat(request.parameters())
        .containsEntry("max_tokens", "512")
        .containsEntry("model", "gpt-4o-0806")
        .containsEntry(
            "tool_choice",
            "{\"type\":\"function\",\"function\":{\"name\":\"get_future_temperature\"}}");
  }

  @Test
  void toolMessagesPartsAndEmbeddingInputsAreKept() {
    String body =
        "{\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\","
            + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"22C\"},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"look\"},"
            + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x\"}}]}],"
            + "\"input\":[\"a\",\"b\"]}";
    AuditRecord.Request request =
        RequestCapture.read(body.getBytes(StandardCharsets.UTF_8), 1 << 14);

    assertThat(request.messages().get(0).toolCalls())
        .containsExactly(new AuditRecord.ToolCall(0, "c1", "function", "f", "{}"));
    assertThat(request.messages().get(1).toolCallId()).isEqualTo("c1");
    assertThat(request.messages().get(1).content()).isEqualTo("22C");
    assertThat(request.messages().get(2).content()).isEqualTo("look\n[image_url]");
    assertThat(request.input()).containsExactly("a", "b");
  }

  @Test
  void aBodyThatIsNotJsonGivesNoRequest() {
    assertThat(RequestCapture.read("--boundary".getBytes(StandardCharsets.UTF_8), 10)).isNull();
  }
}
