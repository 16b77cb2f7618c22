package dev.spillway.azure.internal;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonToken;
import dev.spillway.Usage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the adapter reads from a JSON response body or one stream chunk: the reported usage, the
 * response model, the error code, and (for chunks) the number of choices and the bytes of generated
 * text. Bodies that are not JSON objects yield {@link #NONE}.
 *
 * @param usage the reported {@code usage}, or {@code null}
 * @param model the non-empty {@code model}, or {@code null}
 * @param errorCode {@code error.code} as text, or {@code null}
 * @param choices the number of {@code choices}, or -1 when absent
 * @param textBytes UTF-8 bytes of {@code choices[].delta.content} and {@code choices[].text}
 */
record ResponseBody(Usage usage, String model, String errorCode, int choices, long textBytes) {

  static final ResponseBody NONE = new ResponseBody(null, null, null, -1, 0);

  static ResponseBody parse(byte[] json) {
    return parse(json, 0, json == null ? 0 : json.length);
  }

  static ResponseBody parse(byte[] json, int offset, int length) {
    if (json == null || length == 0) {
      return NONE;
    }
    try (JsonReader reader =
        JsonProviders.createReader(new ByteArrayInputStream(json, offset, length))) {
      if (reader.nextToken() != JsonToken.START_OBJECT) {
        return NONE;
      }
      Usage usage = null;
      String model = null;
      String errorCode = null;
      int choices = -1;
      long[] textBytes = new long[1];
      while (reader.nextToken() == JsonToken.FIELD_NAME) {
        String field = reader.getFieldName();
        JsonToken value = reader.nextToken();
        switch (field) {
          case "usage":
            usage = value == JsonToken.START_OBJECT ? usage(reader) : null;
            break;
          case "model":
            model = value == JsonToken.STRING ? emptyToNull(reader.getString()) : null;
            break;
          case "error":
            errorCode = value == JsonToken.START_OBJECT ? errorCode(reader) : null;
            break;
          case "choices":
            choices = value == JsonToken.START_ARRAY ? choices(reader, textBytes) : -1;
            break;
          default:
            reader.skipChildren();
        }
      }
      return new ResponseBody(usage, model, errorCode, choices, textBytes[0]);
    } catch (IOException | RuntimeException e) {
      return NONE;
    }
  }

  private static Usage usage(JsonReader reader) throws IOException {
    long prompt = 0;
    long completion = 0;
    while (reader.nextToken() == JsonToken.FIELD_NAME) {
      String field = reader.getFieldName();
      JsonToken value = reader.nextToken();
      if (value == JsonToken.NUMBER && field.equals("prompt_tokens")) {
        prompt = reader.getLong();
      } else if (value == JsonToken.NUMBER && field.equals("completion_tokens")) {
        completion = reader.getLong();
      } else {
        reader.skipChildren();
      }
    }
    return Usage.reported(Math.max(0, prompt), Math.max(0, completion));
  }

  private static String errorCode(JsonReader reader) throws IOException {
    String code = null;
    while (reader.nextToken() == JsonToken.FIELD_NAME) {
      String field = reader.getFieldName();
      JsonToken value = reader.nextToken();
      if (field.equals("code") && (value == JsonToken.STRING || value == JsonToken.NUMBER)) {
        code = reader.getText();
      } else {
        reader.skipChildren();
      }
    }
    return code;
  }

  private static int choices(JsonReader reader, long[] textBytes) throws IOException {
    int count = 0;
    while (reader.nextToken() != JsonToken.END_ARRAY) {
      count++;
      if (reader.currentToken() != JsonToken.START_OBJECT) {
        reader.skipChildren();
        continue;
      }
      while (reader.nextToken() == JsonToken.FIELD_NAME) {
        String field = reader.getFieldName();
        JsonToken value = reader.nextToken();
        if (field.equals("text") && value == JsonToken.STRING) {
          textBytes[0] += reader.getString().getBytes(StandardCharsets.UTF_8).length;
        } else if (field.equals("delta") && value == JsonToken.START_OBJECT) {
          while (reader.nextToken() == JsonToken.FIELD_NAME) {
            String deltaField = reader.getFieldName();
            JsonToken deltaValue = reader.nextToken();
            if (deltaField.equals("content") && deltaValue == JsonToken.STRING) {
              textBytes[0] += reader.getString().getBytes(StandardCharsets.UTF_8).length;
            } else {
              reader.skipChildren();
            }
          }
        } else {
          reader.skipChildren();
        }
      }
    }
    return count;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
