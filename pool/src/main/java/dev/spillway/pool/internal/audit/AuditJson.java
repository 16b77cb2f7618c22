package dev.spillway.pool.internal.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.spillway.ContentFilterResult;
import dev.spillway.pool.audit.AuditRecord;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of an {@link AuditRecord}: one object, snake_case field names that docs/audit.md
 * lists and that only grow, instants as ISO-8601 UTC, durations in milliseconds, absent values
 * omitted. Not API; {@link AuditRecord#toJson()} is.
 */
public final class AuditJson {
  private AuditJson() {}

  /**
   * @param r the record
   * @return its JSON, on one line
   */
  public static String write(AuditRecord r) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = JsonValues.JSON.createGenerator(out)) {
      write(g, r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator g, AuditRecord r) throws IOException {
    g.writeStartObject();
    g.writeStringField("call_id", r.callId());
    g.writeStringField("operation", r.operation());
    instant(g, "started_at", r.startedAt());
    instant(g, "first_byte_at", r.firstByteAt());
    instant(g, "ended_at", r.endedAt());
    g.writeNumberField("latency_ms", r.latency().toMillis());
    string(g, "consumer_id", r.consumerId());
    if (!r.tags().isEmpty()) {
      g.writeObjectFieldStart("tags");
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(r.tags()).entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    string(g, "model", r.model());
    string(g, "response_model", r.responseModel());
    string(g, "backend_id", r.backendId());
    string(g, "deployment", r.deployment());
    string(g, "region", r.region());
    if (r.tier() != null) {
      g.writeNumberField("tier", r.tier());
    }
    g.writeBooleanField("streamed", r.streamed());
    if (r.status() != null) {
      g.writeNumberField("status", r.status());
    }
    string(g, "error", r.error());
    g.writeBooleanField("succeeded", r.succeeded());
    g.writeArrayFieldStart("attempts");
    for (AuditRecord.Attempt a : r.attempts()) {
      g.writeStartObject();
      g.writeNumberField("number", a.number());
      g.writeStringField("backend_id", a.backendId());
      g.writeNumberField("tier", a.tier());
      g.writeStringField("deployment", a.deployment());
      g.writeStringField("outcome", a.outcome());
      if (a.status() != null) {
        g.writeNumberField("status", a.status());
      }
      duration(g, "retry_after_ms", a.retryAfter());
      string(g, "error_type", a.errorType());
      duration(g, "latency_ms", a.latency());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("usage");
    g.writeNumberField("input_tokens", r.usage().inputTokens());
    g.writeNumberField("output_tokens", r.usage().outputTokens());
    g.writeBooleanField("estimated", r.usage().estimated());
    g.writeEndObject();
    g.writeObjectFieldStart("content_filter");
    g.writeBooleanField("filtered", r.contentFilter().filtered());
    string(g, "error_code", r.contentFilter().errorCode());
    g.writeArrayFieldStart("results");
    for (ContentFilterResult f : r.contentFilter().results()) {
      g.writeStartObject();
      g.writeStringField("source", f.source().attributeValue());
      g.writeNumberField("index", f.index());
      g.writeStringField("category", f.category());
      g.writeBooleanField("filtered", f.filtered());
      string(g, "severity", f.severity());
      if (f.detected() != null) {
        g.writeBooleanField("detected", f.detected());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeStringField("capture", r.capture().configName());
    string(g, "response_id", r.responseId());
    if (!r.finishReasons().isEmpty()) {
      g.writeArrayFieldStart("finish_reasons");
      for (String f : r.finishReasons()) {
        g.writeString(f);
      }
      g.writeEndArray();
    }
    if (r.request() != null) {
      request(g, r.request());
    }
    if (r.response() != null) {
      response(g, r.response());
    }
    g.writeEndObject();
  }

  private static void request(JsonGenerator g, AuditRecord.Request q) throws IOException {
    g.writeObjectFieldStart("request");
    if (!q.messages().isEmpty()) {
      g.writeArrayFieldStart("messages");
      for (AuditRecord.Message m : q.messages()) {
        message(g, m);
      }
      g.writeEndArray();
    }
    strings(g, "prompt", q.prompt());
    strings(g, "input", q.input());
    strings(g, "tools", q.tools());
    if (!q.parameters().isEmpty()) {
      g.writeObjectFieldStart("parameters");
      for (Map.Entry<String, String> e : q.parameters().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void response(JsonGenerator g, AuditRecord.Response s) throws IOException {
    g.writeObjectFieldStart("response");
    string(g, "id", s.id());
    string(g, "model", s.model());
    string(g, "system_fingerprint", s.systemFingerprint());
    g.writeArrayFieldStart("choices");
    for (AuditRecord.Choice c : s.choices()) {
      g.writeStartObject();
      g.writeNumberField("index", c.index());
      string(g, "finish_reason", c.finishReason());
      g.writeFieldName("message");
      message(g, c.message());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void message(JsonGenerator g, AuditRecord.Message m) throws IOException {
    g.writeStartObject();
    string(g, "role", m.role());
    string(g, "name", m.name());
    string(g, "tool_call_id", m.toolCallId());
    string(g, "content", m.content());
    if (!m.toolCalls().isEmpty()) {
      g.writeArrayFieldStart("tool_calls");
      for (AuditRecord.ToolCall t : m.toolCalls()) {
        toolCall(g, t);
      }
      g.writeEndArray();
    }
    if (m.functionCall() != null) {
      g.writeFieldName("function_call");
      toolCall(g, m.functionCall());
    }
    g.writeEndObject();
  }

  private static void toolCall(JsonGenerator g, AuditRecord.ToolCall t) throws IOException {
    g.writeStartObject();
    g.writeNumberField("index", t.index());
    string(g, "id", t.id());
    string(g, "type", t.type());
    string(g, "name", t.name());
    string(g, "arguments", t.arguments());
    g.writeEndObject();
  }

  private static void strings(JsonGenerator g, String name, List<String> values)
      throws IOException {
    if (values.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  private static void string(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private static void instant(JsonGenerator g, String name, Instant value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value.toString());
    }
  }

  private static void duration(JsonGenerator g, String name, Duration value) throws IOException {
    if (value != null) {
      g.writeNumberField(name, value.toMillis());
    }
  }
}
