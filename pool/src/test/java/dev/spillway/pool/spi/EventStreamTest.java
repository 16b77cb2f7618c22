package dev.spillway.pool.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.Usage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventStreamTest {
  private static final String CHUNK =
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":"
          + "\"abcdefgh\"}}],\"model\":\"gpt-4o-2024-08-06\",\"usage\":null}\n\n";
  private static final String USAGE =
      "data: {\"choices\":[],\"model\":\"gpt-4o-2024-08-06\","
          + "\"usage\":{\"completion_tokens\":28,\"prompt_tokens\":22,\"total_tokens\":50}}\n\n";
  private static final String DONE = "data: [DONE]\n\n";

  /** Feeds the stream in pieces of {@code size} bytes and returns what passes through. */
  private static String feed(EventStream sse, String stream, int size) {
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bytes.length; i += size) {
      ByteBuffer piece = ByteBuffer.wrap(bytes, i, Math.min(size, bytes.length - i));
      ByteBuffer passed = sse.accept(piece);
      assertThat(passed.arrayOffset()).isZero();
      assertThat(passed.array()).hasSize(passed.remaining());
      out.append(StandardCharsets.UTF_8.decode(passed));
    }
    out.append(StandardCharsets.UTF_8.decode(sse.finish()));
    return out.toString();
  }

  @Test
  void stripsTheInjectedUsageChunkWhateverTheChunking() {
    for (int size : new int[] {1, 3, 7, 64, 10_000}) {
      EventStream sse = new EventStream(true);
      String out = feed(sse, CHUNK + CHUNK + USAGE + DONE, size);

      assertThat(out).isEqualTo(CHUNK + CHUNK + DONE);
      assertThat(sse.usage(5)).isEqualTo(Usage.reported(22, 28));
      assertThat(sse.model()).isEqualTo("gpt-4o-2024-08-06");
    }
  }

  @Test
  void knowsWhenTheDoneEventHasPassed() {
    EventStream sse = new EventStream(true);
    feed(sse, CHUNK + USAGE, 9);
    assertThat(sse.done()).isFalse();
    sse.accept(ByteBuffer.wrap(DONE.getBytes(StandardCharsets.UTF_8)));
    assertThat(sse.done()).isTrue();
  }

  @Test
  void keepsTheUsageChunkTheCallerAskedFor() {
    EventStream sse = new EventStream(false);
    assertThat(feed(sse, CHUNK + USAGE + DONE, 5)).isEqualTo(CHUNK + USAGE + DONE);
    assertThat(sse.usage(5)).isEqualTo(Usage.reported(22, 28));
  }

  @Test
  void handlesCrlfFramesAndPassesAnUnterminatedTailThrough() {
    String crlf = CHUNK.replace("\n\n", "\r\n\r\n");
    String usage = USAGE.replace("\n\n", "\r\n\r\n");
    EventStream sse = new EventStream(true);
    assertThat(feed(sse, crlf + usage + "data: [DO", 4)).isEqualTo(crlf + "data: [DO");
    assertThat(sse.usage(0).estimated()).isFalse();
  }

  @Test
  void estimatesOutputFromTheGeneratedTextWhenNoUsageCame() {
    EventStream sse = new EventStream(true);
    feed(sse, CHUNK + CHUNK + CHUNK + DONE, 16);
    // 3 × 8 bytes of content = 24 bytes → 6 tokens
    assertThat(sse.usage(11)).isEqualTo(Usage.estimated(11, 6));
  }
}
