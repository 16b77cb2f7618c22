package dev.spillway.spring.actuate;

import dev.spillway.pool.SpillwayPool;
import dev.spillway.spring.SpillwayAutoConfiguration;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Registers {@link SpillwayMeterBinder} when Micrometer is on the classpath: Spring Boot binds
 * every {@code MeterBinder} bean to the application's meter registry, and the auto-configured pool
 * takes the binder as one of its listeners.
 */
@AutoConfiguration(after = SpillwayAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnSingleCandidate(SpillwayPool.class)
public final class SpillwayMetricsAutoConfiguration {

  /**
   * The pool's meters.
   *
   * @param pool the pool, resolved when the meters are bound (the pool needs this listener first)
   * @return the binder
   */
  @Bean
  @ConditionalOnMissingBean
  public SpillwayMeterBinder spillwayMeterBinder(ObjectProvider<SpillwayPool> pool) {
    return new SpillwayMeterBinder(pool::getObject);
  }
}
