package dev.spillway.cli.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.spillway.AttemptRecord;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code --json} output: one object per line, as the CLI documents it.
 *
 * <pre>{@code
 * {"call":1,"ok":true,"status":200,"backend":"eastus-paygo","latencyMs":41.2,
 *  "attempts":[{"backend":"sweden-ptu","status":429,"retryAfterMs":2000,"latencyMs":3.1},
 *              {"backend":"eastus-paygo","status":200,"latencyMs":38.0}],
 *  "usage":{"inputTokens":12,"outputTokens":40}}
 * {"summary":{"calls":20,"ok":20,"failed":0,"byBackend":{"eastus-paygo":3,"sweden-ptu":17},
 *  "backend429":1,"p50Ms":40.1,"p99Ms":61.0,"inputTokens":240,"outputTokens":800}}
 * }</pre>
 *
 * <p>A failed call adds {@code "error"}; an attempt without a response has {@code "status":null}
 * and {@code "error"} (the exception's class); {@code retryAfterMs} is the cool-down the engine
 * applied, absent when none. Thread-safe (stateless).
 */
final class JsonLines {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonLines() {}

  /**
   * The line of one call.
   *
   * @param result the call
   * @return one line of JSON, without the line break
   */
  static String call(CallResult result) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeNumberField("call", result.call());
          json.writeBooleanField("ok", result.ok());
          writeInteger(json, "status", result.status());
          if (result.retryAfterMs() != null) {
            json.writeNumberField("retryAfterMs", result.retryAfterMs());
          }
          json.writeStringField("backend", result.backend());
          writeMillis(json, "latencyMs", result.latency());
          json.writeArrayFieldStart("attempts");
          for (AttemptRecord attempt : result.attempts()) {
            json.writeStartObject();
            json.writeStringField("backend", attempt.backendId());
            writeInteger(json, "status", attempt.status());
            if (attempt.errorType() != null) {
              json.writeStringField("error", attempt.errorType());
            }
            if (attempt.coolDown() != null) {
              json.writeNumberField("retryAfterMs", attempt.coolDown().toMillis());
            }
            writeMillis(json, "latencyMs", attempt.latency());
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeObjectFieldStart("usage");
          json.writeNumberField("inputTokens", result.usage().inputTokens());
          json.writeNumberField("outputTokens", result.usage().outputTokens());
          json.writeEndObject();
          if (result.error() != null) {
            json.writeStringField("error", result.error());
          }
          json.writeEndObject();
        });
  }

  /**
   * The summary line.
   *
   * @param summary the totals
   * @return one line of JSON, without the line break
   */
  static String summary(Summary summary) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeObjectFieldStart("summary");
          json.writeNumberField("calls", summary.calls());
          json.writeNumberField("ok", summary.ok());
          json.writeNumberField("failed", summary.failed());
          json.writeObjectFieldStart("byBackend");
          for (Map.Entry<String, Long> entry : summary.byBackend().entrySet()) {
            json.writeNumberField(entry.getKey(), entry.getValue());
          }
          json.writeEndObject();
          json.writeNumberField("backend429", summary.backend429());
          writeMillis(json, "p50Ms", summary.p50());
          writeMillis(json, "p99Ms", summary.p99());
          json.writeNumberField("inputTokens", summary.inputTokens());
          json.writeNumberField("outputTokens", summary.outputTokens());
          json.writeEndObject();
          json.writeEndObject();
        });
  }

  /**
   * Milliseconds with one decimal, as printed.
   *
   * @param duration the duration
   * @return for example {@code 41.2}
   */
  static double millis(Duration duration) {
    return Math.round(duration.toNanos() / 100_000.0) / 10.0;
  }

  private static void writeMillis(JsonGenerator json, String name, Duration value)
      throws IOException {
    if (value == null) {
      json.writeNullField(name);
    } else {
      json.writeNumberField(name, millis(value));
    }
  }

  private static void writeInteger(JsonGenerator json, String name, Integer value)
      throws IOException {
    if (value == null) {
      json.writeNullField(name);
    } else {
      json.writeNumberField(name, value);
    }
  }

  private static String write(JsonBody body) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      body.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a StringWriter cannot fail", e);
    }
    return text.toString();
  }

  private interface JsonBody {
    void write(JsonGenerator json) throws IOException;
  }
}
