package dev.spillway.pool.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestBodyTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void estimatesPromptTokensAsUtf8BytesOfThePromptFieldsOverFour() {
    String messages = "[{\"role\":\"user\",\"content\":\"héllo\"}]"; // 36 bytes (é is 2)
    RequestBody body =
        RequestBody.of(
            bytes(
                "{\"messages\":"
                    + messages
                    + ",\"max_tokens\":100,\"temperature\":0.5,\"user\":\"a-long-user-name\"}"));

    assertThat(messages.getBytes(StandardCharsets.UTF_8)).hasSize(36);
    assertThat(body.promptTokens()).isEqualTo(9); // ceil(36 / 4)
    assertThat(body.maxOutputTokens()).isEqualTo(100);
    assertThat(body.streaming()).isFalse();
  }

  @Test
  void readsPromptAndInputStringsAndMaxCompletionTokensFirst() {
    assertThat(RequestBody.of(bytes("{\"input\":\"12345678\"}")).promptTokens()).isEqualTo(2);
    assertThat(RequestBody.of(bytes("{\"prompt\":[\"123\"]}")).promptTokens()).isEqualTo(2);
    assertThat(
            RequestBody.of(bytes("{\"max_tokens\":10,\"max_completion_tokens\":20}"))
                .maxOutputTokens())
        .isEqualTo(20);
  }

  @Test
  void seesStreamingAndStreamOptions() {
    RequestBody plain = RequestBody.of(bytes("{\"stream\":true,\"messages\":[]}"));
    assertThat(plain.streaming()).isTrue();
    assertThat(plain.hasStreamOptions()).isFalse();
    assertThat(RequestBody.of(bytes("{\"stream\":true,\"stream_options\":{}}")).hasStreamOptions())
        .isTrue();
    assertThat(
            RequestBody.of(bytes("{\"stream\":true,\"stream_options\":null}")).hasStreamOptions())
        .isFalse();
  }

  @Test
  void notAWholeJsonObjectIsNothing() {
    for (String body :
        new String[] {"--boundary", "[1,2]", "{\"stream\":true,\"model\":\"m\"", ""}) {
      RequestBody read = RequestBody.of(bytes(body));
      assertThat(read.json()).as(body).isFalse();
      assertThat(read.streaming()).as(body).isFalse();
      assertThat(read.model()).as(body).isNull();
      assertThat(read.promptTokens()).as(body).isZero();
    }
    assertThat(RequestBody.of(null).bytes()).isNull();
    assertThat(RequestBody.opaque(bytes("{\"stream\":true}")).streaming()).isFalse();
    assertThatThrownBy(() -> RequestBody.of(bytes("[1]")).bytesWithModel("d"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void injectsIncludeUsageAsTheFirstMemberLeavingTheRestByteForByte() {
    RequestBody injected =
        RequestBody.of(bytes("  {\"stream\":true,\"n\":1.50}")).withIncludeUsage();
    assertThat(new String(injected.bytes(), StandardCharsets.UTF_8))
        .isEqualTo("  {\"stream_options\":{\"include_usage\":true},\"stream\":true,\"n\":1.50}");
    assertThat(injected.hasStreamOptions()).isTrue();
    assertThatThrownBy(injected::withIncludeUsage).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rewritesTheTopLevelModelInPlaceAndNothingElse() {
    String body =
        "{ \"messages\":[{\"role\":\"user\",\"content\":\"model\"}],"
            + "\"metadata\":{\"model\":\"keep\"},\n  \"model\" : \"gpt-4o\" ,\"n\":1.50}";
    RequestBody read = RequestBody.of(bytes(body));

    assertThat(read.model()).isEqualTo("gpt-4o");
    assertThat(new String(read.bytesWithModel("ptu \"east\"/é"), StandardCharsets.UTF_8))
        .isEqualTo(body.replace("\"gpt-4o\"", "\"ptu \\\"east\\\"/é\""));
    // after include_usage the model moved: its new place is the one replaced
    RequestBody injected =
        RequestBody.of(bytes("{\"stream\":true,\"model\":\"m\"}")).withIncludeUsage();
    assertThat(new String(injected.bytesWithModel("d"), StandardCharsets.UTF_8))
        .isEqualTo("{\"stream_options\":{\"include_usage\":true},\"stream\":true,\"model\":\"d\"}");
  }

  @Test
  void addsTheModelAsTheFirstMemberWhenTheBodyHasNone() {
    assertThat(
            new String(
                RequestBody.of(bytes(" {\"input\":\"x\"}")).bytesWithModel("emb"),
                StandardCharsets.UTF_8))
        .isEqualTo(" {\"model\":\"emb\",\"input\":\"x\"}");
    assertThat(RequestBody.of(bytes("{\"model\":7}")).model()).isNull();
  }

  @Test
  void readsWhatMakesAResponsesRequestStateful() {
    assertThat(RequestBody.of(bytes("{\"store\":false,\"input\":\"hi\"}")).statelessResponse())
        .isTrue();
    assertThat(RequestBody.of(bytes("{\"input\":\"hi\"}")).statelessResponse()).isFalse();
    assertThat(RequestBody.of(bytes("{\"store\":true}")).statelessResponse()).isFalse();
    assertThat(
            RequestBody.of(bytes("{\"store\":false,\"previous_response_id\":\"resp_1\"}"))
                .statelessResponse())
        .isFalse();
    assertThat(
            RequestBody.of(bytes("{\"store\":false,\"conversation\":{\"id\":\"c\"}}"))
                .statelessResponse())
        .isFalse();
    assertThat(
            RequestBody.of(bytes("{\"store\":false,\"previous_response_id\":null}"))
                .statelessResponse())
        .isTrue();
    assertThat(RequestBody.of(bytes("{\"max_output_tokens\":30}")).maxOutputTokens()).isEqualTo(30);
  }

  @Test
  void neverShowsTheContent() {
    assertThat(RequestBody.of(bytes("{\"input\":\"secret prompt\"}")).toString())
        .isEqualTo("RequestBody[25 bytes]");
  }

  @Test
  void streamOptionsAcceptedFromTheDocumentedApiVersions() {
    assertThat(RequestBody.acceptsStreamOptions("2024-10-21")).isTrue();
    assertThat(RequestBody.acceptsStreamOptions("2025-04-01")).isTrue();
    assertThat(RequestBody.acceptsStreamOptions("2024-09-01-preview")).isTrue();
    assertThat(RequestBody.acceptsStreamOptions("2025-01-01-preview")).isTrue();
    assertThat(RequestBody.acceptsStreamOptions("2024-06-01")).isFalse();
    assertThat(RequestBody.acceptsStreamOptions("2024-10-01")).isFalse();
    assertThat(RequestBody.acceptsStreamOptions("2024-08-01-preview")).isFalse();
    assertThat(RequestBody.acceptsStreamOptions(null)).isFalse();
    assertThat(RequestBody.acceptsStreamOptions("latest")).isFalse();
  }
}
