package dev.spillway.pool.audit;

import dev.spillway.pool.internal.audit.JsonLinesFileSink;
import dev.spillway.pool.internal.audit.LogSink;
import dev.spillway.pool.internal.audit.OpenTelemetryEventSink;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.util.Objects;

/** The built-in {@link AuditSink}s. Each returns a new sink; each sink is thread-safe. */
public final class AuditSinks {
  /** The SLF4J logger {@link #log()} writes to. */
  public static final String LOGGER = "spillway.audit";

  /**
   * The OpenTelemetry GenAI event {@link #openTelemetry} emits, as the GenAI semantic conventions
   * define it in version {@value #SEMCONV_VERSION} (status: Development).
   */
  public static final String EVENT_NAME = "gen_ai.client.inference.operation.details";

  /** The semantic-conventions version the OpenTelemetry sink follows. */
  public static final String SEMCONV_VERSION = "1.37.0";

  /** Default size at which {@link #jsonLines} starts a new file: 100 MiB. */
  public static final long DEFAULT_FILE_MAX_BYTES = 100L << 20;

  /** Default number of files {@link #jsonLines} keeps: the current one and four rotated. */
  public static final int DEFAULT_FILE_MAX_FILES = 5;

  private AuditSinks() {}

  /**
   * One JSON object per line ({@link AuditRecord#toJson()}) at INFO on the SLF4J logger {@value
   * #LOGGER}; route that logger to its own appender to keep audit apart from the application's log.
   *
   * @return the sink
   */
  public static AuditSink log() {
    return new LogSink();
  }

  /**
   * Each record as an OpenTelemetry log record through the API's logs bridge: the event {@value
   * #EVENT_NAME} with the GenAI attributes ({@code gen_ai.input.messages} and {@code
   * gen_ai.output.messages} as JSON strings, only at {@link CaptureLevel#FULL}), so any logs
   * exporter (Azure Monitor's, OTLP) receives it.
   *
   * @param openTelemetry the instance whose logs bridge to use
   * @return the sink
   */
  public static AuditSink openTelemetry(OpenTelemetry openTelemetry) {
    return new OpenTelemetryEventSink(
        Objects.requireNonNull(openTelemetry, "'openTelemetry' cannot be null."));
  }

  /**
   * One JSON object per line appended to {@code file}; when the next line would take it past {@code
   * maxBytes}, the file is renamed {@code file.1} (older ones shifting to {@code .2}…) and a new
   * one started, keeping {@code maxFiles} files in all.
   *
   * @param file the file; its directory is created if missing
   * @param maxBytes size at which a new file starts, at least 1024
   * @param maxFiles files kept, current included, at least 1
   * @return the sink
   * @throws IllegalArgumentException if a limit is out of range
   */
  public static AuditSink jsonLines(Path file, long maxBytes, int maxFiles) {
    Objects.requireNonNull(file, "'file' cannot be null.");
    if (maxBytes < 1024) {
      throw new IllegalArgumentException("maxBytes must be >= 1024, was " + maxBytes);
    }
    if (maxFiles < 1) {
      throw new IllegalArgumentException("maxFiles must be >= 1, was " + maxFiles);
    }
    return new JsonLinesFileSink(file, maxBytes, maxFiles);
  }
}
