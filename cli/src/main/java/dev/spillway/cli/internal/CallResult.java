package dev.spillway.cli.internal;

import com.azure.core.exception.HttpResponseException;
import dev.spillway.AttemptRecord;
import dev.spillway.CallOutcome;
import dev.spillway.CallRejectedException;
import dev.spillway.Usage;
import java.time.Duration;
import java.util.List;

/**
 * What the CLI reports about one call: the pool's {@link CallOutcome} and what the SDK call
 * returned or threw, reconciled.
 *
 * <p>Immutable and thread-safe.
 *
 * @param call the call number, from 1
 * @param ok whether the call succeeded: a 2xx response and, for a stream, no failure while reading
 * @param status the final HTTP status, or {@code null} when no response arrived
 * @param backend the backend that produced the final response, or {@code null}
 * @param latency from the call's scheduled start to its end (for streams, the last chunk)
 * @param attempts the attempts, in order
 * @param usage the tokens of the call
 * @param error for a failed call, why, in one line without secrets; else {@code null}
 * @param retryAfterMs for a call the pool rejected (a consumer's limit or quota, a full queue),
 *     when to try again, if known; else {@code null}
 */
record CallResult(
    int call,
    boolean ok,
    Integer status,
    String backend,
    Duration latency,
    List<AttemptRecord> attempts,
    Usage usage,
    String error,
    Long retryAfterMs) {

  /** The longest error message printed; response bodies can be long. */
  static final int MAX_ERROR_LENGTH = 300;

  /** Copies the attempts. */
  CallResult {
    attempts = List.copyOf(attempts);
  }

  /** A result without a retry time. */
  CallResult(
      int call,
      boolean ok,
      Integer status,
      String backend,
      Duration latency,
      List<AttemptRecord> attempts,
      Usage usage,
      String error) {
    this(call, ok, status, backend, latency, attempts, usage, error, null);
  }

  /**
   * Reconciles a call's outcome with what the SDK call did.
   *
   * @param call the call number
   * @param outcome the pool's record of the call, or {@code null} if none arrived
   * @param failure what the SDK call threw, or {@code null}
   * @param latency from the scheduled start to the end
   * @param secrets the keys to mask in error messages
   * @return the result
   */
  static CallResult of(
      int call, CallOutcome outcome, RuntimeException failure, Duration latency, Secrets secrets) {
    CallRejectedException rejected =
        cause(failure, outcome == null ? null : outcome.error(), CallRejectedException.class);
    if (rejected != null) {
      return new CallResult(
          call,
          false,
          rejected.reason().status(),
          null,
          latency,
          outcome == null ? List.of() : outcome.attempts(),
          outcome == null ? Usage.reported(0, 0) : outcome.usage(),
          message(rejected.getMessage(), secrets),
          rejected.retryAfter() == null ? null : rejected.retryAfter().toMillis());
    }
    if (outcome == null) {
      return new CallResult(
          call,
          false,
          httpStatus(failure),
          null,
          latency,
          List.of(),
          Usage.reported(0, 0),
          message(
              failure == null ? "the pool reported no outcome for this call" : describe(failure),
              secrets));
    }
    boolean ok = failure == null && outcome.succeeded();
    String error = null;
    if (!ok) {
      if (failure != null) {
        error = describe(failure);
      } else if (outcome.error() != null) {
        error = describe(outcome.error());
      } else {
        error = "HTTP " + outcome.status();
      }
    }
    return new CallResult(
        call,
        ok,
        outcome.status(),
        outcome.backendId(),
        latency,
        outcome.attempts(),
        outcome.usage(),
        message(error, secrets));
  }

  /**
   * How many attempts were answered 429.
   *
   * @return the count
   */
  long throttled() {
    return attempts.stream().filter(a -> a.status() != null && a.status() == 429).count();
  }

  /** The first {@code type} in the cause chain of {@code failure}, else of {@code error}. */
  private static <T extends Throwable> T cause(Throwable failure, Throwable error, Class<T> type) {
    for (Throwable start : new Throwable[] {failure, error}) {
      for (Throwable t = start; t != null; t = t.getCause()) {
        if (type.isInstance(t)) {
          return type.cast(t);
        }
      }
    }
    return null;
  }

  private static Integer httpStatus(RuntimeException failure) {
    return failure instanceof HttpResponseException http && http.getResponse() != null
        ? http.getResponse().getStatusCode()
        : null;
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank()
        ? failure.getClass().getName()
        : failure.getClass().getSimpleName() + ": " + message;
  }

  private static String message(String text, Secrets secrets) {
    if (text == null) {
      return null;
    }
    String line = secrets.redact(text).replaceAll("\\s+", " ").trim();
    return line.length() <= MAX_ERROR_LENGTH ? line : line.substring(0, MAX_ERROR_LENGTH - 1) + "…";
  }
}
