package dev.spillway.spring;

import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.audit.AuditRedactor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Audit records of the auto-configured pool ({@code spillway.audit.*}): registers the application's
 * {@link AuditRedactor} bean as the redaction hook, which sees every record before any sink.
 * Without {@code spillway.audit.enabled: true} the redactor has nothing to see.
 */
@AutoConfiguration
@ConditionalOnClass(SpillwayPool.class)
public final class SpillwayAuditAutoConfiguration {

  /**
   * The redaction hook, from the one {@link AuditRedactor} bean.
   *
   * @param redactor the application's redactor
   * @return the customizer that sets it
   */
  @Bean
  @ConditionalOnBean(AuditRedactor.class)
  public SpillwayPoolCustomizer spillwayAuditRedactor(ObjectProvider<AuditRedactor> redactor) {
    return builder -> builder.auditCustomizer(audit -> audit.redactor(redactor.getObject()));
  }
}
