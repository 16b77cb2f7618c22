package dev.spillway.internal;

import dev.spillway.DelayScheduler;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The pool's default scheduler: one named daemon thread, started on first use, stopped on close.
 *
 * <p>Most tasks are cancelled long before they are due (the timer of every sync attempt, the
 * timeout of every async one), so scheduling one must not wake the thread: it is woken only when a
 * task is due before the moment it already sleeps until. With calls whose attempts share one
 * timeout, it wakes about once per timeout rather than on every attempt. A cancelled task is just
 * removed. Tasks due at the same instant run in the order they were scheduled; one that throws is
 * skipped.
 *
 * <p>Thread-safe.
 */
public final class SystemScheduler implements DelayScheduler, AutoCloseable {
  private static final AtomicInteger POOLS = new AtomicInteger();

  /** {@link #wakeAt} when the thread sleeps until a task wakes it. */
  private static final long NEVER = Long.MAX_VALUE;

  /** Delays are capped (at 73 years) so that deadlines compare by difference. */
  private static final long MAX_DELAY = Long.MAX_VALUE / 4;

  private final String threadName = "spillway-scheduler-" + POOLS.incrementAndGet();
  private final ConcurrentSkipListSet<Task> tasks = new ConcurrentSkipListSet<>();
  private final AtomicLong sequence = new AtomicLong();
  private volatile Thread thread;
  private volatile boolean closed;

  /** The {@link System#nanoTime} the thread sleeps until, or {@link #NEVER}. */
  private volatile long wakeAt = NEVER;

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    Thread t = thread();
    Task scheduled =
        new Task(
            task,
            System.nanoTime() + Math.max(0, Math.min(delayNanos, MAX_DELAY)),
            sequence.getAndIncrement());
    tasks.add(scheduled);
    long wake = wakeAt; // read after the add: the thread's re-check after it writes wakeAt pairs
    if (wake == NEVER || scheduled.deadline - wake < 0) {
      LockSupport.unpark(t);
    }
    return scheduled::cancel;
  }

  @Override
  public void sleep(long nanos) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(nanos); // no scheduler thread needed
  }

  private Thread thread() {
    Thread t = thread;
    if (t == null || closed) {
      synchronized (this) {
        if (closed) {
          if (thread != null) {
            throw new RejectedExecutionException("the scheduler of a closed pool takes no task");
          }
          throw new IllegalStateException("the pool is closed");
        }
        t = thread;
        if (t == null) {
          t = new Thread(this::run, threadName);
          t.setDaemon(true);
          thread = t;
          t.start();
        }
      }
    }
    return t;
  }

  private void run() {
    while (!closed) {
      long now = System.nanoTime();
      Task first = first();
      if (first != null && first.deadline - now <= 0) {
        if (tasks.remove(first) && first.claim()) {
          first.run();
        }
        continue;
      }
      long next = first == null ? NEVER : first.deadline;
      wakeAt = next;
      Task again = first(); // one scheduled before the write above may be due sooner
      if (again != null && (next == NEVER || again.deadline - next < 0)) {
        continue;
      }
      if (closed) {
        break;
      }
      if (next == NEVER) {
        LockSupport.park(this);
      } else {
        LockSupport.parkNanos(this, next - now);
      }
      boolean unused = Thread.interrupted(); // close's interrupt: the loop checks closed
    }
    tasks.clear();
  }

  private Task first() {
    return tasks.isEmpty() ? null : firstOrNull();
  }

  private Task firstOrNull() {
    try {
      return tasks.first();
    } catch (java.util.NoSuchElementException e) {
      return null; // emptied since the check
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt(); // as shutdownNow: a task that is running is interrupted
      LockSupport.unpark(t);
    }
  }

  /** One scheduled task; ordered by deadline, then by scheduling order. */
  private final class Task implements Comparable<Task> {
    private final Runnable runnable;
    final long deadline;
    private final long seq;
    private final AtomicBoolean done = new AtomicBoolean();

    Task(Runnable runnable, long deadline, long seq) {
      this.runnable = runnable;
      this.deadline = deadline;
      this.seq = seq;
    }

    /** Whether this call decided the task's fate (runs or is cancelled); true only once. */
    boolean claim() {
      return done.compareAndSet(false, true);
    }

    void cancel() {
      if (claim()) {
        tasks.remove(this);
      }
    }

    void run() {
      try {
        runnable.run();
      } catch (Throwable ignored) {
        // as a scheduled executor: a failed task does not stop the others, and its owner sees
        // its own failure
      }
    }

    @Override
    public int compareTo(Task o) {
      long d = deadline - o.deadline;
      if (d != 0) {
        return d < 0 ? -1 : 1;
      }
      return Long.compare(seq, o.seq);
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(seq);
    }
  }
}
