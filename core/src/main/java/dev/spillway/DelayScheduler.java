package dev.spillway;

import java.util.concurrent.CountDownLatch;

/**
 * Runs a task after a delay, and sleeps the sync path; injected so tests can drive time.
 *
 * <p>By default a pool uses one named daemon thread that it owns and stops on close.
 * Implementations must be thread-safe.
 */
public interface DelayScheduler {

  /**
   * Runs {@code task} once after {@code delayNanos}.
   *
   * @param task the task
   * @param delayNanos the delay, 0 or more
   * @return a handle that cancels the task if it has not run
   */
  Cancellable schedule(Runnable task, long delayNanos);

  /**
   * Blocks the calling thread for {@code nanos}. The default waits for a task scheduled with {@link
   * #schedule}.
   *
   * @param nanos how long
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  default void sleep(long nanos) throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(1);
    Cancellable task = schedule(latch::countDown, nanos);
    try {
      latch.await();
    } catch (InterruptedException e) {
      task.cancel();
      throw e;
    }
  }

  /**
   * Blocks the calling thread for up to {@code nanos}, returning early once {@code wake} has been
   * counted down (a queued call whose headroom returned). The default waits for a task scheduled
   * with {@link #schedule} or for {@code wake}, whichever comes first; a scheduler that drives time
   * itself (a test's) advances its time until either happens.
   *
   * @param nanos how long at most
   * @param wake counted down to end the wait early
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  default void sleep(long nanos, CountDownLatch wake) throws InterruptedException {
    Cancellable task = schedule(wake::countDown, nanos);
    try {
      wake.await();
    } finally {
      task.cancel();
    }
  }

  /** A scheduled task that can be cancelled. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not run; does nothing otherwise. */
    void cancel();
  }
}
