package dev.spillway.internal;

import dev.spillway.spi.PoolStateStore.Cell;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;

/**
 * A {@link Cell} of the state store seen through this JVM's ticker. The store's values carry a
 * wall-clock deadline (epoch milliseconds from the injected clock, comparable between processes);
 * the engine measures every interval with its ticker. Beside the cell this keeps the value last
 * seen with its deadline as a ticker instant ({@link Seen}): the engine's own writes set both,
 * exactly; a value written elsewhere (another process, through a shared store) is translated once,
 * with one clock read, when it is first seen. Reading an unchanged cell is two volatile reads, no
 * clock and no allocation, so the pick stays as cheap as before.
 *
 * <p>A read racing with a write may translate the new value itself (rounded to the millisecond, as
 * any value from elsewhere); the writer's exact instant replaces it when the writer stores it.
 *
 * <p>Thread-safe.
 *
 * @param <T> the immutable value type
 */
final class TimedCell<T> {
  /** "No deadline", as a ticker instant and as an epoch millisecond: before every other. */
  static final long NONE = Long.MIN_VALUE;

  /** Translated offsets are bounded (±100 years): a corrupt remote value cannot overflow. */
  private static final long MAX_OFFSET_MILLIS = 100L * 366 * 24 * 3600 * 1000;

  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final Cell<T> cell;
  private final ToLongFunction<T> deadlineEpochMillis;
  private final Clock clock;
  private final AtomicReference<Seen<T>> seen;

  /**
   * @param cell the store's cell
   * @param deadlineEpochMillis reads a value's deadline, {@link #NONE} for none
   * @param clock the wall clock the deadlines are read against
   * @param nowNanos the ticker now
   */
  TimedCell(Cell<T> cell, ToLongFunction<T> deadlineEpochMillis, Clock clock, long nowNanos) {
    this.cell = cell;
    this.deadlineEpochMillis = deadlineEpochMillis;
    this.clock = clock;
    this.seen = new AtomicReference<>(translate(cell.get(), nowNanos));
  }

  /** The current value with its deadline on the ticker. Allocation-free while the value stays. */
  Seen<T> get(long nowNanos) {
    Seen<T> last = seen.get();
    T current = cell.get();
    if (current == last.value) {
      return last;
    }
    Seen<T> fresh = translate(current, nowNanos);
    seen.compareAndSet(last, fresh);
    return fresh;
  }

  /**
   * Sets {@code update}, whose deadline is the ticker instant {@code untilNanos}, if the cell still
   * holds {@code expect}'s value.
   */
  boolean compareAndSet(Seen<T> expect, T update, long untilNanos) {
    if (!cell.compareAndSet(expect.value, update)) {
      return false;
    }
    seen.set(new Seen<>(update, untilNanos));
    return true;
  }

  /**
   * The epoch millisecond to store for the ticker instant {@code untilNanos}: {@code previous}'s
   * own when the instant is unchanged (no rounding drift), else now on the clock plus the time
   * left, rounded up so that no process sees the deadline earlier than this one does.
   */
  long epochMillis(Seen<T> previous, long untilNanos, long nowNanos) {
    if (untilNanos == previous.untilNanos) {
      return deadlineEpochMillis.applyAsLong(previous.value);
    }
    if (untilNanos == NONE || untilNanos == Long.MAX_VALUE) {
      return untilNanos;
    }
    long leftNanos = untilNanos - nowNanos;
    if ((untilNanos ^ nowNanos) < 0 && (leftNanos ^ untilNanos) < 0) {
      leftNanos = untilNanos < 0 ? Long.MIN_VALUE : Long.MAX_VALUE; // overflowed
    }
    long leftMillis = -Math.floorDiv(-Math.max(leftNanos, -Long.MAX_VALUE), NANOS_PER_MILLI);
    return clock.millis() + clamp(leftMillis);
  }

  private Seen<T> translate(T value, long nowNanos) {
    long epochMillis = deadlineEpochMillis.applyAsLong(value);
    if (epochMillis == NONE || epochMillis == Long.MAX_VALUE) {
      return new Seen<>(value, epochMillis);
    }
    long now = clock.millis();
    long offset = epochMillis - now;
    if ((epochMillis ^ now) < 0 && (offset ^ epochMillis) < 0) {
      offset = epochMillis < 0 ? -MAX_OFFSET_MILLIS : MAX_OFFSET_MILLIS; // overflowed
    }
    return new Seen<>(value, Nanos.plus(nowNanos, clamp(offset) * NANOS_PER_MILLI));
  }

  private static long clamp(long millis) {
    return Math.max(-MAX_OFFSET_MILLIS, Math.min(MAX_OFFSET_MILLIS, millis));
  }

  /**
   * A value of the cell and its deadline as a ticker instant ({@link #NONE} for none).
   *
   * @param <T> the value type
   */
  static final class Seen<T> {
    final T value;
    final long untilNanos;

    Seen(T value, long untilNanos) {
      this.value = value;
      this.untilNanos = untilNanos;
    }
  }
}
