package dev.spillway.benchmarks;

/**
 * What the harness saw of one measured call. Written by the call's completion (and, for the router
 * baselines, by their routing policy), read after the run. Times are {@code System.nanoTime()}.
 */
final class CallRecord {
  /** How a call ended for its caller. */
  enum End {
    /** A 2xx answer. */
    OK,
    /** An error with status 429 after all retries (a backend's, or one made by the router). */
    THROTTLED,
    /** Any other error: 5xx, connection failures after all retries, "no deployment". */
    ERROR,
    /** Still open at the deadline. */
    TIMEOUT
  }

  final int index;
  final long scheduledNanos;
  volatile long endNanos;
  volatile End end;

  /** The backend that answered 2xx, or null. */
  volatile String servedBy;

  /** When the successful attempt was sent, or 0. */
  volatile long servedSentNanos;

  /** Whether an attempt on ptu-a failed (refused, reset, 5xx) during this call. */
  volatile boolean failedOnPtuA;

  /** The last backend status seen by a router (0: no response), for classifying capped calls. */
  volatile int lastStatus;

  /** What the caller got instead of an answer, or null. */
  volatile String error;

  /** Whether the call is a batch call ({@code mixed}: the batch consumer's). */
  volatile boolean batch;

  /** The tier of the backend that answered 2xx, or -1. */
  volatile int servedTier = -1;

  /** Tokens of the answered call (prompt + completion, as the pool counted them), or 0. */
  volatile long tokens;

  /** Why the pool refused the call before any attempt (e.g. {@code queue full}), or null. */
  volatile String rejection;

  /** The pool's attempt records of the call (Spillway clients), or null. */
  volatile java.util.List<dev.spillway.AttemptRecord> poolAttempts;

  /** When the harness subscribed to the call. */
  volatile long startedNanos;

  /** Attempts sent to backends by the router (baselines); bounds the attempt cap. */
  final java.util.concurrent.atomic.AtomicInteger attempts =
      new java.util.concurrent.atomic.AtomicInteger();

  CallRecord(int index, long scheduledNanos) {
    this.index = index;
    this.scheduledNanos = scheduledNanos;
  }

  /**
   * @return latency from the scheduled send time, in nanoseconds
   */
  long latencyNanos() {
    return endNanos - scheduledNanos;
  }
}
