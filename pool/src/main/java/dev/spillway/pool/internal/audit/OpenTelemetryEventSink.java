package dev.spillway.pool.internal.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.spillway.ContentFilterResult;
import dev.spillway.pool.audit.AuditRecord;
import dev.spillway.pool.audit.AuditSink;
import dev.spillway.pool.audit.AuditSinks;
import dev.spillway.pool.audit.CaptureLevel;
import dev.spillway.telemetry.SpillwayMetrics;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code AuditSinks.openTelemetry}: each record as the GenAI semantic conventions' event {@value
 * AuditSinks#EVENT_NAME} (version {@value AuditSinks#SEMCONV_VERSION}), emitted through the
 * OpenTelemetry API's logs bridge. The GenAI attributes carry the metadata; {@code
 * gen_ai.input.messages} and {@code gen_ai.output.messages} the text, as JSON strings in the
 * conventions' message shape (role, parts of type {@code text}, {@code tool_call}, {@code
 * tool_call_response}; output messages with their {@code finish_reason}), only at capture level
 * full. Spillway's own attributes add the route, the attempts and the content-filter outcome.
 * Thread-safe.
 */
public final class OpenTelemetryEventSink implements AuditSink {
  static final AttributeKey<String> OPERATION = SpillwayMetrics.OPERATION_NAME;
  static final AttributeKey<String> PROVIDER = SpillwayMetrics.PROVIDER_NAME;
  static final AttributeKey<String> REQUEST_MODEL = SpillwayMetrics.REQUEST_MODEL;
  static final AttributeKey<String> RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
  static final AttributeKey<List<String>> FINISH_REASONS =
      AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<String> INPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.input.messages");
  static final AttributeKey<String> OUTPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.output.messages");
  static final AttributeKey<String> ERROR_TYPE = SpillwayMetrics.ERROR_TYPE;
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> CALL_ID = AttributeKey.stringKey("spillway.call.id");
  static final AttributeKey<String> CONSUMER_ID = AttributeKey.stringKey("spillway.consumer.id");
  static final AttributeKey<Long> ATTEMPT_COUNT = AttributeKey.longKey("spillway.attempt.count");
  static final AttributeKey<String> REGION = AttributeKey.stringKey("spillway.backend.region");
  static final AttributeKey<Boolean> ESTIMATED =
      AttributeKey.booleanKey("spillway.usage.estimated");
  static final AttributeKey<List<String>> FILTERED =
      AttributeKey.stringArrayKey("spillway.content_filter.filtered");
  static final AttributeKey<String> FILTER_ERROR =
      AttributeKey.stringKey("spillway.content_filter.error_code");
  static final String TAG_PREFIX = "spillway.tag.";

  private final Logger logger;

  /**
   * @param openTelemetry whose logs bridge to use
   */
  public OpenTelemetryEventSink(OpenTelemetry openTelemetry) {
    this.logger =
        openTelemetry
            .getLogsBridge()
            .loggerBuilder("dev.spillway.audit")
            .setSchemaUrl("https://opentelemetry.io/schemas/" + AuditSinks.SEMCONV_VERSION)
            .build();
  }

  @Override
  public void write(AuditRecord r) {
    logger
        .logRecordBuilder()
        .setEventName(AuditSinks.EVENT_NAME)
        .setTimestamp(r.endedAt())
        .setSeverity(r.succeeded() ? Severity.INFO : Severity.WARN)
        .setAllAttributes(attributes(r))
        .emit();
  }

  static Attributes attributes(AuditRecord r) {
    AttributesBuilder b =
        Attributes.builder()
            .put(OPERATION, r.operation())
            .put(PROVIDER, SpillwayMetrics.PROVIDER)
            .put(CALL_ID, r.callId())
            .put(INPUT_TOKENS, r.usage().inputTokens())
            .put(OUTPUT_TOKENS, r.usage().outputTokens())
            .put(ESTIMATED, r.usage().estimated())
            .put(ATTEMPT_COUNT, (long) r.attempts().size());
    putIfSet(b, REQUEST_MODEL, r.model());
    putIfSet(b, RESPONSE_MODEL, r.responseModel());
    putIfSet(b, RESPONSE_ID, r.responseId());
    putIfSet(b, CONSUMER_ID, r.consumerId());
    putIfSet(b, SpillwayMetrics.BACKEND_ID, r.backendId());
    putIfSet(b, SpillwayMetrics.DEPLOYMENT, r.deployment());
    putIfSet(b, REGION, r.region());
    if (r.tier() != null) {
      b.put(SpillwayMetrics.BACKEND_TIER, (long) r.tier());
    }
    if (!r.finishReasons().isEmpty()) {
      b.put(FINISH_REASONS, r.finishReasons());
    }
    if (r.status() != null) {
      b.put(HTTP_STATUS, (long) r.status());
    }
    if (r.error() != null) {
      b.put(ERROR_TYPE, r.error());
    } else if (r.status() != null && r.status() >= 400) {
      b.put(ERROR_TYPE, String.valueOf(r.status()));
    }
    r.tags().forEach((k, v) -> b.put(TAG_PREFIX + k, v));
    TreeSet<String> filtered = new TreeSet<>();
    for (ContentFilterResult f : r.contentFilter().results()) {
      if (f.filtered()) {
        filtered.add(f.source().attributeValue() + "." + f.category());
      }
    }
    if (!filtered.isEmpty()) {
      b.put(FILTERED, List.copyOf(filtered));
    }
    putIfSet(b, FILTER_ERROR, r.contentFilter().errorCode());
    if (r.capture() == CaptureLevel.FULL) {
      if (r.request() != null) {
        b.put(INPUT_MESSAGES, inputMessages(r.request()));
      }
      if (r.response() != null) {
        b.put(OUTPUT_MESSAGES, outputMessages(r.response()));
      }
    }
    return b.build();
  }

  private static void putIfSet(AttributesBuilder b, AttributeKey<String> key, String value) {
    if (value != null) {
      b.put(key, value);
    }
  }

  /** The conventions' input messages: the chat messages, else the prompt or input as user text. */
  static String inputMessages(AuditRecord.Request q) {
    return json(
        g -> {
          g.writeStartArray();
          for (AuditRecord.Message m : q.messages()) {
            message(g, m, null);
          }
          for (String text : q.prompt()) {
            textMessage(g, "user", text);
          }
          for (String text : q.input()) {
            textMessage(g, "user", text);
          }
          g.writeEndArray();
        });
  }

  /** The conventions' output messages: one per choice, with its finish reason. */
  static String outputMessages(AuditRecord.Response s) {
    return json(
        g -> {
          g.writeStartArray();
          for (AuditRecord.Choice c : s.choices()) {
            message(g, c.message(), c.finishReason() == null ? "" : c.finishReason());
          }
          g.writeEndArray();
        });
  }

  private static void textMessage(JsonGenerator g, String role, String text) throws IOException {
    g.writeStartObject();
    g.writeStringField("role", role);
    g.writeArrayFieldStart("parts");
    g.writeStartObject();
    g.writeStringField("type", "text");
    g.writeStringField("content", text);
    g.writeEndObject();
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void message(JsonGenerator g, AuditRecord.Message m, String finishReason)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("role", m.role() == null ? "assistant" : m.role());
    g.writeArrayFieldStart("parts");
    if (m.content() != null) {
      g.writeStartObject();
      if (m.toolCallId() != null) {
        g.writeStringField("type", "tool_call_response");
        g.writeStringField("id", m.toolCallId());
        g.writeStringField("response", m.content());
      } else {
        g.writeStringField("type", "text");
        g.writeStringField("content", m.content());
      }
      g.writeEndObject();
    }
    for (AuditRecord.ToolCall t : m.toolCalls()) {
      toolCall(g, t);
    }
    if (m.functionCall() != null) {
      toolCall(g, m.functionCall());
    }
    g.writeEndArray();
    if (finishReason != null) {
      g.writeStringField("finish_reason", finishReason);
    }
    g.writeEndObject();
  }

  private static void toolCall(JsonGenerator g, AuditRecord.ToolCall t) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "tool_call");
    if (t.id() != null) {
      g.writeStringField("id", t.id());
    }
    g.writeStringField("name", t.name() == null ? "" : t.name());
    if (t.arguments() != null) {
      g.writeStringField("arguments", t.arguments());
    }
    g.writeEndObject();
  }

  private interface Writes {
    void to(JsonGenerator g) throws IOException;
  }

  private static String json(Writes writes) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JsonValues.JSON.createGenerator(out)) {
      writes.to(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "AuditSinks.openTelemetry()";
  }
}
