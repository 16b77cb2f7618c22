package dev.spillway.azure.internal;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the engine needs from a JSON request body, read in one streaming pass: whether it asks for a
 * stream, whether it sets {@code stream_options}, its output-token limit, and the prompt estimate.
 *
 * <p><b>Prompt estimate.</b> Tokens ≈ UTF-8 bytes of the JSON of {@code messages}, {@code prompt}
 * and {@code input}, divided by 4 and rounded up. Four bytes per token is OpenAI's rule of thumb
 * for English; counting the JSON (quotes, roles, punctuation) over-estimates slightly, which keeps
 * admission conservative, and costs one pass over bytes already in memory. Actual usage replaces
 * the estimate when the response reports it.
 *
 * @param streaming {@code "stream": true}
 * @param hasStreamOptions the body sets {@code stream_options}
 * @param maxOutputTokens {@code max_completion_tokens}, else {@code max_tokens}, else 0
 * @param promptTokens the prompt estimate
 */
record RequestBody(
    boolean streaming, boolean hasStreamOptions, long maxOutputTokens, long promptTokens) {

  static final RequestBody NONE = new RequestBody(false, false, 0, 0);

  /** Bytes per token of the prompt estimate. */
  static final int BYTES_PER_TOKEN = 4;

  private static final byte[] INCLUDE_USAGE =
      "\"stream_options\":{\"include_usage\":true},".getBytes(StandardCharsets.UTF_8);

  /**
   * Reads a JSON object body. A body that is not a JSON object yields {@link #NONE}.
   *
   * @param body the bytes
   * @return the facts
   */
  static RequestBody inspect(byte[] body) {
    if (body == null || body.length == 0) {
      return NONE;
    }
    try (JsonReader reader = JsonProviders.createReader(body)) {
      if (reader.nextToken() != JsonToken.START_OBJECT) {
        return NONE;
      }
      boolean streaming = false;
      boolean streamOptions = false;
      long maxTokens = 0;
      long maxCompletionTokens = 0;
      long promptBytes = 0;
      while (reader.nextToken() == JsonToken.FIELD_NAME) {
        String field = reader.getFieldName();
        JsonToken value = reader.nextToken();
        switch (field) {
          case "stream":
            streaming = value == JsonToken.BOOLEAN && reader.getBoolean();
            break;
          case "stream_options":
            streamOptions = value != JsonToken.NULL;
            reader.skipChildren();
            break;
          case "max_tokens":
            maxTokens = value == JsonToken.NUMBER ? Math.max(0, reader.getLong()) : 0;
            break;
          case "max_completion_tokens":
            maxCompletionTokens = value == JsonToken.NUMBER ? Math.max(0, reader.getLong()) : 0;
            break;
          case "messages":
          case "prompt":
          case "input":
            promptBytes += utf8Length(reader, value);
            break;
          default:
            reader.skipChildren();
        }
      }
      long output = maxCompletionTokens > 0 ? maxCompletionTokens : maxTokens;
      return new RequestBody(
          streaming, streamOptions, output, (promptBytes + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN);
    } catch (IOException | RuntimeException e) {
      return NONE; // not JSON: the service will say so; the engine uses its default estimate
    }
  }

  private static long utf8Length(JsonReader reader, JsonToken value) throws IOException {
    if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
      return reader.readChildren().getBytes(StandardCharsets.UTF_8).length;
    }
    if (value == JsonToken.STRING) {
      return reader.getString().getBytes(StandardCharsets.UTF_8).length;
    }
    return 0;
  }

  /**
   * Adds {@code "stream_options":{"include_usage":true}} as the first member of a JSON object body
   * (which {@link #inspect} found to be a streaming request without stream options). The rest of
   * the body is left byte for byte as the SDK wrote it.
   *
   * @param body the body
   * @return the new body
   */
  static byte[] withIncludeUsage(byte[] body) {
    int brace = 0;
    while (body[brace] != '{') {
      brace++;
    }
    byte[] result = new byte[body.length + INCLUDE_USAGE.length];
    System.arraycopy(body, 0, result, 0, brace + 1);
    System.arraycopy(INCLUDE_USAGE, 0, result, brace + 1, INCLUDE_USAGE.length);
    System.arraycopy(
        body, brace + 1, result, brace + 1 + INCLUDE_USAGE.length, body.length - brace - 1);
    return result;
  }

  /**
   * Whether an Azure OpenAI api-version accepts {@code stream_options}: 2024-09-01-preview and
   * later previews, 2024-10-21 and later GA versions.
   *
   * @param apiVersion such as {@code 2024-10-21} or {@code 2025-01-01-preview}; may be null
   * @return whether {@code include_usage} may be sent
   */
  static boolean acceptsStreamOptions(String apiVersion) {
    if (apiVersion == null || apiVersion.length() < 10) {
      return false;
    }
    String date = apiVersion.substring(0, 10);
    if (!date.matches("\\d{4}-\\d{2}-\\d{2}")) {
      return false;
    }
    String suffix = apiVersion.substring(10);
    if (suffix.isEmpty()) {
      return date.compareTo("2024-10-21") >= 0;
    }
    return suffix.equals("-preview") && date.compareTo("2024-09-01") >= 0;
  }
}
