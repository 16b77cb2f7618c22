package dev.spillway.pool.audit;

/**
 * Where audit records go. {@link AuditSinks} has the built-in ones (SLF4J, OpenTelemetry logs, a
 * JSON-lines file). A sink is called from the pool's one audit thread, in order, never from a
 * caller's thread: it may block without slowing a call (records that do not fit the queue meanwhile
 * are dropped and counted). An exception is logged, at most once a minute, and the next record is
 * tried.
 */
public interface AuditSink extends AutoCloseable {

  /**
   * Writes one record.
   *
   * @param record the redacted record
   * @throws Exception when it cannot
   */
  void write(AuditRecord record) throws Exception;

  /**
   * Writes out what is buffered; called when the queue is empty and on close.
   *
   * @throws Exception when it cannot
   */
  default void flush() throws Exception {}

  /**
   * Releases the sink, after a last {@link #flush}; called once, when the pool closes.
   *
   * @throws Exception when it cannot
   */
  @Override
  default void close() throws Exception {}
}
