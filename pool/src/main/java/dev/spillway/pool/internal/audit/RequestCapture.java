package dev.spillway.pool.internal.audit;

import static dev.spillway.pool.internal.audit.JsonValues.list;
import static dev.spillway.pool.internal.audit.JsonValues.map;
import static dev.spillway.pool.internal.audit.JsonValues.string;

import dev.spillway.pool.audit.AuditRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request of a {@code full} record, read from the body the SDK sent (before Spillway added
 * {@code stream_options}): messages with roles, prompt, input, tools, and every other top-level
 * member as a parameter. Each text is capped.
 */
final class RequestCapture {
  private static final Set<String> NOT_PARAMETERS =
      Set.of("messages", "prompt", "input", "tools", "functions");

  private RequestCapture() {}

  /** The request, or {@code null} when the body is not a JSON object. */
  static AuditRecord.Request read(byte[] body, int cap) {
    Map<String, Object> json = JsonValues.object(body, 0, body == null ? 0 : body.length);
    if (json == null) {
      return null;
    }
    List<AuditRecord.Message> messages = new ArrayList<>();
    for (Object m : list(json.get("messages"))) {
      Map<?, ?> message = map(m);
      if (message != null) {
        messages.add(message(message, cap));
      }
    }
    List<String> tools = new ArrayList<>();
    for (Object t : list(json.get("tools"))) {
      tools.add(CappedText.of(JsonValues.json(t), cap));
    }
    for (Object f : list(json.get("functions"))) {
      tools.add(CappedText.of(JsonValues.json(f), cap));
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    json.forEach(
        (k, v) -> {
          if (!NOT_PARAMETERS.contains(k)) {
            parameters.put(k, CappedText.of(JsonValues.text(v), cap));
          }
        });
    return new AuditRecord.Request(
        messages, texts(json.get("prompt"), cap), texts(json.get("input"), cap), tools, parameters);
  }

  /** A string, or each element of an array (strings as text, anything else as JSON). */
  private static List<String> texts(Object value, int cap) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> items)) {
      return List.of(String.valueOf(CappedText.of(JsonValues.text(value), cap)));
    }
    List<String> out = new ArrayList<>();
    for (Object item : items) {
      out.add(String.valueOf(CappedText.of(JsonValues.text(item), cap)));
    }
    return out;
  }

  private static AuditRecord.Message message(Map<?, ?> m, int cap) {
    List<AuditRecord.ToolCall> calls = new ArrayList<>();
    List<?> toolCalls = list(m.get("tool_calls"));
    for (int i = 0; i < toolCalls.size(); i++) {
      Map<?, ?> call = map(toolCalls.get(i));
      if (call != null) {
        Map<?, ?> function = map(call.get("function"));
        calls.add(
            new AuditRecord.ToolCall(
                i,
                string(call, "id"),
                string(call, "type"),
                string(function, "name"),
                CappedText.of(arguments(function), cap)));
      }
    }
    Map<?, ?> functionCall = map(m.get("function_call"));
    return new AuditRecord.Message(
        string(m, "role"),
        CappedText.of(content(m.get("content")), cap),
        string(m, "name"),
        string(m, "tool_call_id"),
        calls,
        functionCall == null
            ? null
            : new AuditRecord.ToolCall(
                0,
                null,
                null,
                string(functionCall, "name"),
                CappedText.of(arguments(functionCall), cap)));
  }

  private static String arguments(Map<?, ?> function) {
    Object arguments = function == null ? null : function.get("arguments");
    return arguments == null ? null : JsonValues.text(arguments);
  }

  /** A message's content: its text, or its parts' texts joined; other parts as {@code [type]}. */
  static String content(Object content) {
    if (content == null || content instanceof String) {
      return (String) content;
    }
    StringBuilder s = new StringBuilder();
    for (Object p : list(content)) {
      Map<?, ?> part = map(p);
      if (s.length() > 0) {
        s.append('\n');
      }
      String text = string(part, "text");
      if (text != null) {
        s.append(text);
      } else {
        String type = string(part, "type");
        s.append('[').append(type == null ? "part" : type).append(']');
      }
    }
    return s.toString();
  }
}
