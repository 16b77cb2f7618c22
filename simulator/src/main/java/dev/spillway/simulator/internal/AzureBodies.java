package dev.spillway.simulator.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The JSON bodies the simulator sends, shaped and ordered like the recorded Azure OpenAI answers
 * (core/src/test/resources/azure-recordings): completions with filter results and usage, SSE
 * frames, embeddings and error bodies. Thread-safe (stateless).
 */
final class AzureBodies {
  private static final JsonFactory JSON = new JsonFactory();

  private static final String SAFE = "{\"filtered\":false,\"severity\":\"safe\"}";
  private static final String NOT_DETECTED = "{\"filtered\":false,\"detected\":false}";

  /** Prompt filter results of a chat request (recording 1, gpt-4o). */
  private static final String CHAT_PROMPT_FILTER =
      "[{\"prompt_index\":0,\"content_filter_results\":{\"hate\":"
          + SAFE
          + ",\"jailbreak\":"
          + NOT_DETECTED
          + ",\"self_harm\":"
          + SAFE
          + ",\"sexual\":"
          + SAFE
          + ",\"violence\":"
          + SAFE
          + "}}]";

  /** Prompt filter results of a legacy completions request (recording 5). */
  private static final String COMPLETIONS_PROMPT_FILTER =
      "[{\"prompt_index\":0,\"content_filter_results\":{"
          + "\"hate\":"
          + SAFE
          + ",\"self_harm\":"
          + SAFE
          + ",\"sexual\":"
          + SAFE
          + ",\"violence\":"
          + SAFE
          + "}}]";

  /** Choice filter results of a whole chat answer (recording 1). */
  private static final String CHAT_CHOICE_FILTER =
      "{\"hate\":"
          + SAFE
          + ",\"protected_material_code\":"
          + NOT_DETECTED
          + ",\"protected_material_text\":"
          + NOT_DETECTED
          + ",\"self_harm\":"
          + SAFE
          + ",\"sexual\":"
          + SAFE
          + ",\"violence\":"
          + SAFE
          + "}";

  /** Choice filter results of a content delta and of a legacy completion (recordings 2, 3, 5). */
  private static final String BASIC_FILTER =
      "{\"hate\":"
          + SAFE
          + ",\"self_harm\":"
          + SAFE
          + ",\"sexual\":"
          + SAFE
          + ",\"violence\":"
          + SAFE
          + "}";

  /** Choice filter results of the role and finish frames (recordings 2, 3). */
  private static final String BASIC_EMPTY = "{}";

  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  private static final String QUOTA_INCREASE =
      " Please go here: https://aka.ms/oai/quotaincrease if you would"
          + " like to further increase the default rate limit. For Free Account customers, upgrade to Pay as"
          + " you Go here: https://aka.ms/429TrialUpgrade.";

  private AzureBodies() {}

  /**
   * What an answer is made of.
   *
   * @param id the completion id
   * @param created the creation time, epoch seconds
   * @param model the model name
   * @param systemFingerprint the system fingerprint
   * @param tokens the answer, one token per piece
   * @param promptTokens prompt tokens
   * @param maxTokens the request's {@code max_tokens} (decides {@code finish_reason})
   */
  public record Answer(
      String id,
      long created,
      String model,
      String systemFingerprint,
      List<String> tokens,
      int promptTokens,
      int maxTokens) {

    String finishReason() {
      return tokens.size() >= maxTokens ? "length" : "stop";
    }

    String text() {
      return String.join("", tokens);
    }
  }

  /**
   * A non-streamed {@code chat.completion}, ordered as recording 1.
   *
   * @param a the answer
   * @return the body
   */
  public static byte[] chatCompletion(Answer a) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("choices");
          g.writeStartObject();
          g.writeFieldName("content_filter_results");
          g.writeRawValue(CHAT_CHOICE_FILTER);
          g.writeStringField("finish_reason", a.finishReason());
          g.writeNumberField("index", 0);
          g.writeNullField("logprobs");
          g.writeObjectFieldStart("message");
          g.writeStringField("content", a.text());
          g.writeStringField("role", "assistant");
          g.writeEndObject();
          g.writeEndObject();
          g.writeEndArray();
          g.writeNumberField("created", a.created());
          g.writeStringField("id", a.id());
          g.writeStringField("model", a.model());
          g.writeStringField("object", "chat.completion");
          g.writeFieldName("prompt_filter_results");
          g.writeRawValue(CHAT_PROMPT_FILTER);
          g.writeStringField("system_fingerprint", a.systemFingerprint());
          writeUsage(g, a.promptTokens(), a.tokens().size());
          g.writeEndObject();
        });
  }

  /**
   * A non-streamed legacy {@code text_completion}, ordered as recording 5.
   *
   * @param a the answer
   * @return the body
   */
  public static byte[] completion(Answer a) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("id", a.id());
          g.writeStringField("object", "text_completion");
          g.writeNumberField("created", a.created());
          g.writeStringField("model", a.model());
          g.writeFieldName("prompt_filter_results");
          g.writeRawValue(COMPLETIONS_PROMPT_FILTER);
          g.writeArrayFieldStart("choices");
          g.writeStartObject();
          g.writeStringField("text", a.text());
          g.writeNumberField("index", 0);
          g.writeStringField("finish_reason", a.finishReason());
          g.writeNullField("logprobs");
          g.writeFieldName("content_filter_results");
          g.writeRawValue(BASIC_FILTER);
          g.writeEndObject();
          g.writeEndArray();
          g.writeObjectFieldStart("usage");
          g.writeNumberField("prompt_tokens", a.promptTokens());
          g.writeNumberField("completion_tokens", a.tokens().size());
          g.writeNumberField("total_tokens", a.promptTokens() + a.tokens().size());
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /**
   * An embeddings list, ordered as recording 4.
   *
   * @param model the model name
   * @param vectors one unit vector per input
   * @param base64 whether to encode as base64 little-endian float32 (as {@code encoding_format:
   *     base64})
   * @param promptTokens the input tokens
   * @return the body
   */
  public static byte[] embeddings(
      String model, float[][] vectors, boolean base64, int promptTokens) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("object", "list");
          g.writeArrayFieldStart("data");
          for (int i = 0; i < vectors.length; i++) {
            g.writeStartObject();
            g.writeStringField("object", "embedding");
            g.writeNumberField("index", i);
            g.writeFieldName("embedding");
            if (base64) {
              ByteBuffer bytes =
                  ByteBuffer.allocate(vectors[i].length * Float.BYTES)
                      .order(ByteOrder.LITTLE_ENDIAN);
              for (float f : vectors[i]) {
                bytes.putFloat(f);
              }
              g.writeString(Base64.getEncoder().encodeToString(bytes.array()));
            } else {
              g.writeStartArray();
              for (float f : vectors[i]) {
                g.writeNumber(f);
              }
              g.writeEndArray();
            }
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeStringField("model", model);
          g.writeObjectFieldStart("usage");
          g.writeNumberField("prompt_tokens", promptTokens);
          g.writeNumberField("total_tokens", promptTokens);
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /**
   * The SSE frames of a streamed answer, built lazily by index: the {@code
   * prompt_filter_results}-only frame, (chat) the role frame, one frame per token, the {@code
   * finish_reason} frame, the usage frame with {@code choices: []} when asked for, and {@code data:
   * [DONE]}.
   */
  public static final class Stream {
    private final Answer answer;
    private final boolean chat;
    private final boolean includeUsage;

    /**
     * Describes a stream.
     *
     * @param answer the answer
     * @param chat chat ({@code chat.completion.chunk}) or legacy completions ({@code
     *     text_completion})
     * @param includeUsage whether {@code stream_options.include_usage} was set
     */
    public Stream(Answer answer, boolean chat, boolean includeUsage) {
      this.answer = answer;
      this.chat = chat;
      this.includeUsage = includeUsage;
    }

    /**
     * @return the number of frames, {@code [DONE]} included
     */
    public int size() {
      return firstContentFrame() + answer.tokens().size() + 1 + (includeUsage ? 1 : 0) + 1;
    }

    /**
     * @return the index of the first token frame
     */
    public int firstContentFrame() {
      return chat ? 2 : 1;
    }

    /**
     * @return the number of tokens
     */
    public int tokenCount() {
      return answer.tokens().size();
    }

    /**
     * Builds one frame.
     *
     * @param index the frame index, in [0, {@link #size()})
     * @return {@code data: …\n\n}
     */
    public byte[] frame(int index) {
      int tokens = answer.tokens().size();
      int first = firstContentFrame();
      if (index == size() - 1) {
        return DONE;
      }
      if (index == 0) {
        return sse(this::filterFrame);
      }
      if (chat && index == 1) {
        return sse(g -> chatChunk(g, "", true, null, BASIC_EMPTY));
      }
      if (index < first + tokens) {
        String token = answer.tokens().get(index - first);
        return sse(
            g -> {
              if (chat) {
                chatChunk(g, token, false, null, BASIC_FILTER);
              } else {
                completionChunk(g, token, null, BASIC_FILTER);
              }
            });
      }
      if (index == first + tokens) {
        return sse(
            g -> {
              if (chat) {
                chatChunk(g, null, false, answer.finishReason(), BASIC_EMPTY);
              } else {
                completionChunk(g, "", answer.finishReason(), BASIC_EMPTY);
              }
            });
      }
      return sse(this::usageFrame);
    }

    private void filterFrame(JsonGenerator g) throws IOException {
      g.writeStartObject();
      g.writeArrayFieldStart("choices");
      g.writeEndArray();
      g.writeNumberField("created", 0);
      g.writeStringField("id", "");
      g.writeStringField("model", "");
      g.writeStringField("object", "");
      g.writeFieldName("prompt_filter_results");
      g.writeRawValue(chat ? CHAT_PROMPT_FILTER : COMPLETIONS_PROMPT_FILTER);
      g.writeEndObject();
    }

    private void chatChunk(
        JsonGenerator g, String content, boolean role, String finishReason, String filter)
        throws IOException {
      g.writeStartObject();
      g.writeArrayFieldStart("choices");
      g.writeStartObject();
      g.writeFieldName("content_filter_results");
      g.writeRawValue(filter);
      g.writeObjectFieldStart("delta");
      if (content != null) {
        g.writeStringField("content", content);
      }
      if (role) {
        g.writeStringField("role", "assistant");
      }
      g.writeEndObject();
      writeNullableString(g, "finish_reason", finishReason);
      g.writeNumberField("index", 0);
      g.writeNullField("logprobs");
      g.writeEndObject();
      g.writeEndArray();
      chunkTail(g);
      if (includeUsage) {
        g.writeNullField("usage");
      }
      g.writeEndObject();
    }

    private void completionChunk(JsonGenerator g, String text, String finishReason, String filter)
        throws IOException {
      g.writeStartObject();
      g.writeArrayFieldStart("choices");
      g.writeStartObject();
      g.writeStringField("text", text);
      g.writeNumberField("index", 0);
      writeNullableString(g, "finish_reason", finishReason);
      g.writeNullField("logprobs");
      g.writeFieldName("content_filter_results");
      g.writeRawValue(filter);
      g.writeEndObject();
      g.writeEndArray();
      chunkTail(g);
      if (includeUsage) {
        g.writeNullField("usage");
      }
      g.writeEndObject();
    }

    private void usageFrame(JsonGenerator g) throws IOException {
      g.writeStartObject();
      g.writeArrayFieldStart("choices");
      g.writeEndArray();
      chunkTail(g);
      writeUsage(g, answer.promptTokens(), answer.tokens().size());
      g.writeEndObject();
    }

    private void chunkTail(JsonGenerator g) throws IOException {
      g.writeNumberField("created", answer.created());
      g.writeStringField("id", answer.id());
      g.writeStringField("model", answer.model());
      g.writeStringField("object", chat ? "chat.completion.chunk" : "text_completion");
      g.writeStringField("system_fingerprint", answer.systemFingerprint());
    }
  }

  /**
   * Azure's error body {@code {"error":{"code":…,"message":…}}}.
   *
   * @param code the code, a string as Azure sends it
   * @param message the message
   * @return the body
   */
  public static byte[] error(String code, String message) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeObjectFieldStart("error");
          g.writeStringField("code", code);
          g.writeStringField("message", message);
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /**
   * The model layer's error body {@code
   * {"error":{"message":…,"type":"invalid_request_error","param":…, "code":null}}} (recording 7).
   *
   * @param message the message
   * @param param the offending parameter, or null
   * @return the body
   */
  public static byte[] invalidRequest(String message, String param) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeObjectFieldStart("error");
          g.writeStringField("message", message);
          g.writeStringField("type", "invalid_request_error");
          writeNullableString(g, "param", param);
          g.writeNullField("code");
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /**
   * The body of a standard deployment's 429, byte for byte as recording 11 (the gateway ends it
   * with a newline: the recorded {@code Content-Length} counts one byte more than the JSON).
   *
   * @param operation e.g. {@code ChatCompletions_Create}
   * @param apiVersion the request's api-version
   * @param tokenLimit whether the token limit (else the call limit) was exceeded
   * @param retryAfterSeconds the value of {@code Retry-After}
   * @return the body
   */
  public static byte[] rateLimited(
      String operation, String apiVersion, boolean tokenLimit, long retryAfterSeconds) {
    return withNewline(
        error(
            "429",
            "Requests to the "
                + operation
                + " Operation under Azure OpenAI API version "
                + apiVersion
                + " have exceeded "
                + (tokenLimit ? "token" : "call")
                + " rate limit of your current OpenAI S0 pricing tier. Please retry after "
                + retryAfterSeconds
                + " seconds."
                + QUOTA_INCREASE));
  }

  /**
   * The body of a PTU deployment's 429 (assumed: no recording exists).
   *
   * @param operation e.g. {@code ChatCompletions_Create}
   * @param apiVersion the request's api-version
   * @param retryAfterMillis the value of {@code retry-after-ms}
   * @return the body
   */
  public static byte[] ptuRateLimited(String operation, String apiVersion, long retryAfterMillis) {
    return error(
        "429",
        "Requests to the "
            + operation
            + " Operation under Azure OpenAI API version "
            + apiVersion
            + " have exceeded the provisioned throughput of this deployment (utilization is"
            + " over 100%). Please retry after "
            + retryAfterMillis
            + " milliseconds.");
  }

  private static byte[] withNewline(byte[] json) {
    byte[] body = Arrays.copyOf(json, json.length + 1);
    body[json.length] = '\n';
    return body;
  }

  private static void writeUsage(JsonGenerator g, int prompt, int completion) throws IOException {
    g.writeObjectFieldStart("usage");
    g.writeNumberField("completion_tokens", completion);
    g.writeNumberField("prompt_tokens", prompt);
    g.writeNumberField("total_tokens", prompt + completion);
    g.writeEndObject();
  }

  private static void writeNullableString(JsonGenerator g, String field, String value)
      throws IOException {
    if (value == null) {
      g.writeNullField(field);
    } else {
      g.writeStringField(field, value);
    }
  }

  private static byte[] sse(JsonWriter writer) {
    byte[] json = write(writer);
    byte[] frame = new byte[json.length + 8];
    System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, frame, 0, 6);
    System.arraycopy(json, 0, frame, 6, json.length);
    frame[frame.length - 2] = '\n';
    frame[frame.length - 1] = '\n';
    return frame;
  }

  private static byte[] write(JsonWriter writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException("writing into memory cannot fail", e);
    }
    return out.toByteArray();
  }

  @FunctionalInterface
  private interface JsonWriter {
    void write(JsonGenerator g) throws IOException;
  }
}
