package dev.spillway.pool.internal.audit;

import dev.spillway.pool.audit.AuditRecord;
import dev.spillway.pool.audit.AuditSink;
import dev.spillway.pool.audit.AuditSinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link AuditSinks#log()}: each record's JSON at INFO on {@value AuditSinks#LOGGER}. */
public final class LogSink implements AuditSink {
  private static final Logger LOG = LoggerFactory.getLogger(AuditSinks.LOGGER);

  @Override
  public void write(AuditRecord record) {
    if (LOG.isInfoEnabled()) {
      LOG.info(record.toJson());
    }
  }

  @Override
  public String toString() {
    return "AuditSinks.log()";
  }
}
