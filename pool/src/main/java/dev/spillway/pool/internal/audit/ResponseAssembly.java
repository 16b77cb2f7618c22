package dev.spillway.pool.internal.audit;

import static dev.spillway.pool.internal.audit.JsonValues.bool;
import static dev.spillway.pool.internal.audit.JsonValues.integer;
import static dev.spillway.pool.internal.audit.JsonValues.list;
import static dev.spillway.pool.internal.audit.JsonValues.map;
import static dev.spillway.pool.internal.audit.JsonValues.string;

import com.fasterxml.jackson.core.JsonParser;
import dev.spillway.ContentFilterResult;
import dev.spillway.ContentFilterResults;
import dev.spillway.pool.audit.AuditRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The response of one call as the caller got it, from a whole body or from a stream's events in
 * order, into one shape: a stream's content deltas joined per choice, its tool-call (and legacy
 * function-call) argument deltas joined per index and id, finish reasons and the response's id and
 * model kept; and content-filter results from every level (the prompt's, each choice's — for a
 * stream the worst of its chunks —, and the inner error of a 400 {@code content_filter}).
 *
 * <p>Text is kept only when {@code keepText} (capture level full), each field capped. Not
 * thread-safe: the {@code CallCapture} that owns it serialises access.
 */
public final class ResponseAssembly {
  private static final List<String> SEVERITIES = List.of("safe", "low", "medium", "high");

  /** The members {@link #read} looks at without the text: the rest is skipped unread. */
  private static final Set<String> METADATA =
      Set.of("id", "model", "system_fingerprint", "prompt_filter_results", "choices", "error");

  /** The members of a choice {@link #choice} looks at without the text. */
  private static final Set<String> CHOICE_METADATA =
      Set.of("index", "finish_reason", "content_filter_results");

  private final boolean keepText;
  private final int cap;
  private String id;
  private String model;
  private String systemFingerprint;
  private final TreeMap<Integer, ChoiceState> choices = new TreeMap<>();
  private final Map<String, ContentFilterResult> filter = new LinkedHashMap<>();
  private String filterErrorCode;
  private boolean any;

  /**
   * @param keepText whether to keep the text (capture level full)
   * @param cap characters kept of each text field
   */
  public ResponseAssembly(boolean keepText, int cap) {
    this.keepText = keepText;
    this.cap = cap;
  }

  /**
   * Reads a whole body, or one stream event (choices with a {@code delta} instead of a {@code
   * message}); what is not one JSON object is ignored.
   *
   * @param bytes the array
   * @param offset where the JSON starts
   * @param length its length
   */
  public void read(byte[] bytes, int offset, int length) {
    // without the text, the messages and deltas are skipped rather than built into values
    Map<String, Object> json =
        keepText
            ? JsonValues.object(bytes, offset, length)
            : JsonValues.pruned(bytes, offset, length, METADATA, CHOICE_METADATA);
    if (json == null) {
      return;
    }
    any = true;
    id = first(id, string(json, "id"));
    model = first(model, string(json, "model"));
    systemFingerprint = first(systemFingerprint, string(json, "system_fingerprint"));
    promptFilterResults(json.get("prompt_filter_results"));
    List<?> choiceList = list(json.get("choices"));
    for (int i = 0; i < choiceList.size(); i++) {
      Map<?, ?> choice = map(choiceList.get(i));
      if (choice != null) {
        choice(choice, integer(choice, "index", i));
      }
    }
    Map<?, ?> error = map(json.get("error"));
    if (error != null) {
      error(error);
    }
  }

  private void choice(Map<?, ?> c, int index) {
    ChoiceState state = choices.computeIfAbsent(index, i -> new ChoiceState());
    String finish = string(c, "finish_reason");
    if (finish != null) {
      state.finishReason = finish;
    }
    choiceFilterResults(index, c.get("content_filter_results"));
    if (!keepText) {
      return;
    }
    Map<?, ?> message = map(c.get("message"));
    Map<?, ?> delta = map(c.get("delta"));
    Map<?, ?> m = message != null ? message : delta;
    if (m == null) {
      state.content.append(string(c, "text")); // a legacy completion
      return;
    }
    state.role = first(state.role, string(m, "role"));
    state.content.append(RequestCapture.content(m.get("content")));
    List<?> calls = list(m.get("tool_calls"));
    for (int i = 0; i < calls.size(); i++) {
      Map<?, ?> call = map(calls.get(i));
      if (call != null) {
        state
            .toolCall(delta != null ? integer(call, "index", i) : i, string(call, "id"), cap)
            .add(call);
      }
    }
    Map<?, ?> functionCall = map(m.get("function_call"));
    if (functionCall != null) {
      if (state.functionCall == null) {
        state.functionCall = new ToolState(0, null, cap);
      }
      state.functionCall.addFunction(functionCall);
    }
  }

  private void error(Map<?, ?> error) {
    errorFilterResults(string(error, "code"), error.get("innererror"));
  }

  // --- the content-filter results of a body read elsewhere in one pass (audit records off)

  /**
   * Reads the JSON value at the parser's current token, for the {@code *FilterResults} methods.
   *
   * @param p a parser on the first token of a value
   * @return the value as maps, lists, strings, numbers and booleans
   * @throws IOException when the parser fails
   */
  public static Object value(JsonParser p) throws IOException {
    return JsonValues.read(p);
  }

  /**
   * A body's {@code prompt_filter_results}.
   *
   * @param results the member's {@link #value}
   */
  public void promptFilterResults(Object results) {
    for (Object p : list(results)) {
      Map<?, ?> prompt = map(p);
      categories(
          ContentFilterResult.Source.PROMPT,
          integer(prompt, "prompt_index", 0),
          map(prompt == null ? null : prompt.get("content_filter_results")));
    }
  }

  /**
   * One choice's {@code content_filter_results}.
   *
   * @param index the choice's {@code index}, else its position
   * @param results the member's {@link #value}
   */
  public void choiceFilterResults(int index, Object results) {
    categories(ContentFilterResult.Source.COMPLETION, index, map(results));
  }

  /**
   * An error body's filter results: its inner error's, or only its code when that is {@code
   * content_filter}.
   *
   * @param code {@code error.code} when a string, else {@code null}
   * @param innerError {@code error.innererror}'s {@link #value}, or {@code null}
   */
  public void errorFilterResults(String code, Object innerError) {
    Map<?, ?> inner = map(innerError);
    Map<?, ?> results = map(inner == null ? null : inner.get("content_filter_result"));
    if (results == null && inner != null) {
      results = map(inner.get("content_filter_results"));
    }
    boolean filterCode = "content_filter".equals(code);
    if (results != null || filterCode) {
      String innerCode = string(inner, "code");
      filterErrorCode = innerCode != null ? innerCode : "content_filter";
      categories(ContentFilterResult.Source.PROMPT, 0, results);
    }
  }

  /** Merges the categories of one prompt or choice: the worst result per category wins. */
  private void categories(ContentFilterResult.Source source, int index, Map<?, ?> results) {
    if (results == null) {
      return;
    }
    results.forEach(
        (k, v) -> {
          Map<?, ?> r = map(v);
          Boolean filtered = bool(r, "filtered");
          if (filtered == null) {
            return; // not a category (an "error" entry)
          }
          String category = String.valueOf(k);
          ContentFilterResult next =
              new ContentFilterResult(
                  source, index, category, filtered, string(r, "severity"), bool(r, "detected"));
          filter.merge(source + "/" + index + "/" + category, next, ResponseAssembly::worst);
        });
  }

  private static ContentFilterResult worst(ContentFilterResult a, ContentFilterResult b) {
    String severity = rank(b.severity()) > rank(a.severity()) ? b.severity() : a.severity();
    Boolean detected =
        (a.detected() == null && b.detected() == null)
            ? null
            : Boolean.TRUE.equals(a.detected()) || Boolean.TRUE.equals(b.detected());
    return new ContentFilterResult(
        a.source(), a.index(), a.category(), a.filtered() || b.filtered(), severity, detected);
  }

  /** A severity's order: unknown (or none) lowest, then safe, low, medium, high. */
  private static int rank(String severity) {
    return severity == null ? -1 : SEVERITIES.indexOf(severity);
  }

  /**
   * @return the content-filter results read so far
   */
  public ContentFilterResults contentFilter() {
    if (filter.isEmpty() && filterErrorCode == null) {
      return ContentFilterResults.NONE;
    }
    List<ContentFilterResult> results = new ArrayList<>(filter.values());
    results.sort(
        Comparator.comparing(ContentFilterResult::source)
            .thenComparingInt(ContentFilterResult::index));
    return new ContentFilterResults(results, filterErrorCode);
  }

  String id() {
    return id;
  }

  String model() {
    return model;
  }

  List<String> finishReasons() {
    List<String> reasons = new ArrayList<>();
    for (ChoiceState c : choices.values()) {
      if (c.finishReason != null) {
        reasons.add(c.finishReason);
      }
    }
    return reasons;
  }

  /** The response with its text, or {@code null} when nothing was read. */
  AuditRecord.Response response() {
    if (!any) {
      return null;
    }
    List<AuditRecord.Choice> out = new ArrayList<>();
    choices.forEach(
        (index, c) -> {
          List<AuditRecord.ToolCall> calls = new ArrayList<>();
          for (int i = 0; i < c.toolCalls.size(); i++) {
            calls.add(c.toolCalls.get(i).toolCall(c.toolCalls.get(i).index));
          }
          out.add(
              new AuditRecord.Choice(
                  index,
                  new AuditRecord.Message(
                      c.role,
                      c.content.value(),
                      null,
                      null,
                      calls,
                      c.functionCall == null ? null : c.functionCall.toolCall(0)),
                  c.finishReason));
        });
    return new AuditRecord.Response(id, model, systemFingerprint, out);
  }

  private static String first(String kept, String next) {
    return kept != null || next == null || next.isEmpty() ? kept : next;
  }

  /** One choice being assembled. */
  private final class ChoiceState {
    String role;
    final CappedText content = new CappedText(cap);
    String finishReason;
    final List<ToolState> toolCalls = new ArrayList<>();
    ToolState functionCall;

    /** The tool call a delta continues: the last one at {@code index}, unless its id differs. */
    ToolState toolCall(int index, String id, int cap) {
      for (int i = toolCalls.size() - 1; i >= 0; i--) {
        ToolState t = toolCalls.get(i);
        if (t.index == index) {
          if (id == null || t.id == null || t.id.equals(id)) {
            return t;
          }
          break;
        }
      }
      ToolState t = new ToolState(index, id, cap);
      toolCalls.add(t);
      return t;
    }
  }

  /** One tool call (or function call) being assembled. */
  private static final class ToolState {
    final int index;
    String id;
    String type;
    String name;
    final CappedText arguments;

    ToolState(int index, String id, int cap) {
      this.index = index;
      this.id = id;
      this.arguments = new CappedText(cap);
    }

    void add(Map<?, ?> call) {
      id = first(id, string(call, "id"));
      type = first(type, string(call, "type"));
      addFunction(map(call.get("function")));
    }

    void addFunction(Map<?, ?> function) {
      if (function == null) {
        return;
      }
      name = first(name, string(function, "name"));
      Object args = function.get("arguments");
      arguments.append(args == null ? null : JsonValues.text(args));
    }

    AuditRecord.ToolCall toolCall(int at) {
      return new AuditRecord.ToolCall(at, id, type, name, arguments.value());
    }
  }
}
