/**
 * Audit records (opt-in, off by default): one immutable {@link dev.spillway.pool.audit.AuditRecord}
 * per call after it settles, written by {@link dev.spillway.pool.audit.AuditSink}s off the calling
 * thread, after a {@link dev.spillway.pool.audit.AuditRedactor}. Configure them with {@link
 * dev.spillway.pool.audit.AuditSettings} on the pool's builder, or {@code spillway.audit.*}.
 */
package dev.spillway.pool.audit;
