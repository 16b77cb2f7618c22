package dev.spillway;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The record of one call, success or failure, delivered to {@link PoolListener#onCallComplete}.
 * This is what audit and chargeback records are made from.
 *
 * <p>Immutable and thread-safe. Holds no secrets and no prompt or completion text; {@link
 * #toString()} shows the error's class, never its message.
 *
 * <p><b>Compatibility.</b> Users read an outcome; the engine makes it. Reading is stable: every
 * accessor keeps its name, type and meaning, and a field added later (consumer priority, rejection
 * reason, content-filter results, time to first byte…) is a new accessor whose value is a
 * documented default ({@code null}, empty, or zero) when the engine or an adapter does not set it,
 * so code written against an earlier version compiles and behaves the same. There is no public
 * constructor; {@link #builder} exists for the engine, SDK adapters and tests, and is not a stable
 * way for applications to make outcomes: it may gain setters in any release, and {@link #equals}
 * compares every field, present and future.
 *
 * <p>About 450 lines because each field is written three times on purpose: a documented accessor, a
 * documented builder setter with its check, and its place in {@code equals}; a record would be
 * shorter but could not grow without breaking its canonical constructor.
 */
public final class CallOutcome {
  private final String callId;
  private final String operation;
  private final String model;
  private final String consumerId;
  private final Map<String, String> tags;
  private final boolean streamed;
  private final String backendId;
  private final String deployment;
  private final List<AttemptRecord> attempts;
  private final Integer status;
  private final Throwable error;
  private final Usage usage;
  private final Duration latency;
  private final Instant startedAt;
  private final Duration timeToFirstByte;
  private final ContentFilterResults contentFilter;
  private final Priority priority;
  private final RejectionReason rejection;

  private CallOutcome(Builder b) {
    this.callId = b.callId;
    this.operation = b.operation;
    this.model = b.model;
    this.consumerId = b.consumerId;
    this.tags = Map.copyOf(b.tags);
    this.streamed = b.streamed;
    this.backendId = b.backendId;
    this.deployment = b.deployment;
    this.attempts = List.copyOf(b.attempts);
    this.status = b.status;
    this.error = b.error;
    this.usage = b.usage;
    this.latency = b.latency;
    this.startedAt = b.startedAt;
    this.timeToFirstByte = b.timeToFirstByte;
    this.contentFilter = b.contentFilter;
    this.priority = b.priority;
    this.rejection = b.rejection;
  }

  /**
   * A builder, for the engine, SDK adapters and tests (see "Compatibility" above).
   *
   * @param callId unique id of the call in its pool
   * @param operation the GenAI operation name, such as {@code chat}
   * @param model the logical model the caller asked for, or {@code null} for a stateful operation
   *     pinned to one backend that names none
   * @return the builder
   * @throws NullPointerException if {@code callId} or {@code operation} is {@code null}
   */
  public static Builder builder(String callId, String operation, String model) {
    return new Builder(callId, operation, model);
  }

  /**
   * @return unique id of the call in this pool
   */
  public String callId() {
    return callId;
  }

  /**
   * @return the GenAI operation name, such as {@code chat}
   */
  public String operation() {
    return operation;
  }

  /**
   * @return the logical model the caller asked for, or {@code null} for a stateful operation that
   *     names none (files, batches…)
   */
  public String model() {
    return model;
  }

  /**
   * @return the caller-supplied consumer id, or {@code null}
   */
  public String consumerId() {
    return consumerId;
  }

  /**
   * @return caller-supplied tags (never on metrics); empty when none
   */
  public Map<String, String> tags() {
    return tags;
  }

  /**
   * @return whether the response was a stream
   */
  public boolean streamed() {
    return streamed;
  }

  /**
   * @return the backend that produced the final response, or {@code null} when none did
   */
  public String backendId() {
    return backendId;
  }

  /**
   * @return the deployment of that backend, or {@code null}
   */
  public String deployment() {
    return deployment;
  }

  /**
   * @return every attempt, in order; empty when none was made
   */
  public List<AttemptRecord> attempts() {
    return attempts;
  }

  /**
   * @return the final HTTP status, or {@code null} when no response arrived
   */
  public Integer status() {
    return status;
  }

  /**
   * @return why the call failed, or {@code null}; for an HTTP error returned to the caller, {@code
   *     null} with {@link #status()} set
   */
  public Throwable error() {
    return error;
  }

  /**
   * @return the tokens of the call (reported by the server, or estimated; zero, flagged estimated,
   *     when nothing was admitted)
   */
  public Usage usage() {
    return usage;
  }

  /**
   * @return from the start of the call to its completion (for streams, the end of the stream)
   */
  public Duration latency() {
    return latency;
  }

  /**
   * @return when the call started, by the pool's wall clock; {@code null} when not set (an outcome
   *     made outside the engine)
   */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * @return from the start of the call to the response headers of its final response (for a plain
   *     response, once its body was read), or {@code null} when no response arrived
   */
  public Duration timeToFirstByte() {
    return timeToFirstByte;
  }

  /**
   * @return the content-filter results of the final response (prompt, each choice, the inner error
   *     of a 400 {@code content_filter}); {@link ContentFilterResults#NONE} when it reported none
   */
  public ContentFilterResults contentFilter() {
    return contentFilter;
  }

  /**
   * @return the priority the call ran with: its own, else its consumer's, else {@link
   *     Priority#INTERACTIVE}
   */
  public Priority priority() {
    return priority;
  }

  /**
   * @return why the pool rejected the call without (or without again) sending it — a consumer's
   *     limit, quota or model list, or a priority's queue — or {@code null} when it did not
   */
  public RejectionReason rejection() {
    return rejection;
  }

  /**
   * Whether the call succeeded: a 2xx response, and for a stream no failure after it (a stream the
   * caller stopped reading counts as a success, its usage estimated).
   *
   * @return {@code true} on success
   */
  public boolean succeeded() {
    return error == null && status != null && status >= 200 && status < 300;
  }

  /**
   * How many attempts were throttled (429s absorbed, or passed on).
   *
   * @return the count
   */
  public long throttledAttempts() {
    return attempts.stream().filter(a -> a.outcome() == AttemptOutcome.THROTTLED).count();
  }

  /** Equal when every field is; the error by identity, as {@link Throwable} defines it. */
  @Override
  public boolean equals(Object o) {
    return o instanceof CallOutcome c
        && callId.equals(c.callId)
        && operation.equals(c.operation)
        && Objects.equals(model, c.model)
        && Objects.equals(consumerId, c.consumerId)
        && tags.equals(c.tags)
        && streamed == c.streamed
        && Objects.equals(backendId, c.backendId)
        && Objects.equals(deployment, c.deployment)
        && attempts.equals(c.attempts)
        && Objects.equals(status, c.status)
        && Objects.equals(error, c.error)
        && usage.equals(c.usage)
        && latency.equals(c.latency)
        && Objects.equals(startedAt, c.startedAt)
        && Objects.equals(timeToFirstByte, c.timeToFirstByte)
        && contentFilter.equals(c.contentFilter)
        && priority == c.priority
        && rejection == c.rejection;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        callId,
        operation,
        model,
        consumerId,
        tags,
        streamed,
        backendId,
        deployment,
        attempts,
        status,
        error,
        usage,
        latency,
        startedAt,
        timeToFirstByte,
        contentFilter,
        priority,
        rejection);
  }

  /**
   * The fields, with the attempts as {@code backend/deployment outcome status} and the error as its
   * class name only: an exception's message may quote a response body.
   */
  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder("CallOutcome[")
            .append(callId)
            .append(' ')
            .append(operation)
            .append(' ')
            .append(model)
            .append(streamed ? " stream" : "");
    if (consumerId != null) {
      s.append(", consumerId=").append(consumerId);
    }
    if (!tags.isEmpty()) {
      s.append(", tags=").append(tags);
    }
    s.append(", backend=").append(backendId).append('/').append(deployment);
    s.append(", attempts=[");
    String separator = "";
    for (AttemptRecord a : attempts) {
      s.append(separator)
          .append(a.backendId())
          .append('/')
          .append(a.deployment())
          .append(' ')
          .append(a.outcome().attributeValue());
      if (a.status() != null) {
        s.append(' ').append(a.status());
      }
      separator = ", ";
    }
    s.append("], status=").append(status);
    if (error != null) {
      s.append(", error=").append(error.getClass().getName());
    }
    if (contentFilter.filtered()) {
      s.append(", contentFiltered");
    }
    if (priority != Priority.INTERACTIVE) {
      s.append(", priority=").append(priority.configName());
    }
    if (rejection != null) {
      s.append(", rejected=").append(rejection.label());
    }
    return s.append(", usage=")
        .append(usage)
        .append(", latency=")
        .append(latency)
        .append(']')
        .toString();
  }

  /**
   * Builds a {@link CallOutcome}: for the engine, SDK adapters and tests, not a stable API for
   * applications (see "Compatibility" on {@link CallOutcome}). Every field but the three given to
   * {@link CallOutcome#builder} is optional, with the default its accessor documents. Not
   * thread-safe.
   */
  public static final class Builder {
    private final String callId;
    private final String operation;
    private final String model;
    private String consumerId;
    private Map<String, String> tags = Map.of();
    private boolean streamed;
    private String backendId;
    private String deployment;
    private List<AttemptRecord> attempts = List.of();
    private Integer status;
    private Throwable error;
    private Usage usage = Usage.estimated(0, 0);
    private Duration latency = Duration.ZERO;
    private Instant startedAt;
    private Duration timeToFirstByte;
    private ContentFilterResults contentFilter = ContentFilterResults.NONE;
    private Priority priority = Priority.INTERACTIVE;
    private RejectionReason rejection;

    private Builder(String callId, String operation, String model) {
      this.callId = Objects.requireNonNull(callId, "'callId' cannot be null.");
      this.operation = Objects.requireNonNull(operation, "'operation' cannot be null.");
      this.model = model;
    }

    /**
     * @param consumerId the consumer id, or {@code null}
     * @return this builder
     */
    public Builder consumerId(String consumerId) {
      this.consumerId = consumerId;
      return this;
    }

    /**
     * @param tags the tags; copied when built
     * @return this builder
     */
    public Builder tags(Map<String, String> tags) {
      this.tags = Objects.requireNonNull(tags, "'tags' cannot be null.");
      return this;
    }

    /**
     * @param streamed whether the response was a stream
     * @return this builder
     */
    public Builder streamed(boolean streamed) {
      this.streamed = streamed;
      return this;
    }

    /**
     * @param backendId the backend of the final response, or {@code null}
     * @param deployment its deployment, or {@code null}
     * @return this builder
     */
    public Builder finalRoute(String backendId, String deployment) {
      this.backendId = backendId;
      this.deployment = deployment;
      return this;
    }

    /**
     * @param attempts the attempts, in order; copied when built
     * @return this builder
     */
    public Builder attempts(List<AttemptRecord> attempts) {
      this.attempts = Objects.requireNonNull(attempts, "'attempts' cannot be null.");
      return this;
    }

    /**
     * @param status the final HTTP status, or {@code null}
     * @return this builder
     */
    public Builder status(Integer status) {
      this.status = status;
      return this;
    }

    /**
     * @param error why the call failed, or {@code null}
     * @return this builder
     */
    public Builder error(Throwable error) {
      this.error = error;
      return this;
    }

    /**
     * @param usage the tokens of the call
     * @return this builder
     */
    public Builder usage(Usage usage) {
      this.usage = Objects.requireNonNull(usage, "'usage' cannot be null.");
      return this;
    }

    /**
     * @param latency the call's latency
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder latency(Duration latency) {
      Objects.requireNonNull(latency, "'latency' cannot be null.");
      if (latency.isNegative()) {
        throw new IllegalArgumentException("latency must be >= 0, was " + latency);
      }
      this.latency = latency;
      return this;
    }

    /**
     * @param startedAt when the call started, or {@code null}
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    /**
     * @param timeToFirstByte from the start to the final response's headers, or {@code null}
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder timeToFirstByte(Duration timeToFirstByte) {
      if (timeToFirstByte != null && timeToFirstByte.isNegative()) {
        throw new IllegalArgumentException("timeToFirstByte must be >= 0, was " + timeToFirstByte);
      }
      this.timeToFirstByte = timeToFirstByte;
      return this;
    }

    /**
     * @param contentFilter the content-filter results
     * @return this builder
     */
    public Builder contentFilter(ContentFilterResults contentFilter) {
      this.contentFilter = Objects.requireNonNull(contentFilter, "'contentFilter' cannot be null.");
      return this;
    }

    /**
     * @param priority the priority the call ran with
     * @return this builder
     */
    public Builder priority(Priority priority) {
      this.priority = Objects.requireNonNull(priority, "'priority' cannot be null.");
      return this;
    }

    /**
     * @param rejection why the pool rejected the call, or {@code null} when it did not
     * @return this builder
     */
    public Builder rejection(RejectionReason rejection) {
      this.rejection = rejection;
      return this;
    }

    /**
     * @return the outcome
     */
    public CallOutcome build() {
      return new CallOutcome(this);
    }
  }
}
