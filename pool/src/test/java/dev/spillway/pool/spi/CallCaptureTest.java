package dev.spillway.pool.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.ContentFilterResults;
import dev.spillway.pool.internal.audit.AuditRecordings;
import dev.spillway.pool.internal.audit.ResponseAssembly;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallCaptureTest {
  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** The map-based read of the audit records, for comparison. */
  private static ContentFilterResults assembled(List<byte[]> bodies) {
    ResponseAssembly a = new ResponseAssembly(false, 1 << 14);
    bodies.forEach(b -> a.read(b, 0, b.length));
    return a.contentFilter();
  }

  @Test
  void withAuditOffOnePassGivesTheFactsAndTheFilterResultsOfTwoReads() throws Exception {
    List<String> bodies = new ArrayList<>();
    for (String recording :
        List.of(
            "TestClient_GetChatCompletions_AzureOpenAI_ContentFilterWithError.json",
            "ChatCompletion.json",
            "SimpleToolWorksTool.json",
            "OpenAISyncClientTest.testGetCompletionsTokenCutoff.json")) {
      bodies.add(AuditRecordings.response(recording));
    }
    bodies.add(
        "{\"prompt_filter_results\":[{\"prompt_index\":1,\"content_filter_results\":"
            + "{\"hate\":{\"filtered\":false,\"severity\":\"low\"},\"error\":{\"code\":\"x\"}}}],"
            + "\"choices\":[7,{\"content_filter_results\":{\"violence\":{\"filtered\":true,"
            + "\"severity\":\"high\"}},\"index\":3,\"message\":{\"content\":\"a\"}},"
            + "{\"content_filter_results\":{\"jailbreak\":{\"filtered\":false,\"detected\":true}}}],"
            + "\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":2},\"model\":\"m\"}");
    bodies.add(
        "{\"error\":{\"code\":\"content_filter\",\"innererror\":{\"code\":\"ResponsibleAIPolicy"
            + "Violation\",\"content_filter_result\":{\"sexual\":{\"filtered\":true,"
            + "\"severity\":\"medium\"}}}}}");
    bodies.add("{\"error\":{\"code\":\"content_filter\",\"message\":\"m\"}}");
    bodies.add("{\"error\":{\"code\":429}}");
    // duplicate members: the last one counts, as in a map
    bodies.add(
        "{\"choices\":[{\"content_filter_results\":{\"hate\":{\"filtered\":true}}}],"
            + "\"choices\":[{\"content_filter_results\":{\"sexual\":{\"filtered\":false}}}]}");
    // not one whole object: nothing
    bodies.add("{\"choices\":[{\"content_filter_results\":{\"hate\":{\"filtered\":true}}}]");
    bodies.add("[1]");

    int withResults = 0;
    for (String body : bodies) {
      byte[] b = bytes(body);
      CallCapture capture = new CallCapture(null, null);
      assertThat(capture.response(b)).as(body).isEqualTo(ResponseBody.parse(b));
      assertThat(capture.contentFilter()).as(body).isEqualTo(assembled(List.of(b)));
      if (!capture.contentFilter().results().isEmpty()) {
        withResults++;
      }
    }
    assertThat(withResults).isGreaterThanOrEqualTo(5); // the comparison saw results, not only none
  }

  @Test
  void withAuditOffAStreamsEventsGiveTheFactsAndTheWorstFilterResultsOfTwoReads() throws Exception {
    List<byte[]> frames =
        AuditRecordings.frames("TestClient_GetChatCompletionsStream_AzureOpenAI.json").stream()
            .map(CallCaptureTest::bytes)
            .toList();
    CallCapture capture = new CallCapture(null, null);
    capture.streamStarted();
    for (byte[] frame : frames) {
      assertThat(capture.streamEvent(frame, 0, frame.length))
          .isEqualTo(ResponseBody.parse(frame, 0, frame.length));
    }
    assertThat(capture.contentFilter()).isEqualTo(assembled(frames));
    assertThat(capture.contentFilter().results()).isNotEmpty();
  }

  @Test
  void aNewResponseReplacesWhatTheLastOneLeft() {
    CallCapture capture = new CallCapture(null, null);
    capture.response(
        bytes("{\"choices\":[{\"content_filter_results\":{\"hate\":{\"filtered\":true}}}]}"));
    assertThat(capture.contentFilter().results()).hasSize(1);
    assertThat(capture.response(null)).isEqualTo(ResponseBody.NONE);
    assertThat(capture.contentFilter()).isEqualTo(ContentFilterResults.NONE);
  }
}
