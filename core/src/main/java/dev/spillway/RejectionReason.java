package dev.spillway;

/**
 * Why the pool ended a call before (or instead of) sending it: a consumer's limit, quota or model
 * list, or a priority's queue. Never counted as a backend throttle.
 */
public enum RejectionReason {
  /**
   * Over the consumer's tokens- or requests-per-minute limit: HTTP 429 with {@code Retry-After}.
   */
  CONSUMER_LIMIT("consumer limit", 429),
  /** The consumer's token quota for the period is spent: HTTP 403 until the period resets. */
  QUOTA_EXCEEDED("quota exceeded", 403),
  /** The consumer may not use the model asked for: HTTP 403. */
  MODEL_NOT_ALLOWED("model not allowed", 403),
  /** The call's priority queue was full when it had to wait: HTTP 429. */
  QUEUE_FULL("queue full", 429),
  /** The call waited in its priority's queue until its deadline: HTTP 429. */
  DEADLINE("deadline", 429);

  private final String label;
  private final int status;

  RejectionReason(String label, int status) {
    this.label = label;
    this.status = status;
  }

  /**
   * @return the reason in words, as errors and the CLI print it: {@code consumer limit}, {@code
   *     quota exceeded}, {@code model not allowed}, {@code queue full}, {@code deadline}
   */
  public String label() {
    return label;
  }

  /**
   * @return the HTTP status SDK adapters answer with: 429 or 403
   */
  public int status() {
    return status;
  }
}
