package dev.spillway.spi;

import dev.spillway.Priority;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the engine needs to know about one call: the logical model, the operation, its estimated
 * admission cost, and the caller's id and tags. Adapters build it from the request they intercept.
 *
 * <p>Immutable and thread-safe.
 */
public final class CallRequest {
  private final String operation;
  private final String model;
  private final boolean streaming;
  private final long promptTokens;
  private final long maxOutputTokens;
  private final String consumerId;
  private final Map<String, String> tags;
  private final Duration timeout;
  private final boolean returnLastResponse;
  private final String pinnedBackend;
  private final CallObserver observer;
  private final Priority priority;

  private CallRequest(Builder b) {
    this.operation = b.operation;
    this.model = b.model;
    this.streaming = b.streaming;
    this.promptTokens = b.promptTokens;
    this.maxOutputTokens = b.maxOutputTokens;
    this.consumerId = b.consumerId;
    this.tags = Map.copyOf(b.tags);
    this.timeout = b.timeout;
    this.returnLastResponse = b.returnLastResponse;
    this.pinnedBackend = b.pinnedBackend;
    this.observer = b.observer;
    this.priority = b.priority;
  }

  /**
   * Starts a request.
   *
   * @param operation the GenAI operation name: {@code chat}, {@code text_completion}, {@code
   *     embeddings}
   * @param model the logical model; may be {@code null} only for a call {@linkplain
   *     Builder#pinnedTo pinned} to one backend (a stateful operation names no model)
   * @return a builder
   */
  public static Builder builder(String operation, String model) {
    return new Builder(operation, model);
  }

  /**
   * @return the GenAI operation name
   */
  public String operation() {
    return operation;
  }

  /**
   * @return the logical model, or {@code null} for a pinned call that names none
   */
  public String model() {
    return model;
  }

  /**
   * @return whether the response is a stream
   */
  public boolean streaming() {
    return streaming;
  }

  /**
   * @return the estimated prompt tokens
   */
  public long promptTokens() {
    return promptTokens;
  }

  /**
   * The caller's {@code max_tokens} (or {@code max_completion_tokens}).
   *
   * @return the limit, or 0 when the caller set none (the pool's default is used)
   */
  public long maxOutputTokens() {
    return maxOutputTokens;
  }

  /**
   * @return the consumer id, or {@code null}
   */
  public String consumerId() {
    return consumerId;
  }

  /**
   * The priority the call asked for, which overrides its consumer's configured one.
   *
   * @return the priority, or {@code null} for the consumer's (else interactive)
   */
  public Priority priority() {
    return priority;
  }

  /**
   * @return the tags
   */
  public Map<String, String> tags() {
    return tags;
  }

  /**
   * @return the call deadline for this call, or {@code null} for the pool's
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Whether the engine returns the last HTTP response (instead of throwing) when a call ends
   * without success after some attempt got a response. The Azure adapter sets it so the SDK raises
   * its usual {@code HttpResponseException}.
   *
   * @return the flag
   */
  public boolean returnLastResponse() {
    return returnLastResponse;
  }

  /**
   * The backend a stateful operation is pinned to: the call is a single-route call on that backend,
   * one attempt, never retried elsewhere.
   *
   * @return the backend id, or {@code null} for a load-balanced call
   */
  public String pinnedBackend() {
    return pinnedBackend;
  }

  /**
   * @return the adapter's observer of the call; {@link CallObserver#NONE} when it set none
   */
  public CallObserver observer() {
    return observer;
  }

  @Override
  public String toString() {
    return "CallRequest["
        + operation
        + " "
        + (pinnedBackend == null ? model : model + " pinned to " + pinnedBackend)
        + (streaming ? " stream" : "")
        + ", promptTokens="
        + promptTokens
        + ", maxOutputTokens="
        + maxOutputTokens
        + "]";
  }

  /** Builds a {@link CallRequest}. Not thread-safe. */
  public static final class Builder {
    private final String operation;
    private final String model;
    private boolean streaming;
    private long promptTokens;
    private long maxOutputTokens;
    private String consumerId;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private Duration timeout;
    private boolean returnLastResponse;
    private String pinnedBackend;
    private CallObserver observer = CallObserver.NONE;
    private Priority priority;

    private Builder(String operation, String model) {
      this.operation = Objects.requireNonNull(operation, "'operation' cannot be null.");
      this.model = model;
    }

    /**
     * Marks the call as streaming.
     *
     * @param streaming whether the response is a stream
     * @return this builder
     */
    public Builder streaming(boolean streaming) {
      this.streaming = streaming;
      return this;
    }

    /**
     * Sets the estimated prompt tokens.
     *
     * @param promptTokens 0 or more
     * @return this builder
     */
    public Builder promptTokens(long promptTokens) {
      if (promptTokens < 0) {
        throw new IllegalArgumentException("promptTokens must be >= 0, was " + promptTokens);
      }
      this.promptTokens = promptTokens;
      return this;
    }

    /**
     * Sets the caller's output-token limit.
     *
     * @param maxOutputTokens 0 (unset) or more
     * @return this builder
     */
    public Builder maxOutputTokens(long maxOutputTokens) {
      if (maxOutputTokens < 0) {
        throw new IllegalArgumentException("maxOutputTokens must be >= 0, was " + maxOutputTokens);
      }
      this.maxOutputTokens = maxOutputTokens;
      return this;
    }

    /**
     * Sets the consumer id, recorded on spans and outcomes (never on metrics).
     *
     * @param consumerId the id, or {@code null}
     * @return this builder
     */
    public Builder consumerId(String consumerId) {
      this.consumerId = consumerId;
      return this;
    }

    /**
     * Sets the call's priority, overriding its consumer's configured one.
     *
     * @param priority the priority, or {@code null} for the consumer's (else interactive)
     * @return this builder
     */
    public Builder priority(Priority priority) {
      this.priority = priority;
      return this;
    }

    /**
     * Adds a tag, recorded on spans and outcomes (never on metrics).
     *
     * @param key the key
     * @param value the value
     * @return this builder
     */
    public Builder tag(String key, String value) {
      tags.put(
          Objects.requireNonNull(key, "'key' cannot be null."),
          Objects.requireNonNull(value, "'value' cannot be null."));
      return this;
    }

    /**
     * Adds tags.
     *
     * @param tags the tags
     * @return this builder
     */
    public Builder tags(Map<String, String> tags) {
      tags.forEach(this::tag);
      return this;
    }

    /**
     * Overrides the pool's call deadline for this call.
     *
     * @param timeout the deadline, positive
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException("timeout must be > 0, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * See {@link CallRequest#returnLastResponse()}.
     *
     * @param returnLastResponse the flag
     * @return this builder
     */
    public Builder returnLastResponse(boolean returnLastResponse) {
      this.returnLastResponse = returnLastResponse;
      return this;
    }

    /**
     * Pins the call to one backend, as for a stateful operation (files, batches, assistants…): one
     * attempt on that backend's single route, with the call's whole deadline to the first byte, its
     * circuit honoured, never retried elsewhere.
     *
     * @param backendId the backend, or {@code null} for a load-balanced call
     * @return this builder
     */
    public Builder pinnedTo(String backendId) {
      this.pinnedBackend = backendId;
      return this;
    }

    /**
     * Sets the adapter's observer of the call (see {@link CallObserver}).
     *
     * @param observer the observer
     * @return this builder
     */
    public Builder observer(CallObserver observer) {
      this.observer = Objects.requireNonNull(observer, "'observer' cannot be null.");
      return this;
    }

    /**
     * Builds the request.
     *
     * @return the request
     * @throws IllegalStateException if the call is load-balanced and names no model
     */
    public CallRequest build() {
      if (model == null && pinnedBackend == null) {
        throw new IllegalStateException("a load-balanced call needs a model");
      }
      return new CallRequest(this);
    }
  }
}
