package dev.spillway.pool.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Audit records of a pool: the capture level, the sinks (several at once), the redaction hook, and
 * the limits that keep auditing from slowing or bloating a call. Hand it to {@code
 * SpillwayPool.builder().audit(...)}; configuration binds the same from {@code spillway.audit.*}.
 *
 * <pre>{@code
 * AuditSettings audit = AuditSettings.builder()
 *     .capture(CaptureLevel.FULL)
 *     .sink(AuditSinks.log())
 *     .sink(AuditSinks.jsonLines(Path.of("audit.jsonl"), 100 << 20, 5))
 *     .redactor(r -> r.withText(t -> t.replaceAll("\\d{16}", "[card]")))
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class AuditSettings {
  /**
   * Records waiting for the sinks: at a few kilobytes each (metadata) this bounds the queue's
   * memory to tens of megabytes, and absorbs a sink's pause of seconds at thousands of calls per
   * second before records are dropped.
   */
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

  /**
   * Characters kept of each captured text field at {@link CaptureLevel#FULL}: a long prompt or
   * answer (16k characters is about 4k tokens) is kept whole, a pasted document is cut with {@link
   * AuditRecord#TRUNCATION_MARKER} rather than multiplying the queue's memory.
   */
  public static final int DEFAULT_MAX_FIELD_CHARS = 16_384;

  private final CaptureLevel capture;
  private final List<AuditSink> sinks;
  private final AuditRedactor redactor;
  private final int queueCapacity;
  private final int maxFieldChars;

  private AuditSettings(Builder b) {
    this.capture = b.capture;
    this.sinks = List.copyOf(b.sinks);
    this.redactor = b.redactor;
    this.queueCapacity = b.queueCapacity;
    this.maxFieldChars = b.maxFieldChars;
  }

  /**
   * @return a builder: capture {@link CaptureLevel#METADATA}, no sink yet, no redaction
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the capture level
   */
  public CaptureLevel capture() {
    return capture;
  }

  /**
   * @return the sinks, in the order each record reaches them
   */
  public List<AuditSink> sinks() {
    return sinks;
  }

  /**
   * @return the redaction hook
   */
  public AuditRedactor redactor() {
    return redactor;
  }

  /**
   * @return how many records may wait for the sinks before new ones are dropped
   */
  public int queueCapacity() {
    return queueCapacity;
  }

  /**
   * @return characters kept of each captured text field
   */
  public int maxFieldChars() {
    return maxFieldChars;
  }

  /**
   * @return a builder holding these settings
   */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .capture(capture)
            .redactor(redactor)
            .queueCapacity(queueCapacity)
            .maxFieldChars(maxFieldChars);
    b.sinks.addAll(sinks);
    return b;
  }

  @Override
  public String toString() {
    return "AuditSettings[capture="
        + capture.configName()
        + ", sinks="
        + sinks.size()
        + ", queueCapacity="
        + queueCapacity
        + ", maxFieldChars="
        + maxFieldChars
        + "]";
  }

  /** Builds {@link AuditSettings}. Not thread-safe. */
  public static final class Builder {
    private CaptureLevel capture = CaptureLevel.METADATA;
    private final List<AuditSink> sinks = new ArrayList<>();
    private AuditRedactor redactor = AuditRedactor.NONE;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private int maxFieldChars = DEFAULT_MAX_FIELD_CHARS;

    private Builder() {}

    /**
     * @param capture the capture level (default {@link CaptureLevel#METADATA})
     * @return this builder
     */
    public Builder capture(CaptureLevel capture) {
      this.capture = Objects.requireNonNull(capture, "'capture' cannot be null.");
      return this;
    }

    /**
     * Adds a sink.
     *
     * @param sink the sink
     * @return this builder
     */
    public Builder sink(AuditSink sink) {
      sinks.add(Objects.requireNonNull(sink, "'sink' cannot be null."));
      return this;
    }

    /**
     * @param redactor sees every record before any sink (default: none)
     * @return this builder
     */
    public Builder redactor(AuditRedactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "'redactor' cannot be null.");
      return this;
    }

    /**
     * @param queueCapacity records that may wait for the sinks (default {@link
     *     #DEFAULT_QUEUE_CAPACITY})
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder queueCapacity(int queueCapacity) {
      if (queueCapacity <= 0) {
        throw new IllegalArgumentException("queueCapacity must be > 0, was " + queueCapacity);
      }
      this.queueCapacity = queueCapacity;
      return this;
    }

    /**
     * @param maxFieldChars characters kept of each captured text field (default {@link
     *     #DEFAULT_MAX_FIELD_CHARS})
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxFieldChars(int maxFieldChars) {
      if (maxFieldChars <= 0) {
        throw new IllegalArgumentException("maxFieldChars must be > 0, was " + maxFieldChars);
      }
      this.maxFieldChars = maxFieldChars;
      return this;
    }

    /**
     * @return the settings
     * @throws IllegalStateException if no sink was added
     */
    public AuditSettings build() {
      if (sinks.isEmpty()) {
        throw new IllegalStateException("audit records need at least one sink");
      }
      return new AuditSettings(this);
    }
  }
}
