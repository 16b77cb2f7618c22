package dev.spillway.spring.boot4;

import dev.spillway.pool.SpillwayPool;
import dev.spillway.spring.SpillwayAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Registers the {@code spillway} health contributor ({@link SpillwayHealthIndicator}) when Spring
 * Boot's health support is on the classpath and {@code management.health.spillway.enabled} is not
 * {@code false}. It joins the main {@code /actuator/health} only: not the liveness or readiness
 * groups, since a pool whose backends all fail does not make the application itself unhealthy (add
 * it with {@code management.endpoint.health.group.readiness.include} if it should).
 */
@AutoConfiguration(after = SpillwayAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnSingleCandidate(SpillwayPool.class)
@ConditionalOnEnabledHealthIndicator("spillway")
public final class SpillwayHealthAutoConfiguration {

  /**
   * The pool's health.
   *
   * @param pool the pool
   * @return the contributor, named {@code spillway}
   */
  @Bean
  @ConditionalOnMissingBean(name = "spillwayHealthIndicator")
  public SpillwayHealthIndicator spillwayHealthIndicator(SpillwayPool pool) {
    return new SpillwayHealthIndicator(pool);
  }
}
