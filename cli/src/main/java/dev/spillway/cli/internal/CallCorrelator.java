package dev.spillway.cli.internal;

import dev.spillway.CallOutcome;
import dev.spillway.PoolListener;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Matches each {@link CallOutcome} to the CLI call that caused it. Every call carries its number in
 * the tag {@value #CALL_TAG} (through {@code SpillwayContext.TAGS}); the pool copies tags into the
 * outcome, so the match holds whatever thread delivers the outcome and in whatever order.
 *
 * <p>Thread-safe.
 */
final class CallCorrelator implements PoolListener {
  /** The tag that carries the CLI's call number. */
  static final String CALL_TAG = "spillway-cli.call";

  private final Map<String, CompletableFuture<CallOutcome>> pending = new ConcurrentHashMap<>();

  /**
   * Registers a call before it is sent.
   *
   * @param call the call number
   * @return the outcome to come
   */
  CompletableFuture<CallOutcome> expect(int call) {
    CompletableFuture<CallOutcome> outcome = new CompletableFuture<>();
    pending.put(Integer.toString(call), outcome);
    return outcome;
  }

  /**
   * Waits for a registered call's outcome. The pool delivers it when the call ends; for a stream,
   * when the stream ends, which may be just after the caller read the last chunk.
   *
   * @param call the call number
   * @param outcome what {@link #expect} returned
   * @param timeout how long to wait
   * @return the outcome, or {@code null} if none arrived in time
   */
  CallOutcome await(int call, CompletableFuture<CallOutcome> outcome, Duration timeout) {
    CallOutcome result =
        outcome.completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    pending.remove(Integer.toString(call), outcome);
    return result;
  }

  @Override
  public void onCallComplete(CallOutcome outcome) {
    String call = outcome.tags().get(CALL_TAG);
    CompletableFuture<CallOutcome> slot = call == null ? null : pending.remove(call);
    if (slot != null) {
      slot.complete(outcome);
    }
  }
}
