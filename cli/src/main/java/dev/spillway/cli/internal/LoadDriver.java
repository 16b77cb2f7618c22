package dev.spillway.cli.internal;

import dev.spillway.CallOutcome;
import dev.spillway.Priority;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntFunction;
import java.util.function.LongPredicate;

/**
 * Sends chat calls through a Spillway client of either SDK ({@link ChatClient}), closed-loop (a
 * fixed number of calls in flight) or open-loop (calls sent at scheduled times whatever the
 * answers; latency counts from the scheduled time, so a slow pool cannot hide its queueing), and
 * reports each call as it ends.
 *
 * <p>Each call carries its number in a tag so its {@link CallOutcome} is found by {@link
 * CallCorrelator}. One driver runs one load at a time; {@link #run} is not reentrant.
 */
final class LoadDriver {
  /** How long to wait for a call's outcome after the SDK call returned; it normally is there. */
  static final Duration OUTCOME_WAIT = Duration.ofSeconds(10);

  private final ChatClient client;
  private final String model;
  private final CallCorrelator correlator;
  private final Secrets secrets;

  LoadDriver(ChatClient client, String model, CallCorrelator correlator, Secrets secrets) {
    this.client = client;
    this.model = model;
    this.correlator = correlator;
    this.secrets = secrets;
  }

  /**
   * One chat call to send, the same through either SDK.
   *
   * @param system the system message, or {@code null}
   * @param user the user message
   * @param maxTokens the most output tokens
   * @param stream whether to stream the answer
   * @param consumer the consumer the call is for, or {@code null}
   * @param priority the call's priority, or {@code null} for its consumer's
   */
  record Call(
      String system,
      String user,
      int maxTokens,
      boolean stream,
      String consumer,
      Priority priority) {
    /** A call that names no consumer. */
    Call(String system, String user, int maxTokens, boolean stream) {
      this(system, user, maxTokens, stream, null, null);
    }
  }

  /**
   * How much load to send.
   *
   * @param requests the most calls to send
   * @param duration the longest time to send for, or {@code null} for no limit
   * @param rate calls per second at each second of the run (open loop), or {@code null} for a
   *     closed loop
   * @param concurrency calls in flight: exactly (closed loop) or at most (open loop)
   */
  record Plan(int requests, Duration duration, DoubleUnaryOperator rate, int concurrency) {}

  /**
   * Sends the calls of a plan and waits until every call has ended.
   *
   * @param plan how much load
   * @param calls the call with a given number (from 1)
   * @param onResult receives each call as it ends, from the sending threads
   * @throws InterruptedException if interrupted; calls in flight are abandoned
   */
  void run(Plan plan, IntFunction<Call> calls, Consumer<CallResult> onResult)
      throws InterruptedException {
    long start = System.nanoTime();
    LongPredicate sending =
        plan.duration() == null ? now -> true : now -> now - start < plan.duration().toNanos();
    ExecutorService workers = Executors.newCachedThreadPool(daemonThreads());
    try {
      if (plan.rate() == null) {
        closedLoop(plan, sending, calls, onResult, workers);
      } else {
        openLoop(plan, start, sending, calls, onResult, workers);
      }
      workers.shutdown();
      // The pool's call timeout bounds every call still in flight.
      workers.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    } finally {
      workers.shutdownNow();
    }
  }

  private void closedLoop(
      Plan plan,
      LongPredicate sending,
      IntFunction<Call> calls,
      Consumer<CallResult> onResult,
      ExecutorService workers) {
    AtomicInteger next = new AtomicInteger();
    for (int i = 0; i < Math.min(plan.concurrency(), plan.requests()); i++) {
      workers.execute(
          () -> {
            int number;
            while ((number = next.incrementAndGet()) <= plan.requests()
                && sending.test(System.nanoTime())) {
              onResult.accept(send(number, calls.apply(number), System.nanoTime()));
            }
          });
    }
  }

  private void openLoop(
      Plan plan,
      long start,
      LongPredicate sending,
      IntFunction<Call> calls,
      Consumer<CallResult> onResult,
      ExecutorService workers)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(plan.concurrency());
    long scheduled = start;
    for (int number = 1; number <= plan.requests() && sending.test(scheduled); number++) {
      long wait;
      while ((wait = scheduled - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
      inFlight.acquire();
      int call = number;
      long sendAt = scheduled;
      workers.execute(
          () -> {
            try {
              onResult.accept(send(call, calls.apply(call), sendAt));
            } finally {
              inFlight.release();
            }
          });
      double rate = plan.rate().applyAsDouble((scheduled - start) / 1e9);
      scheduled += (long) (1e9 / rate);
    }
  }

  private CallResult send(int number, Call call, long scheduledNanos) {
    CompletableFuture<CallOutcome> outcome = correlator.expect(number);
    RuntimeException failure = null;
    try {
      client.chat(model, call, Map.of(CallCorrelator.CALL_TAG, Integer.toString(number)));
    } catch (RuntimeException e) {
      failure = e;
    }
    Duration latency = Duration.ofNanos(System.nanoTime() - scheduledNanos);
    return CallResult.of(
        number, correlator.await(number, outcome, OUTCOME_WAIT), failure, latency, secrets);
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "spillway-cli-call-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
