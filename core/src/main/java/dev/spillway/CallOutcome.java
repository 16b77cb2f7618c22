package dev.spillway;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The record of one call, success or failure, delivered to {@link PoolListener#onCallComplete}.
 * This is what audit and chargeback records are made from.
 *
 * <p>Immutable and thread-safe. Holds no secrets and no prompt or completion text.
 *
 * @param callId unique id of the call in this pool
 * @param operation the GenAI operation name, such as {@code chat}
 * @param model the logical model the caller asked for
 * @param consumerId the caller-supplied consumer id, or {@code null}
 * @param tags caller-supplied tags (never on metrics)
 * @param streamed whether the response was a stream
 * @param backendId the backend that produced the final response, or {@code null} when none did
 * @param deployment the deployment of that backend, or {@code null}
 * @param attempts every attempt, in order
 * @param status the final HTTP status, or {@code null} when no response arrived
 * @param error why the call failed, or {@code null}; for an HTTP error returned to the caller,
 *     {@code null} with {@code status} set
 * @param usage the tokens of the call (reported by the server, or estimated; zero when nothing was
 *     admitted)
 * @param latency from the start of the call to its completion (for streams, the end of the stream)
 */
public record CallOutcome(
    String callId,
    String operation,
    String model,
    String consumerId,
    Map<String, String> tags,
    boolean streamed,
    String backendId,
    String deployment,
    List<AttemptRecord> attempts,
    Integer status,
    Throwable error,
    Usage usage,
    Duration latency) {

  /** Copies the collections. */
  public CallOutcome {
    tags = Map.copyOf(tags);
    attempts = List.copyOf(attempts);
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
}
