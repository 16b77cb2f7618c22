package dev.spillway.pool.spi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.spillway.Usage;
import dev.spillway.pool.internal.audit.ResponseAssembly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What an adapter reads from a JSON response body or from one stream event: the reported usage, the
 * response model, the error code, and (for chunks) the number of choices and the bytes of generated
 * text. Chat and completion bodies report {@code usage.prompt_tokens} / {@code completion_tokens};
 * the Responses API reports {@code input_tokens} / {@code output_tokens}, and its stream events
 * carry the response under {@code response}. Bodies that are not JSON objects yield {@link #NONE};
 * reading never throws.
 *
 * @param usage the reported {@code usage}, or {@code null}
 * @param model the non-empty {@code model}, or {@code null}
 * @param errorCode {@code error.code} as text, or {@code null}
 * @param choices the number of {@code choices}, or -1 when absent
 * @param textBytes UTF-8 bytes of {@code choices[].delta.content}, {@code choices[].text} and a
 *     Responses stream event's {@code delta}
 */
public record ResponseBody(
    Usage usage, String model, String errorCode, int choices, long textBytes) {

  /** Nothing known. */
  public static final ResponseBody NONE = new ResponseBody(null, null, null, -1, 0);

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * Reads a whole body.
   *
   * @param json the bytes, or {@code null}
   * @return what it says
   */
  public static ResponseBody parse(byte[] json) {
    return parse(json, 0, json == null ? 0 : json.length);
  }

  /**
   * Reads part of an array.
   *
   * @param json the array, or {@code null}
   * @param offset where the JSON starts
   * @param length its length
   * @return what it says
   */
  public static ResponseBody parse(byte[] json, int offset, int length) {
    return parse(json, offset, length, null);
  }

  /**
   * Reads part of an array and, in the same pass, hands its content-filter results to {@code
   * filters} (as {@link ResponseAssembly#read} would find them), only once the whole object has
   * been read: a body that is not one JSON object hands over nothing.
   *
   * @param filters where the content-filter results go, or {@code null}
   */
  static ResponseBody parse(byte[] json, int offset, int length, ResponseAssembly filters) {
    if (json == null || length == 0) {
      return NONE;
    }
    try (JsonParser p = JSON.createParser(json, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return NONE;
      }
      Facts facts = new Facts(filters != null);
      facts.readObject(p, true);
      if (filters != null) {
        facts.handFilters(filters);
      }
      return new ResponseBody(facts.usage, facts.model, facts.errorCode, facts.choices, facts.text);
    } catch (IOException | RuntimeException e) {
      return NONE;
    }
  }

  private static final class Facts {
    /** Whether to keep the top-level content-filter members for {@link #handFilters}. */
    final boolean filters;

    Usage usage;
    String model;
    String errorCode;
    int choices = -1;
    long text;
    Object promptFilters;
    List<ChoiceFilter> choiceFilters;
    String errorCodeText;
    Object innerError;

    Facts(boolean filters) {
      this.filters = filters;
    }

    void handFilters(ResponseAssembly to) {
      to.promptFilterResults(promptFilters);
      if (choiceFilters != null) {
        choiceFilters.forEach(c -> to.choiceFilterResults(c.index, c.results));
      }
      to.errorFilterResults(errorCodeText, innerError);
    }

    /** One choice's {@code content_filter_results}, with its index. */
    private record ChoiceFilter(int index, Object results) {}

    /** The members of an object whose start was just read; {@code top}: not a nested response. */
    void readObject(JsonParser p, boolean top) throws IOException {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "usage" -> {
            if (value == JsonToken.START_OBJECT) {
              usage = usage(p);
            }
          }
          case "model" -> {
            if (value == JsonToken.VALUE_STRING && !p.getText().isEmpty()) {
              model = p.getText();
            }
          }
          case "error" -> {
            if (value == JsonToken.START_OBJECT) {
              error(p, top && filters);
            }
          }
          case "choices" -> {
            if (value == JsonToken.START_ARRAY) {
              choices = choices(p, top && filters);
            }
          }
          case "prompt_filter_results" -> {
            if (top && filters) {
              promptFilters = ResponseAssembly.value(p);
            } else {
              p.skipChildren();
            }
          }
          case "response" -> {
            if (top && value == JsonToken.START_OBJECT) {
              readObject(p, false);
            } else {
              p.skipChildren();
            }
          }
          case "delta" -> {
            if (top && value == JsonToken.VALUE_STRING) {
              text += utf8(p);
            } else {
              p.skipChildren();
            }
          }
          default -> p.skipChildren();
        }
      }
    }

    private static Usage usage(JsonParser p) throws IOException {
      long prompt = 0;
      long completion = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.VALUE_NUMBER_INT
            && (field.equals("prompt_tokens") || field.equals("input_tokens"))) {
          prompt = p.getValueAsLong();
        } else if (value == JsonToken.VALUE_NUMBER_INT
            && (field.equals("completion_tokens") || field.equals("output_tokens"))) {
          completion = p.getValueAsLong();
        } else {
          p.skipChildren();
        }
      }
      return Usage.reported(Math.max(0, prompt), Math.max(0, completion));
    }

    /** An {@code error} object; {@code keep}: its filter members too. */
    private void error(JsonParser p, boolean keep) throws IOException {
      String code = null;
      String codeText = null;
      Object inner = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("code") && (value == JsonToken.VALUE_STRING || value.isNumeric())) {
          code = p.getText();
          codeText = value == JsonToken.VALUE_STRING ? code : null;
        } else if (keep && field.equals("innererror")) {
          inner = ResponseAssembly.value(p);
        } else {
          p.skipChildren();
        }
      }
      errorCode = code;
      if (keep) {
        errorCodeText = codeText;
        innerError = inner;
      }
    }

    /** A {@code choices} array; {@code keep}: each choice's filter results too. */
    private int choices(JsonParser p, boolean keep) throws IOException {
      int count = 0;
      if (keep) {
        choiceFilters = null; // as a map keeps the last of duplicate members
      }
      while (p.nextToken() != JsonToken.END_ARRAY) {
        count++;
        if (p.currentToken() != JsonToken.START_OBJECT) {
          p.skipChildren();
          continue;
        }
        int index = count - 1;
        Object filterResults = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          if (keep && field.equals("index") && value.isNumeric()) {
            index = p.getNumberValue().intValue();
          } else if (keep && field.equals("content_filter_results")) {
            filterResults = ResponseAssembly.value(p);
          } else if (field.equals("text") && value == JsonToken.VALUE_STRING) {
            text += utf8(p);
          } else if (field.equals("delta") && value == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String deltaField = p.currentName();
              JsonToken deltaValue = p.nextToken();
              if (deltaField.equals("content") && deltaValue == JsonToken.VALUE_STRING) {
                text += utf8(p);
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
        }
        if (filterResults != null) {
          if (choiceFilters == null) {
            choiceFilters = new ArrayList<>(2);
          }
          choiceFilters.add(new ChoiceFilter(index, filterResults));
        }
      }
      return count;
    }

    private static long utf8(JsonParser p) throws IOException {
      return p.getText().getBytes(StandardCharsets.UTF_8).length;
    }
  }
}
