package dev.spillway.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
        RequestBody.inspect(
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
    assertThat(RequestBody.inspect(bytes("{\"input\":\"12345678\"}")).promptTokens()).isEqualTo(2);
    assertThat(RequestBody.inspect(bytes("{\"prompt\":[\"123\"]}")).promptTokens()).isEqualTo(2);
    assertThat(
            RequestBody.inspect(bytes("{\"max_tokens\":10,\"max_completion_tokens\":20}"))
                .maxOutputTokens())
        .isEqualTo(20);
  }

  @Test
  void seesStreamingAndStreamOptions() {
    RequestBody plain = RequestBody.inspect(bytes("{\"stream\":true,\"messages\":[]}"));
    assertThat(plain.streaming()).isTrue();
    assertThat(plain.hasStreamOptions()).isFalse();
    assertThat(
            RequestBody.inspect(bytes("{\"stream\":true,\"stream_options\":{}}"))
                .hasStreamOptions())
        .isTrue();
    assertThat(
            RequestBody.inspect(bytes("{\"stream\":true,\"stream_options\":null}"))
                .hasStreamOptions())
        .isFalse();
  }

  @Test
  void notJsonIsNothing() {
    assertThat(RequestBody.inspect(bytes("--boundary"))).isEqualTo(RequestBody.NONE);
    assertThat(RequestBody.inspect(null)).isEqualTo(RequestBody.NONE);
    assertThat(RequestBody.inspect(bytes("[1,2]"))).isEqualTo(RequestBody.NONE);
  }

  @Test
  void injectsIncludeUsageAsTheFirstMemberLeavingTheRestByteForByte() {
    byte[] injected = RequestBody.withIncludeUsage(bytes("  {\"stream\":true,\"n\":1.50}"));
    assertThat(new String(injected, StandardCharsets.UTF_8))
        .isEqualTo("  {\"stream_options\":{\"include_usage\":true},\"stream\":true,\"n\":1.50}");
    assertThat(RequestBody.inspect(injected).hasStreamOptions()).isTrue();
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
