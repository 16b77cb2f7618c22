package dev.spillway.pool.spi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A request body as an adapter forwards it, and what the engine needs from it, read in one
 * streaming pass over a JSON object: whether it asks for a stream, whether it sets {@code
 * stream_options}, its output-token limit, the prompt estimate, its top-level {@code model} (the
 * logical model of a v1 API request) and, for the Responses API, what keeps state on the service.
 *
 * <p><b>Prompt estimate.</b> Tokens ≈ UTF-8 bytes of {@code messages}, {@code prompt} and {@code
 * input} (the JSON of arrays and objects, the text of strings) divided by {@value #BYTES_PER_TOKEN}
 * and rounded up. Four bytes per token is OpenAI's rule of thumb for English; counting the JSON
 * (quotes, roles, punctuation) over-estimates slightly, which keeps admission conservative. Actual
 * usage replaces the estimate when the response reports it.
 *
 * <p>The rewrites ({@link #withIncludeUsage()}, {@link #bytesWithModel(String)}) splice bytes: the
 * rest of the body stays byte for byte as the SDK wrote it. The array is not copied: callers must
 * not change it. Immutable otherwise, and thread-safe.
 */
public final class RequestBody {

  /** Bytes per token of the prompt estimate. */
  public static final int BYTES_PER_TOKEN = 4;

  private static final JsonFactory JSON = new JsonFactory();

  private static final byte[] INCLUDE_USAGE =
      "\"stream_options\":{\"include_usage\":true},".getBytes(StandardCharsets.UTF_8);

  private final byte[] bytes;
  private final boolean json;
  private final boolean streaming;
  private final boolean hasStreamOptions;
  private final long maxOutputTokens;
  private final long promptTokens;
  private final String model;
  private final Boolean store;
  private final boolean hasPreviousResponseId;
  private final boolean hasConversation;

  /** Where the first member starts (after the object's brace), or -1 when not a JSON object. */
  private final int firstMember;

  /** The byte range of the top-level {@code model} string, quotes included; -1 when absent. */
  private final int modelStart;

  private final int modelEnd;

  private RequestBody(Reader r, byte[] bytes) {
    this.bytes = bytes;
    this.json = r.firstMember >= 0;
    this.streaming = r.streaming;
    this.hasStreamOptions = r.streamOptions;
    this.maxOutputTokens = r.maxCompletionTokens > 0 ? r.maxCompletionTokens : r.maxTokens;
    this.promptTokens = (r.promptBytes + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
    this.model = r.model;
    this.store = r.store;
    this.hasPreviousResponseId = r.previousResponseId;
    this.hasConversation = r.conversation;
    this.firstMember = r.firstMember;
    this.modelStart = r.modelStart;
    this.modelEnd = r.modelEnd;
  }

  /**
   * Reads a body. A body that is absent, empty or not a JSON object has no facts: no stream, no
   * model, a prompt estimate of 0 (the engine then uses its default).
   *
   * @param bytes the body as sent, or {@code null} for none
   * @return the body with its facts
   */
  public static RequestBody of(byte[] bytes) {
    Reader reader = new Reader();
    if (bytes != null && bytes.length > 0) {
      reader.read(bytes);
    }
    return new RequestBody(reader.firstMember >= 0 ? reader : new Reader(), bytes);
  }

  /**
   * A body that is not read at all (not JSON: a file upload, form data).
   *
   * @param bytes the body, or {@code null}
   * @return the body without facts
   */
  public static RequestBody opaque(byte[] bytes) {
    return new RequestBody(new Reader(), bytes);
  }

  /**
   * @return the bytes to send, or {@code null} for no body
   */
  public byte[] bytes() {
    return bytes;
  }

  /**
   * @return whether the body is a JSON object (and was read)
   */
  public boolean json() {
    return json;
  }

  /**
   * @return {@code "stream": true}
   */
  public boolean streaming() {
    return streaming;
  }

  /**
   * @return whether the body sets a non-null {@code stream_options}
   */
  public boolean hasStreamOptions() {
    return hasStreamOptions;
  }

  /**
   * @return {@code max_completion_tokens}, else {@code max_output_tokens} or {@code max_tokens},
   *     else 0
   */
  public long maxOutputTokens() {
    return maxOutputTokens;
  }

  /**
   * @return the prompt estimate in tokens
   */
  public long promptTokens() {
    return promptTokens;
  }

  /**
   * @return the top-level {@code model} string, or {@code null}
   */
  public String model() {
    return model;
  }

  /**
   * @return the Responses API's {@code store}, or {@code null} when absent (the service stores by
   *     default)
   */
  public Boolean store() {
    return store;
  }

  /**
   * @return whether the body has a non-null {@code previous_response_id}
   */
  public boolean hasPreviousResponseId() {
    return hasPreviousResponseId;
  }

  /**
   * @return whether the body has a non-null {@code conversation}
   */
  public boolean hasConversation() {
    return hasConversation;
  }

  /**
   * @return whether a Responses API request with this body keeps no state on the service
   * @see Operation#statelessResponse
   */
  public boolean statelessResponse() {
    return Operation.statelessResponse(store, hasPreviousResponseId, hasConversation);
  }

  /**
   * This body with {@code "stream_options":{"include_usage":true}} as its first member.
   *
   * @return the new body
   * @throws IllegalStateException if the body is not a JSON object or already sets {@code
   *     stream_options}
   */
  public RequestBody withIncludeUsage() {
    if (!json || hasStreamOptions) {
      throw new IllegalStateException("include_usage goes into a JSON object without options");
    }
    return of(splice(firstMember, firstMember, INCLUDE_USAGE));
  }

  /**
   * The bytes with the top-level {@code model} set to {@code deployment}: its value replaced where
   * it stands, or added as the first member when the body has none.
   *
   * @param deployment the route's deployment name
   * @return new bytes
   * @throws IllegalStateException if the body is not a JSON object
   */
  public byte[] bytesWithModel(String deployment) {
    if (!json) {
      throw new IllegalStateException("the model goes into a JSON object body");
    }
    byte[] quoted = quoted(deployment);
    if (modelStart >= 0) {
      return splice(modelStart, modelEnd, quoted);
    }
    byte[] member = new byte[quoted.length + 9];
    byte[] key = "\"model\":".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(key, 0, member, 0, key.length);
    System.arraycopy(quoted, 0, member, key.length, quoted.length);
    member[member.length - 1] = ',';
    return splice(firstMember, firstMember, member);
  }

  /**
   * Whether a legacy Azure OpenAI api-version accepts {@code stream_options}: 2024-09-01-preview
   * and later previews, 2024-10-21 and later GA versions. (The v1 API always does.)
   *
   * @param apiVersion such as {@code 2024-10-21} or {@code 2025-01-01-preview}; may be null
   * @return whether {@code include_usage} may be sent
   */
  public static boolean acceptsStreamOptions(String apiVersion) {
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

  private byte[] splice(int from, int to, byte[] insert) {
    byte[] result = new byte[bytes.length - (to - from) + insert.length];
    System.arraycopy(bytes, 0, result, 0, from);
    System.arraycopy(insert, 0, result, from, insert.length);
    System.arraycopy(bytes, to, result, from + insert.length, bytes.length - to);
    return result;
  }

  private static byte[] quoted(String s) {
    byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(s);
    byte[] out = new byte[escaped.length + 2];
    out[0] = '"';
    System.arraycopy(escaped, 0, out, 1, escaped.length);
    out[out.length - 1] = '"';
    return out;
  }

  @Override
  public String toString() {
    // never the content: prompts are personal data
    return "RequestBody[" + (bytes == null ? "none" : bytes.length + " bytes") + "]";
  }

  /** One streaming pass; byte offsets from Jackson's token locations. */
  private static final class Reader {
    boolean streaming;
    boolean streamOptions;
    long maxTokens;
    long maxCompletionTokens;
    long promptBytes;
    String model;
    Boolean store;
    boolean previousResponseId;
    boolean conversation;
    int firstMember = -1;
    int modelStart = -1;
    int modelEnd = -1;

    @SuppressWarnings("deprecation") // getTokenLocation: every Jackson 2.x, not only 2.17+
    void read(byte[] body) {
      try (JsonParser p = JSON.createParser(body)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return;
        }
        int brace = (int) p.getTokenLocation().getByteOffset();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          switch (field) {
            case "stream" -> streaming = value == JsonToken.VALUE_TRUE;
            case "stream_options" -> {
              streamOptions = value != JsonToken.VALUE_NULL;
              p.skipChildren();
            }
            case "max_tokens", "max_output_tokens" -> maxTokens = wholeNumber(p, value);
            case "max_completion_tokens" -> maxCompletionTokens = wholeNumber(p, value);
            case "messages", "prompt", "input" -> promptBytes += utf8Length(p, value);
            case "model" -> readModel(p, value);
            case "store" ->
                store =
                    value == JsonToken.VALUE_TRUE
                        ? Boolean.TRUE
                        : value == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
            case "previous_response_id" -> previousResponseId = present(p, value);
            case "conversation" -> conversation = present(p, value);
            default -> p.skipChildren();
          }
        }
        // only a whole object counts: a truncated body is not rewritten
        if (p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null) {
          firstMember = brace + 1;
        }
      } catch (IOException | RuntimeException e) {
        firstMember = -1; // not JSON: the service will say so
      }
    }

    @SuppressWarnings("deprecation")
    private void readModel(JsonParser p, JsonToken value) throws IOException {
      if (value != JsonToken.VALUE_STRING) {
        p.skipChildren();
        return;
      }
      int start = (int) p.getTokenLocation().getByteOffset();
      model = p.getText();
      modelStart = start;
      modelEnd = (int) p.getCurrentLocation().getByteOffset();
    }

    private static boolean present(JsonParser p, JsonToken value) throws IOException {
      p.skipChildren();
      return value != JsonToken.VALUE_NULL;
    }

    private static long wholeNumber(JsonParser p, JsonToken value) throws IOException {
      return value == JsonToken.VALUE_NUMBER_INT ? Math.max(0, p.getValueAsLong()) : 0;
    }

    @SuppressWarnings("deprecation")
    private static long utf8Length(JsonParser p, JsonToken value) throws IOException {
      if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
        long start = p.getTokenLocation().getByteOffset();
        p.skipChildren();
        return p.getCurrentLocation().getByteOffset() - start;
      }
      if (value == JsonToken.VALUE_STRING) {
        return p.getText().getBytes(StandardCharsets.UTF_8).length;
      }
      return 0;
    }
  }
}
