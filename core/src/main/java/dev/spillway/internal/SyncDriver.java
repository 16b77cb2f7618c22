package dev.spillway.internal;

import dev.spillway.CallInterruptedException;
import dev.spillway.DelayScheduler;
import dev.spillway.Ticker;
import dev.spillway.spi.AttemptResponse;
import dev.spillway.spi.AttemptTransport;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link Call} on the caller's thread: sends each attempt with the blocking transport,
 * bounded by a {@link SyncAttemptTimer}, and sleeps through waits, honouring interrupts (the
 * caller's interrupt cancels the call, and the thread stays interrupted).
 *
 * <p>Thread-safe (stateless); one instance serves every sync call of an engine.
 */
final class SyncDriver {
  private final Ticker ticker;
  private final DelayScheduler scheduler;

  SyncDriver(Ticker ticker, DelayScheduler scheduler) {
    this.ticker = ticker;
    this.scheduler = scheduler;
  }

  <R> R execute(Call<R> call, AttemptTransport<R> transport) {
    try {
      Step<R> step = call.next(ticker.read());
      while (true) {
        if (step instanceof Step.Send<R> send) {
          step = send(call, send.attempt(), transport);
        } else if (step instanceof Step.Wait<R> wait) {
          try {
            if (wait.waiter() == null) {
              scheduler.sleep(wait.nanos());
            } else {
              CountDownLatch woken = new CountDownLatch(1);
              wait.waiter().arm(woken::countDown);
              try {
                scheduler.sleep(wait.nanos(), woken);
              } finally {
                wait.waiter().disarm();
              }
            }
          } catch (InterruptedException e) {
            call.cancel();
            call.settleCancelled(ticker.read());
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(e);
          }
          step = call.next(ticker.read());
        } else if (step instanceof Step.Done<R> done) {
          return result(done);
        } else {
          // only a hedge leaves an attempt in flight beside another, and sync calls are not hedged
          throw new IllegalStateException(
              "sync call " + call.callId + " has no attempt to wait for");
        }
      }
    } catch (RuntimeException | Error e) {
      call.abort(e);
      throw e;
    }
  }

  private <R> Step<R> send(Call<R> call, InFlightAttempt attempt, AttemptTransport<R> transport) {
    AttemptResponse<R> response = null;
    Throwable error = null;
    SyncAttemptTimer timer = new SyncAttemptTimer(scheduler, attempt);
    try {
      response = transport.send(attempt);
    } catch (Exception e) {
      error = e;
    }
    if (!timer.disarm() && error instanceof InterruptedException) {
      call.cancel(); // the caller's interrupt, not the attempt timer's
    }
    return call.onResult(attempt, response, error, ticker.read());
  }

  private static <R> R result(Step.Done<R> done) {
    switch (done.ending()) {
      case ANSWERED:
        return done.response();
      case CANCELLED:
        Thread.currentThread().interrupt();
        throw new CallInterruptedException(new InterruptedException(done.failure().getMessage()));
      default:
        throw done.failure();
    }
  }
}
