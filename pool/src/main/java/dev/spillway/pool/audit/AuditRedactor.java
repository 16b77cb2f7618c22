package dev.spillway.pool.audit;

/**
 * Sees every audit record before any sink does: returns it unchanged, a changed copy (see {@link
 * AuditRecord#withText}, {@link AuditRecord#withRequest}, {@link AuditRecord#withResponse}), or
 * {@code null} to drop it. Runs on the pool's audit thread, never on the caller's; an exception
 * drops the record (it is logged, at most once a minute, without the record).
 *
 * <p>Must be thread-safe if shared between pools.
 */
@FunctionalInterface
public interface AuditRedactor {

  /** Passes every record unchanged. */
  AuditRedactor NONE = record -> record;

  /**
   * Redacts one record.
   *
   * @param record the record as captured
   * @return the record the sinks get, or {@code null} to drop it
   */
  AuditRecord redact(AuditRecord record);
}
