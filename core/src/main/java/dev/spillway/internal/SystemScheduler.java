package dev.spillway.internal;

import dev.spillway.DelayScheduler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pool's default scheduler: one named daemon thread, started on first use (only the async path
 * and waits of async calls need it; the sync path sleeps on the caller's thread), stopped on close.
 *
 * <p>Thread-safe.
 */
public final class SystemScheduler implements DelayScheduler, AutoCloseable {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final String threadName = "spillway-scheduler-" + POOLS.incrementAndGet();
  private volatile ScheduledThreadPoolExecutor executor;
  private volatile boolean closed;

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    ScheduledFuture<?> future = executor().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  @Override
  public void sleep(long nanos) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(nanos); // no scheduler thread needed
  }

  private ScheduledThreadPoolExecutor executor() {
    ScheduledThreadPoolExecutor e = executor;
    if (e == null) {
      synchronized (this) {
        if (closed) {
          throw new IllegalStateException("the pool is closed");
        }
        e = executor;
        if (e == null) {
          e =
              new ScheduledThreadPoolExecutor(
                  1,
                  runnable -> {
                    Thread thread = new Thread(runnable, threadName);
                    thread.setDaemon(true);
                    return thread;
                  });
          e.setRemoveOnCancelPolicy(true);
          executor = e;
        }
      }
    }
    return e;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
