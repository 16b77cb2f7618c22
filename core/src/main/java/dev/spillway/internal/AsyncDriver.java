package dev.spillway.internal;

import dev.spillway.DelayScheduler;
import dev.spillway.Ticker;
import dev.spillway.spi.AsyncAttemptTransport;
import dev.spillway.spi.AttemptResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one {@link Call} without blocking: each step runs on the thread that completed the previous
 * one (the transport's, or the scheduler's after a wait), and the engine bounds each attempt by
 * cancelling its future at the attempt timeout. An attempt that outlives its hedge delay may get a
 * second one racing it (see {@link Call#hedge}); the first answer wins and the other send is
 * cancelled. Cancelling {@link #result} cancels the call and its attempts in flight.
 *
 * <p>Thread-safe: the call's events (results, the hedge timer, wake-ups, a cancel) may come from
 * any thread; they reach the call one at a time, in the order they came, on the thread of the first
 * of them (see {@link #run}).
 *
 * @param <R> the transport's response type
 */
final class AsyncDriver<R> {
  private static final DelayScheduler.Cancellable NO_TIMER = () -> {};

  private final CompletableFuture<R> result = new CompletableFuture<>();
  private final Call<R> call;
  private final AsyncAttemptTransport<R> transport;
  private final Ticker ticker;
  private final DelayScheduler scheduler;

  /** The send of the call's attempt in flight, if any. */
  private volatile CompletableFuture<AttemptResponse<R>> inFlight;

  /** The send of a hedge racing it, if any. */
  private volatile CompletableFuture<AttemptResponse<R>> racing;

  private volatile DelayScheduler.Cancellable pending;

  /**
   * Set while the call waits for a scheduled {@link #wake}; whoever clears it (the wake-up or a
   * cancel) owns the call's next step, so a cancel never runs the loop beside the driver.
   */
  private final AtomicBoolean waiting = new AtomicBoolean();

  /** Counts waits, so that a wake-up meant for an earlier wait (a late timer) does nothing. */
  private final AtomicLong waits = new AtomicLong();

  /** Events for the call not yet run, and how many of them (see {@link #run}). */
  private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();

  private final AtomicInteger eventCount = new AtomicInteger();

  /** Whether the caller has the call's result; read and written by events only. */
  private boolean finished;

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
    call.allowHedging();
    driver.run(driver::next);
    return driver.result;
  }

  /**
   * Runs {@code event} after the events before it, one at a time: the thread that finds none
   * running runs them all, so the call sees one logical thread, and an attempt that completes
   * during its own send is handled after the send returns rather than inside it.
   */
  private void run(Runnable event) {
    events.add(event);
    if (eventCount.getAndIncrement() != 0) {
      return;
    }
    do {
      Runnable next = events.poll();
      try {
        next.run();
      } catch (RuntimeException | Error e) {
        // a step that threw (a transport's send, a closed scheduler) must not stop the loop, or
        // every later event of the call would wait behind it for good
        if (!finished) {
          abort(e);
        }
      }
    } while (eventCount.decrementAndGet() != 0);
  }

  private void cancel() {
    call.cancel();
    cancelSend(inFlight);
    cancelSend(racing);
    if (waiting.compareAndSet(true, false)) {
      DelayScheduler.Cancellable p = pending;
      if (p != null) {
        p.cancel();
      }
      run(
          () -> {
            finished = true;
            call.settleCancelled(ticker.read());
          });
    }
  }

  private static void cancelSend(CompletableFuture<?> send) {
    if (send != null) {
      send.cancel(true);
    }
  }

  private void wake(long wait) {
    if (waits.get() == wait && waiting.compareAndSet(true, false)) {
      DelayScheduler.Cancellable p = pending;
      if (p != null) {
        p.cancel(); // woken early by the queue: the timer is not needed any more
      }
      run(this::next);
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
        send(send.attempt(), false);
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
          finished = true;
          call.settleCancelled(ticker.read());
        }
      } else if (step instanceof Step.Done<R> done) {
        complete(done, reported);
      }
      // Step.Pending: the other attempt in flight decides
    } catch (RuntimeException | Error e) {
      abort(e);
    }
  }

  /**
   * Sends {@code attempt} ({@code hedge}: racing the attempt in flight) and arms its timer: at the
   * attempt's hedge delay when it may be hedged (then at its timeout), else at its timeout.
   */
  private void send(InFlightAttempt attempt, boolean hedge) {
    CompletableFuture<AttemptResponse<R>> future;
    try {
      future = transport.send(attempt);
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<AttemptResponse<R>> f = future;
    if (hedge) {
      racing = f;
    } else {
      inFlight = f;
    }
    AtomicReference<DelayScheduler.Cancellable> timer = new AtomicReference<>(NO_TIMER);
    if (!f.isDone()) {
      long hedgeDelay = hedge ? -1 : call.hedgeDelayNanos(attempt);
      timer.set(
          hedgeDelay > 0
              ? scheduler.schedule(() -> run(() -> onLate(attempt, f, timer)), hedgeDelay)
              : scheduler.schedule(() -> timeOut(attempt, f), attempt.timeoutNanos));
    }
    if (call.cancelled()) {
      f.cancel(true);
    }
    // onAttemptDone settles the call itself; the stage whenComplete returns carries nothing.
    var unused =
        f.whenComplete(
            (response, error) -> {
              timer.get().cancel();
              if (inFlight == f) {
                inFlight = null;
              }
              if (racing == f) {
                racing = null;
              }
              run(() -> onAttemptDone(attempt, response, unwrap(error)));
            });
  }

  /**
   * {@code attempt} outlived its hedge delay: the call may send a hedge; the attempt's timeout is
   * armed for the rest of its time either way.
   */
  private void onLate(
      InFlightAttempt attempt,
      CompletableFuture<AttemptResponse<R>> f,
      AtomicReference<DelayScheduler.Cancellable> timer) {
    if (finished || f.isDone()) {
      return;
    }
    Step<R> step;
    try {
      step = call.hedge(attempt, ticker.read());
    } catch (RuntimeException | Error e) {
      abort(e);
      return;
    }
    if (step instanceof Step.Send<R> send) {
      send(send.attempt(), true);
    }
    long left = attempt.startNanos + attempt.timeoutNanos - ticker.read();
    DelayScheduler.Cancellable t = scheduler.schedule(() -> timeOut(attempt, f), Math.max(0, left));
    timer.set(t);
    if (f.isDone()) {
      t.cancel(); // completed while the timer was armed: its own completion read the old one
    }
  }

  private static void timeOut(InFlightAttempt attempt, CompletableFuture<?> f) {
    attempt.markTimedOut();
    f.cancel(true);
  }

  private void onAttemptDone(InFlightAttempt attempt, AttemptResponse<R> response, Throwable e) {
    if (finished) {
      // the loser of a race, or a send that the call's end overtook: nobody reads it
      if (response != null) {
        transport.discard(response.payload());
      }
      call.lateResult(attempt, ticker.read());
      return;
    }
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
    finished = true;
    // the other attempt of a race, if one is still out: the call has settled it as cancelled
    cancelSend(inFlight);
    cancelSend(racing);
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
    finished = true;
    call.abort(error);
    cancelSend(inFlight);
    cancelSend(racing);
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
