package dev.spillway.pool.audit;

import dev.spillway.pool.InvalidPropertyException;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code spillway.audit.*} of the configuration schema, which the CLI and the Spring starter both
 * bind:
 *
 * <pre>{@code
 * spillway:
 *   audit:
 *     enabled: true             # default false
 *     capture: metadata         # or full (request and response text)
 *     sinks: [log, file]        # log (SLF4J spillway.audit), opentelemetry, file; default [log]
 *     file: audit/calls.jsonl   # required with the file sink
 *     file-max-bytes: 104857600 # a new file past this size (default 100 MiB)
 *     file-max-files: 5         # files kept, current included
 *     queue-capacity: 10000     # records waiting for the sinks before new ones are dropped
 *     max-field-chars: 16384    # characters kept of each captured text
 * }</pre>
 *
 * <p>A redaction hook is code, not configuration: {@code SpillwayPool.Builder.auditCustomizer}, or
 * a Spring bean of type {@link AuditRedactor}. Validated on construction; immutable.
 *
 * @param enabled whether audit records are made
 * @param capture {@code metadata} or {@code full} ({@code null}: metadata)
 * @param sinks sink names ({@code null} or empty: {@code log})
 * @param file the JSON-lines file of the {@code file} sink
 * @param fileMaxBytes size at which the file rotates ({@code null}: {@link
 *     AuditSinks#DEFAULT_FILE_MAX_BYTES})
 * @param fileMaxFiles files kept ({@code null}: {@link AuditSinks#DEFAULT_FILE_MAX_FILES})
 * @param queueCapacity ({@code null}: {@link AuditSettings#DEFAULT_QUEUE_CAPACITY})
 * @param maxFieldChars ({@code null}: {@link AuditSettings#DEFAULT_MAX_FIELD_CHARS})
 */
public record AuditConfig(
    boolean enabled,
    String capture,
    List<String> sinks,
    String file,
    Long fileMaxBytes,
    Integer fileMaxFiles,
    Integer queueCapacity,
    Integer maxFieldChars) {

  /** The sink names {@code sinks} accepts. */
  public static final List<String> SINK_NAMES = List.of("log", "opentelemetry", "file");

  // after SINK_NAMES, which its construction reads
  /** Audit records off. */
  public static final AuditConfig OFF =
      new AuditConfig(false, null, null, null, null, null, null, null);

  /**
   * Validates the values.
   *
   * @throws InvalidPropertyException naming the property under {@code audit} ({@code capture},
   *     {@code sinks[1]}, {@code file}…) when a value is invalid
   */
  public AuditConfig {
    sinks = sinks == null || sinks.isEmpty() ? List.of("log") : List.copyOf(sinks);
    try {
      CaptureLevel.of(capture == null ? "metadata" : capture);
    } catch (IllegalArgumentException e) {
      throw new InvalidPropertyException("capture", e.getMessage());
    }
    for (int i = 0; i < sinks.size(); i++) {
      String sink = sinks.get(i) == null ? "" : sinks.get(i).trim().toLowerCase(Locale.ROOT);
      if (!SINK_NAMES.contains(sink)) {
        throw new InvalidPropertyException(
            "sinks[" + i + "]", "unknown sink '" + sinks.get(i) + "'; sinks are " + SINK_NAMES);
      }
    }
    if (sinks.stream().anyMatch(s -> s.trim().equalsIgnoreCase("file"))
        && (file == null || file.isBlank())) {
      throw new InvalidPropertyException("file", "file is required when sinks include file");
    }
    positive("file-max-bytes", fileMaxBytes, 1024);
    positive("file-max-files", fileMaxFiles == null ? null : (long) fileMaxFiles, 1);
    positive("queue-capacity", queueCapacity == null ? null : (long) queueCapacity, 1);
    positive("max-field-chars", maxFieldChars == null ? null : (long) maxFieldChars, 1);
  }

  private static void positive(String property, Long value, long min) {
    if (value != null && value < min) {
      throw new InvalidPropertyException(
          property, property + " must be >= " + min + ", was " + value);
    }
  }

  /**
   * @return the capture level
   */
  public CaptureLevel captureLevel() {
    return CaptureLevel.of(capture == null ? "metadata" : capture);
  }

  /**
   * The settings this configuration describes, as a builder the pool may still change (a redaction
   * hook).
   *
   * @param openTelemetry the instance of the {@code opentelemetry} sink
   * @return the builder, with the sinks added
   */
  public AuditSettings.Builder toSettings(Supplier<OpenTelemetry> openTelemetry) {
    AuditSettings.Builder b = AuditSettings.builder().capture(captureLevel());
    if (queueCapacity != null) {
      b.queueCapacity(queueCapacity);
    }
    if (maxFieldChars != null) {
      b.maxFieldChars(maxFieldChars);
    }
    for (String sink : sinks) {
      switch (sink.trim().toLowerCase(Locale.ROOT)) {
        case "log" -> b.sink(AuditSinks.log());
        case "opentelemetry" -> b.sink(AuditSinks.openTelemetry(openTelemetry.get()));
        default ->
            b.sink(
                AuditSinks.jsonLines(
                    Path.of(file.trim()),
                    fileMaxBytes == null ? AuditSinks.DEFAULT_FILE_MAX_BYTES : fileMaxBytes,
                    fileMaxFiles == null ? AuditSinks.DEFAULT_FILE_MAX_FILES : fileMaxFiles));
      }
    }
    return b;
  }
}
