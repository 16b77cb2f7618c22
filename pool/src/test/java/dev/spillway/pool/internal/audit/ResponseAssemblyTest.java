package dev.spillway.pool.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.ContentFilterResult;
import dev.spillway.ContentFilterResult.Source;
import dev.spillway.pool.audit.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseAssemblyTest {
  private static ResponseAssembly full() {
    return new ResponseAssembly(true, 1 << 14);
  }

  private static void read(ResponseAssembly a, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    a.read(bytes, 0, bytes.length);
  }

  @Test
  void aRecordedStreamOfManyChunksJoinsItsContentDeltas() throws Exception {
    ResponseAssembly a = full();
    List<String> frames =
        AuditRecordings.frames("TestClient_GetChatCompletionsStream_AzureOpenAI.json");
    assertThat(frames).hasSizeGreaterThan(30);
    frames.forEach(f -> read(a, f));

    AuditRecord.Choice choice = a.response().choices().get(0);
    assertThat(choice.message().role()).isEqualTo("assistant");
    assertThat(choice.message().content()).isEqualTo("1, 2, 3, 4, 5, 6, 7, 8, 9, 10.");
    assertThat(choice.finishReason()).isEqualTo("stop");
    assertThat(a.contentFilter().of(Source.PROMPT)).hasSize(4);
    assertThat(a.contentFilter().of(Source.COMPLETION))
        .extracting(ContentFilterResult::category)
        .containsExactly("hate", "self_harm", "sexual", "violence");
  }

  @Test
  void aStreamsFilterResultIsTheWorstOfItsChunks() {
    ResponseAssembly a = full();
    read(a, chunk("\"violence\":{\"filtered\":false,\"severity\":\"low\"}"));
    read(a, chunk("\"violence\":{\"filtered\":false,\"severity\":\"safe\"}"));
    read(a, chunk("\"jailbreak\":{\"filtered\":false,\"detected\":true}"));
    read(a, chunk("\"jailbreak\":{\"filtered\":false,\"detected\":false}"));

    assertThat(a.contentFilter().results())
        .containsExactly(
            new ContentFilterResult(Source.COMPLETION, 0, "violence", false, "low", null),
            new ContentFilterResult(Source.COMPLETION, 0, "jailbreak", false, null, true));
  }

  private static String chunk(String categories) {
    return "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},"
        + "\"content_filter_results\":{"
        + categories
        + "}}]}";
  }

  @Test
  void toolCallDeltasJoinPerIndexAndIdAndLegacyFunctionCallDeltasJoinToo() {
    ResponseAssembly a = full();
    read(a, toolDelta(0, "call_a", "get_weather", "{\"city\":"));
    read(a, toolDelta(1, "call_b", "get_time", "{\"tz\":"));
    read(a, toolDelta(0, null, null, "\"Oslo\"}"));
    read(a, toolDelta(1, null, null, "\"CET\"}"));
    // a provider that reuses index 0 for a second call: a new id starts a new call
    read(a, toolDelta(0, "call_c", "get_news", "{}"));

    assertThat(a.response().choices().get(0).message().toolCalls())
        .containsExactly(
            new AuditRecord.ToolCall(0, "call_a", "function", "get_weather", "{\"city\":\"Oslo\"}"),
            new AuditRecord.ToolCall(1, "call_b", "function", "get_time", "{\"tz\":\"CET\"}"),
            new AuditRecord.ToolCall(0, "call_c", "function", "get_news", "{}"));

    ResponseAssembly legacy = full();
    read(
        legacy,
        "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"function_call\":{\"name\":\"lookup\",\"arguments\":\"\"}}}]}");
    read(
        legacy,
        "{\"choices\":[{\"index\":0,\"delta\":{\"function_call\":{\"arguments\":\"{\\\"q\\\"\"}}}]}");
    read(
        legacy,
        "{\"choices\":[{\"index\":0,\"delta\":{\"function_call\":{\"arguments\":\":1}\"}}}],"
            + "\"finish_reason\":null}");
    assertThat(legacy.response().choices().get(0).message().functionCall())
        .isEqualTo(new AuditRecord.ToolCall(0, null, null, "lookup", "{\"q\":1}"));
  }

  private static String toolDelta(int index, String id, String name, String arguments) {
    StringBuilder call = new StringBuilder("{\"index\":").append(index);
    if (id != null) {
      call.append(",\"id\":\"").append(id).append("\",\"type\":\"function\"");
    }
    call.append(",\"function\":{");
    if (name != null) {
      call.append("\"name\":\"").append(name).append("\",");
    }
    call.append("\"arguments\":").append(quote(arguments)).append("}}");
    return "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[" + call + "]}}]}";
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Test
  void theRecordedRefusalsInnerErrorGivesThePromptsResults() throws Exception {
    ResponseAssembly a = new ResponseAssembly(false, 1);
    String body =
        AuditRecordings.response(
            "TestClient_GetChatCompletions_AzureOpenAI_ContentFilterWithError.json");
    read(a, body);

    assertThat(a.contentFilter().errorCode()).isEqualTo("ResponsibleAIPolicyViolation");
    assertThat(a.contentFilter().filtered()).isTrue();
    assertThat(a.contentFilter().results())
        .containsExactly(
            new ContentFilterResult(Source.PROMPT, 0, "hate", false, "safe", null),
            new ContentFilterResult(Source.PROMPT, 0, "self_harm", false, "safe", null),
            new ContentFilterResult(Source.PROMPT, 0, "sexual", false, "safe", null),
            new ContentFilterResult(Source.PROMPT, 0, "violence", true, "medium", null));
  }

  @Test
  void withoutTextOnlyMetadataIsKept() {
    ResponseAssembly a = new ResponseAssembly(false, 1 << 14);
    read(
        a,
        "{\"id\":\"r1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
            + "\"assistant\",\"content\":\"secret\"},\"finish_reason\":\"length\"}]}");

    assertThat(a.id()).isEqualTo("r1");
    assertThat(a.finishReasons()).containsExactly("length");
    assertThat(a.response().choices().get(0).message().content()).isNull();
  }

  @Test
  void withoutTextTheRecordedResponsesGiveTheSameMetadataAsAFullRead() throws Exception {
    List<List<String>> responses =
        List.of(
            AuditRecordings.frames("TestClient_GetChatCompletionsStream_AzureOpenAI.json"),
            List.of(
                AuditRecordings.response(
                    "TestClient_GetChatCompletions_AzureOpenAI_ContentFilterWithError.json")),
            List.of(AuditRecordings.response("ChatCompletion.json")),
            List.of(AuditRecordings.response("SimpleToolWorksTool.json")),
            List.of(
                AuditRecordings.response(
                    "OpenAISyncClientTest.testGetCompletionsTokenCutoff.json")),
            // members the metadata read skips may hold anything, choices that are not objects too
            List.of(
                "{\"choices\":[{\"message\":{\"content\":[1,{\"a\":null}]},\"index\":2,"
                    + "\"content_filter_results\":{\"hate\":{\"filtered\":true}}},7,\"x\"],"
                    + "\"usage\":{\"total_tokens\":3},\"id\":\"r\",\"model\":\"m\"}",
                "{\"choices\":{\"index\":1},\"error\":{\"code\":\"content_filter\"}}"));
    for (List<String> response : responses) {
      ResponseAssembly metadata = new ResponseAssembly(false, 1 << 14);
      ResponseAssembly all = full();
      response.forEach(
          f -> {
            read(metadata, f);
            read(all, f);
          });
      assertThat(metadata.id()).isEqualTo(all.id());
      assertThat(metadata.model()).isEqualTo(all.model());
      assertThat(metadata.finishReasons()).isEqualTo(all.finishReasons());
      assertThat(metadata.contentFilter()).isEqualTo(all.contentFilter());
      assertThat(metadata.response() == null).isEqualTo(all.response() == null);
    }
  }

  @Test
  void aLegacyCompletionsTextIsTheChoicesContent() throws Exception {
    ResponseAssembly a = full();
    read(a, AuditRecordings.response("OpenAISyncClientTest.testGetCompletionsTokenCutoff.json"));

    AuditRecord.Choice choice = a.response().choices().get(0);
    assertThat(choice.message().role()).isNull();
    assertThat(choice.message().content()).isNotBlank();
    assertThat(choice.finishReason()).isEqualTo("length");
  }
}
