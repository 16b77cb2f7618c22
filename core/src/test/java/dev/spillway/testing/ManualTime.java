package dev.spillway.testing;

import dev.spillway.DelayScheduler;
import dev.spillway.Ticker;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;

/**
 * A fake ticker, wall clock and scheduler: time moves only when a test (or a sync call's sleep)
 * advances it, and scheduled tasks run in time order as it passes them. The {@link #clock()} moves
 * in step with the ticker, from {@link #WALL_START}. Thread-safe.
 */
public final class ManualTime implements Ticker, DelayScheduler {
  /** The wall-clock instant of a new {@code ManualTime}. */
  public static final Instant WALL_START = Instant.parse("2026-11-23T12:00:00Z");

  private static final long DEFAULT_START_NANOS = 1_000_000_000L;

  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private final long startNanos;
  private long now;
  private long sequence;

  /** Starts at ticker instant 1 s and at {@link #WALL_START}. */
  public ManualTime() {
    this(DEFAULT_START_NANOS);
  }

  /**
   * Starts at ticker instant {@code startNanos} and at {@link #WALL_START}: two of these with
   * different ticker origins stand for two processes whose wall clocks agree.
   *
   * @param startNanos the ticker's first reading
   */
  public ManualTime(long startNanos) {
    this.startNanos = startNanos;
    this.now = startNanos;
  }

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

  /**
   * A queued sync call's wait advances time task by task until {@code wake} is counted down or
   * {@code nanos} have passed.
   */
  @Override
  public void sleep(long nanos, CountDownLatch wake) {
    long target;
    synchronized (this) {
      target = now + nanos;
    }
    while (wake.getCount() > 0) {
      long step;
      synchronized (this) {
        if (now >= target) {
          return;
        }
        Task next = tasks.peek();
        step = next == null || next.at > target ? target - now : Math.max(0, next.at - now);
      }
      advance(step); // runs the next task(s) due, which may count down wake
    }
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

  /** The wall clock: {@link #WALL_START} plus the time advanced, to the nanosecond. */
  public Clock clock() {
    return new WallClock(ZoneOffset.UTC);
  }

  /** Tasks waiting to run. */
  public synchronized int pendingTasks() {
    return tasks.size();
  }

  private final class WallClock extends Clock {
    private final ZoneId zone;

    WallClock(ZoneId zone) {
      this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId other) {
      return new WallClock(other);
    }

    @Override
    public Instant instant() {
      return WALL_START.plusNanos(read() - startNanos);
    }
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
