package dev.spillway.internal;

import dev.spillway.DelayScheduler;
import dev.spillway.Ticker;
import dev.spillway.spi.AsyncAttemptTransport;
import dev.spillway.spi.AttemptResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one {@link Call} without blocking: each step runs on the thread that completed the previous
 * one (the transport's, or the scheduler's after a wait), and the engine bounds each attempt by
 * cancelling its future at the attempt timeout. Cancelling {@link #result} cancels the call and the
 * attempt in flight.
 *
 * <p>Thread-safe: a cancel may come from any thread while the call runs.
 *
 * @param <R> the transport's response type
 */
final class AsyncDriver<R> {
  private final CompletableFuture<R> result = new CompletableFuture<>();
  private final Call<R> call;
  private final AsyncAttemptTransport<R> transport;
  private final Ticker ticker;
  private final DelayScheduler scheduler;
  private volatile CompletableFuture<AttemptResponse<R>> inFlight;
  private volatile DelayScheduler.Cancellable pending;

  /**
   * Set while the call waits for a scheduled {@link #wake}; whoever clears it (the wake-up or a
   * cancel) owns the call's next step, so a cancel never runs the loop beside the driver.
   */
  private final AtomicBoolean waiting = new AtomicBoolean();

  /** Counts waits, so that a wake-up meant for an earlier wait (a late timer) does nothing. */
  private final AtomicLong waits = new AtomicLong();

  private AsyncDriver(
      Call<R> call, AsyncAttemptTransport<R> transport, Ticker ticker, DelayScheduler scheduler) {
    this.call = call;
    this.transport = transport;
    this.ticker = ticker;
    this.scheduler = scheduler;
    // The returned stage only mirrors result's completion; nothing can fail in it.
    var unused =
        result.whenComplete(
            (r, t) -> {
              if (result.isCancelled()) {
                cancel();
              }
            });
  }

  /** Starts {@code call}; its first attempt is sent before this returns, if one is available. */
  static <R> CompletableFuture<R> start(
      Call<R> call, AsyncAttemptTransport<R> transport, Ticker ticker, DelayScheduler scheduler) {
    AsyncDriver<R> driver = new AsyncDriver<>(call, transport, ticker, scheduler);
    driver.next();
    return driver.result;
  }

  private void cancel() {
    call.cancel();
    CompletableFuture<AttemptResponse<R>> f = inFlight;
    if (f != null) {
      f.cancel(true);
    }
    if (waiting.compareAndSet(true, false)) {
      DelayScheduler.Cancellable p = pending;
      if (p != null) {
        p.cancel();
      }
      call.settleCancelled(ticker.read());
    }
  }

  private void wake(long wait) {
    if (waits.get() == wait && waiting.compareAndSet(true, false)) {
      DelayScheduler.Cancellable p = pending;
      if (p != null) {
        p.cancel(); // woken early by the queue: the timer is not needed any more
      }
      next();
    }
  }

  private void next() {
    Step<R> step;
    try {
      step = call.next(ticker.read());
    } catch (RuntimeException | Error e) {
      abort(e);
      return;
    }
    take(step, null);
  }

  /** Acts on {@code step}; {@code reported} is the attempt whose result led to it, if any. */
  private void take(Step<R> step, InFlightAttempt reported) {
    try {
      if (step instanceof Step.Send<R> send) {
        send(send.attempt());
      } else if (step instanceof Step.Wait<R> wait) {
        long n = waits.incrementAndGet();
        pending = null;
        waiting.set(true);
        if (wait.waiter() != null) {
          // armed before the timer is set, so that a wake-up of this wait never overwrites the
          // arming of a later one; a signal comes on the thread giving a claim back, so the call
          // hops to the scheduler to run
          wait.waiter().arm(() -> scheduler.schedule(() -> wake(n), 0));
        }
        pending = scheduler.schedule(() -> wake(n), wait.nanos());
        if (call.cancelled() && waiting.compareAndSet(true, false)) {
          pending.cancel();
          call.settleCancelled(ticker.read());
        }
      } else {
        complete((Step.Done<R>) step, reported);
      }
    } catch (RuntimeException | Error e) {
      abort(e);
    }
  }

  private void send(InFlightAttempt attempt) {
    CompletableFuture<AttemptResponse<R>> future;
    try {
      future = transport.send(attempt);
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<AttemptResponse<R>> f = future;
    inFlight = f;
    DelayScheduler.Cancellable timer =
        f.isDone()
            ? () -> {}
            : scheduler.schedule(
                () -> {
                  attempt.markTimedOut();
                  f.cancel(true);
                },
                attempt.timeoutNanos);
    if (call.cancelled()) {
      f.cancel(true);
    }
    // onAttemptDone settles the call itself; the stage whenComplete returns carries nothing.
    var unused =
        f.whenComplete(
            (response, error) -> {
              timer.cancel();
              inFlight = null;
              onAttemptDone(attempt, response, unwrap(error));
            });
  }

  private void onAttemptDone(InFlightAttempt attempt, AttemptResponse<R> response, Throwable e) {
    Step<R> step;
    try {
      step = call.onResult(attempt, response, e, ticker.read());
    } catch (RuntimeException | Error unexpected) {
      abort(unexpected);
      return;
    }
    take(step, attempt);
  }

  private void complete(Step.Done<R> done, InFlightAttempt reported) {
    if (done.ending() != Step.Ending.ANSWERED) {
      result.completeExceptionally(done.failure());
    } else if (!result.complete(done.response())) {
      // cancelled as the response arrived: nobody will read it, so close it and settle the
      // attempt (a stream would otherwise stay outstanding for good)
      transport.discard(done.response());
      if (reported != null) {
        reported.completion.cancelled();
      }
    }
  }

  private void abort(Throwable error) {
    call.abort(error);
    result.completeExceptionally(error);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
