package dev.spillway.internal;

import dev.spillway.DelayScheduler;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds a sync attempt as the async driver bounds an async one: when the attempt's timeout passes
 * before the transport returns, the attempt is marked timed out and the caller's thread is
 * interrupted, which ends a blocked connect, TLS handshake, write or wait for the first byte in any
 * transport that honours interrupts (azure-core's clients block through Reactor, which does). The
 * transport's own timeouts stay a second line.
 *
 * <p>A handshake keeps the interrupt from leaking past the attempt: {@link #disarm} either wins
 * before the timer fires, or waits until the timer has delivered its interrupt and then clears it.
 * An interrupt of the caller's own that arrives while the timer fires is absorbed with it; the call
 * then goes on as after a timeout.
 *
 * <p>One per sync attempt; {@link #disarm} is called once, on the caller's thread.
 */
final class SyncAttemptTimer {
  private static final int RUNNING = 0;
  private static final int DISARMED = 1;
  private static final int FIRING = 2;
  private static final int FIRED = 3;

  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private final InFlightAttempt attempt;
  private final Thread caller;
  private final DelayScheduler.Cancellable task;

  SyncAttemptTimer(DelayScheduler scheduler, InFlightAttempt attempt) {
    this.attempt = attempt;
    this.caller = Thread.currentThread();
    this.task = scheduler.schedule(this::fire, attempt.timeoutNanos);
  }

  private void fire() {
    if (state.compareAndSet(RUNNING, FIRING)) {
      attempt.markTimedOut();
      caller.interrupt();
      state.set(FIRED);
    }
  }

  /**
   * Stops the timer once the transport has returned or thrown. Returns whether the attempt timed
   * out; then the interrupt the timer delivered has been cleared.
   */
  boolean disarm() {
    if (state.compareAndSet(RUNNING, DISARMED)) {
      task.cancel();
      return false;
    }
    while (state.get() != FIRED) {
      Thread.onSpinWait(); // the timer is between marking the attempt and interrupting
    }
    boolean unused = Thread.interrupted();
    return true;
  }
}
