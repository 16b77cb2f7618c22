package dev.spillway.testing;

import dev.spillway.DelayScheduler;
import dev.spillway.Ticker;
import java.util.PriorityQueue;

/**
 * A fake clock and scheduler: time moves only when a test (or a sync call's sleep) advances it, and
 * scheduled tasks run in time order as it passes them. Thread-safe.
 */
public final class ManualTime implements Ticker, DelayScheduler {
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long now = 1_000_000_000L;
  private long sequence;

  @Override
  public synchronized long read() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    Task t = new Task(now + Math.max(0, delayNanos), sequence++, task);
    tasks.add(t);
    return () -> {
      synchronized (ManualTime.this) {
        t.cancelled = true;
        tasks.remove(t);
      }
    };
  }

  /** A sync call's wait advances time instead of blocking. */
  @Override
  public void sleep(long nanos) {
    advance(nanos);
  }

  /** Advances time by {@code nanos}, running every task that falls due, in order. */
  public void advance(long nanos) {
    long target;
    synchronized (this) {
      target = now + nanos;
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.at > target) {
          now = Math.max(now, target);
          return;
        }
        tasks.poll();
        now = Math.max(now, next.at);
      }
      if (!next.cancelled) {
        next.task.run();
      }
    }
  }

  /** Advances by milliseconds. */
  public void advanceMillis(long millis) {
    advance(millis * 1_000_000L);
  }

  /** Runs tasks until none is left or {@code maxNanos} has passed. */
  public void runAll(long maxNanos) {
    long end;
    synchronized (this) {
      end = now + maxNanos;
    }
    while (true) {
      long at;
      synchronized (this) {
        Task next = tasks.peek();
        if (next == null || next.at > end) {
          return;
        }
        at = next.at;
      }
      advance(Math.max(0, at - read()));
    }
  }

  /** Tasks waiting to run. */
  public synchronized int pendingTasks() {
    return tasks.size();
  }

  private static final class Task implements Comparable<Task> {
    final long at;
    final long seq;
    final Runnable task;
    volatile boolean cancelled;

    Task(long at, long seq, Runnable task) {
      this.at = at;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
