package dev.spillway.internal;

import dev.spillway.Priority;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The calls for one model that found no allowed route available and wait for headroom
 * (docs/design.md "Consumers and priorities"). Batch calls wait in line, first come first served:
 * only the head waits on a timer (the instant its routes are predicted to return), the others wait
 * to become the head. The head is woken early whenever an attempt on the model's routes gives its
 * claim back, and a woken head that finds a route leaves the line and wakes the next, so headroom
 * that returns is handed out in order. Interactive calls wait on their own timers, for the instant
 * their route returns, and are only counted here: while any waits, the batch line does not move, so
 * interactive waiters are served first.
 *
 * <p>Thread-safe: a small lock around the set; wake-ups run outside it.
 */
final class WaitQueue {
  private final TreeSet<Waiter> waiters = new TreeSet<>();
  private final int[] counts = new int[Priority.values().length];
  private long sequence;

  /** Waiters now; read without the lock on every release, so that an empty queue costs nothing. */
  private volatile int size;

  /** Interactive calls waiting on their timers. */
  private final AtomicInteger interactive = new AtomicInteger();

  /**
   * Counts an interactive call that starts to wait, unless {@code capacity} wait already.
   *
   * @return whether it was counted
   */
  boolean startInteractiveWait(int capacity) {
    while (true) {
      int n = interactive.get();
      if (n >= capacity) {
        return false;
      }
      if (interactive.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** An interactive call stopped waiting: the batch line may move again. */
  void endInteractiveWait() {
    if (interactive.decrementAndGet() == 0) {
      signal();
    }
  }

  /** When a call last had to wait for headroom (ticker nanoseconds), or 0 before any did. */
  private volatile long lastWaitNanos;

  private volatile boolean waitedEver;

  /** Whether a call waits for headroom now or started to within {@code nanos} before now. */
  boolean waitedWithin(long nanos, long nowNanos) {
    return size > 0 || interactive.get() > 0 || (waitedEver && nowNanos - lastWaitNanos < nanos);
  }

  /** A call starts to wait for headroom at {@code nowNanos}. */
  void noteWait(long nowNanos) {
    lastWaitNanos = nowNanos;
    waitedEver = true;
  }

  /** Whether interactive calls are waiting: the batch line then does not move. */
  boolean interactiveWaiting() {
    return interactive.get() > 0;
  }

  /**
   * Queues a call, keeping the place it had if it was queued before.
   *
   * @return the waiter, or {@code null} when the priority's queue is full
   */
  Waiter enqueue(Waiter existing, Priority priority, int capacity) {
    synchronized (this) {
      if (existing != null && existing.queued) {
        return existing;
      }
      if (counts[priority.ordinal()] >= capacity) {
        return null;
      }
      Waiter w = existing != null ? existing : new Waiter(priority, sequence++);
      w.queued = true;
      waiters.add(w);
      counts[priority.ordinal()]++;
      size = waiters.size();
      return w;
    }
  }

  /** Whether a waiter of {@code priority} or a higher one is queued: a new call then queues too. */
  boolean hasWaiterAtOrAbove(Priority priority) {
    if (size == 0) {
      return false;
    }
    synchronized (this) {
      for (int p = 0; p <= priority.ordinal(); p++) {
        if (counts[p] > 0) {
          return true;
        }
      }
      return false;
    }
  }

  /** Whether {@code waiter} is the first in line. */
  boolean isHead(Waiter waiter) {
    synchronized (this) {
      return !waiters.isEmpty() && waiters.first().equals(waiter);
    }
  }

  /** Takes {@code waiter} out of the queue (it got a route, gave up or was cancelled). */
  void remove(Waiter waiter) {
    if (waiter == null) {
      return;
    }
    synchronized (this) {
      if (!waiter.queued) {
        return;
      }
      waiter.queued = false;
      waiters.remove(waiter);
      counts[waiter.priority.ordinal()]--;
      size = waiters.size();
    }
  }

  /** Headroom may have returned: wakes the head, if any. */
  void signal() {
    if (size == 0) {
      return;
    }
    Waiter head;
    synchronized (this) {
      head = waiters.isEmpty() ? null : waiters.first();
    }
    if (head != null) {
      head.signal();
    }
  }

  /** Waiters of a priority, for snapshots and tests. */
  synchronized int waiting(Priority priority) {
    return counts[priority.ordinal()];
  }

  /**
   * One queued call: its place in line, and how its driver is woken. A signal that comes before the
   * driver armed the waiter is kept and delivered when it does.
   */
  static final class Waiter implements Comparable<Waiter> {
    final Priority priority;
    private final long seq;
    private boolean queued;
    private Runnable wake;
    private boolean signalled;

    Waiter(Priority priority, long seq) {
      this.priority = priority;
      this.seq = seq;
    }

    /** The driver's wake-up for the wait it is entering; runs at once if a signal came first. */
    void arm(Runnable wakeUp) {
      boolean now;
      synchronized (this) {
        now = signalled;
        signalled = false;
        this.wake = now ? null : wakeUp;
      }
      if (now) {
        wakeUp.run();
      }
    }

    /** The wait ended (timer, cancel): a later signal is for the next wait. */
    synchronized void disarm() {
      wake = null;
      signalled = false;
    }

    void signal() {
      Runnable w;
      synchronized (this) {
        w = wake;
        wake = null;
        if (w == null) {
          signalled = true;
        }
      }
      if (w != null) {
        w.run();
      }
    }

    @Override
    public int compareTo(Waiter o) {
      int c = Integer.compare(priority.ordinal(), o.priority.ordinal());
      return c != 0 ? c : Long.compare(seq, o.seq);
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
