package dev.spillway.pool.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.spillway.Usage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random and mutated bodies for the parsers that read what a server sends: the SSE reader
 * passes every byte through in order, in array-backed exact buffers, whatever the chunking; the
 * body reader never throws and never reports negative usage. Neither hangs.
 */
class ParsersFuzzTest {
  private static final int SEEDS = 100;

  private static final int TRIES_PER_SEED = 10;

  private static final String[] SAMPLES = {
    "data: {\"id\":\"c1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":"
        + "{\"content\":\"Hel\"}}]}\n\n",
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":9}}\n\n",
    "data: [DONE]\n\n",
    ": keep-alive\r\n\r\n",
    "event: message\ndata: {\"choices\":[{\"text\":\"x\"}]}\n\n",
    "{\"usage\":{\"prompt_tokens\":-5,\"completion_tokens\":1e30},\"model\":\"\"}",
    "{\"error\":{\"code\":429,\"message\":\"slow down\"}}",
    "{\"choices\":[{\"message\":{\"content\":\"\\ud83d\"}}],\"usage\":null}",
    "[1,2,3]",
    "\"just a string\"",
  };

  private static final String[] REQUESTS = {
    "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}",
    "{\"input\":[\"a\",\"b\"],\"model\" : \"emb\"}",
    "{\"messages\":[],\"metadata\":{\"model\":\"x\"}}",
    " {\"model\":\"\\u0067pt\",\"n\":1}",
  };

  static LongStream seeds() {
    return LongStream.range(0, SEEDS);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void sseReaderPassesEveryByteThroughWhateverTheChunking(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          for (int i = 0; i < TRIES_PER_SEED; i++) {
            byte[] input = stream(random);
            EventStream sse = new EventStream(false);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (at < input.length) {
              int n = 1 + random.nextInt(Math.min(input.length - at, 300));
              ByteBuffer chunk = ByteBuffer.wrap(input, at, n).slice();
              at += n;
              write(out, sse.accept(chunk));
            }
            write(out, sse.finish());

            assertThat(out.toByteArray()).isEqualTo(input);
            Usage usage = sse.usage(7);
            assertThat(usage.inputTokens()).isNotNegative();
            assertThat(usage.outputTokens()).isNotNegative();
          }
        });
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void sseReaderThatStripsTheUsageChunkNeverGrowsTheStream(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < TRIES_PER_SEED; i++) {
      byte[] input = stream(random);
      EventStream sse = new EventStream(true);
      long total = sse.accept(ByteBuffer.wrap(input)).remaining() + sse.finish().remaining();
      assertThat(total).isLessThanOrEqualTo(input.length);
      assertThat(sse.usage(0).outputTokens()).isNotNegative();
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void bodyReaderNeverThrowsAndNeverReportsNegativeUsage(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          for (int i = 0; i < TRIES_PER_SEED; i++) {
            byte[] body = mutate(random, SAMPLES[random.nextInt(SAMPLES.length)]);

            ResponseBody facts = ResponseBody.parse(body);

            assertThat(facts).isNotNull();
            if (facts.usage() != null) {
              assertThat(facts.usage().inputTokens()).isNotNegative();
              assertThat(facts.usage().outputTokens()).isNotNegative();
            }
            assertThat(facts.textBytes()).isNotNegative();
            assertThat(facts.choices()).isGreaterThanOrEqualTo(-1);
          }
        });
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void modelRewriteOfAnyBodyReadAsJsonGivesJsonWithThatModel(long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    com.fasterxml.jackson.databind.ObjectMapper mapper =
        new com.fasterxml.jackson.databind.ObjectMapper();
    for (int i = 0; i < TRIES_PER_SEED; i++) {
      byte[] body = mutate(random, REQUESTS[random.nextInt(REQUESTS.length)]);
      RequestBody read = RequestBody.of(body);
      if (!read.json()) {
        continue;
      }
      com.fasterxml.jackson.databind.JsonNode original = mapper.readTree(body);
      com.fasterxml.jackson.databind.node.ObjectNode rewritten =
          (com.fasterxml.jackson.databind.node.ObjectNode)
              mapper.readTree(read.bytesWithModel("d\"é"));

      assertThat(rewritten.get("model").asText()).isEqualTo("d\"é");
      rewritten.remove("model");
      ((com.fasterxml.jackson.databind.node.ObjectNode) original).remove("model");
      assertThat(rewritten).isEqualTo(original);
    }
  }

  private static void write(ByteArrayOutputStream out, ByteBuffer buffer) {
    // the SDK's event parser reads array() whole: every buffer must be exactly its content
    assertThat(buffer.hasArray()).isTrue();
    assertThat(buffer.arrayOffset()).isZero();
    assertThat(buffer.position()).isZero();
    assertThat(buffer.remaining()).isEqualTo(buffer.array().length);
    out.write(buffer.array(), 0, buffer.remaining());
  }

  private static byte[] stream(SplittableRandom random) {
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    int events = random.nextInt(12);
    for (int e = 0; e < events; e++) {
      byte[] event = mutate(random, SAMPLES[random.nextInt(SAMPLES.length)]);
      s.write(event, 0, event.length);
    }
    return s.toByteArray();
  }

  /** Bytes replaced, inserted, deleted or cut, sometimes random bytes instead. */
  private static byte[] mutate(SplittableRandom random, String sample) {
    byte[] bytes = sample.getBytes(StandardCharsets.UTF_8);
    if (random.nextInt(10) == 0) {
      byte[] noise = new byte[random.nextInt(200)];
      random.nextBytes(noise);
      return noise;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : bytes) {
      switch (random.nextInt(40)) {
        case 0 -> {} // deleted
        case 1 -> out.write(random.nextInt(256)); // replaced
        case 2 -> {
          out.write(b);
          out.write("\n\r:{}[]\",0-9e".charAt(random.nextInt(13)));
        }
        default -> out.write(b);
      }
    }
    byte[] result = out.toByteArray();
    if (random.nextInt(5) == 0 && result.length > 0) {
      return java.util.Arrays.copyOf(result, random.nextInt(result.length));
    }
    return result;
  }
}
