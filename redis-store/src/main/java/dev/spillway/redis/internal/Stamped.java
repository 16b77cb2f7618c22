package dev.spillway.redis.internal;

/**
 * A value of a shared cell with when and by whom it was written: the fleet keeps the last write (by
 * the writers' wall clocks, ties broken by instance id). Immutable.
 *
 * @param value the value
 * @param writtenAtEpochMillis when it was written, by the writer's clock ({@link Long#MIN_VALUE}
 *     for a cell's initial value, which any write replaces)
 * @param writer the instance that wrote it, or {@code ""} for the initial value
 * @param <T> the value type
 */
record Stamped<T>(T value, long writtenAtEpochMillis, String writer) {

  /** Whether this write replaces {@code other} under the fleet's last-write-wins rule. */
  boolean newerThan(Stamped<?> other) {
    if (writtenAtEpochMillis != other.writtenAtEpochMillis) {
      return writtenAtEpochMillis > other.writtenAtEpochMillis;
    }
    return writer.compareTo(other.writer) > 0;
  }
}
