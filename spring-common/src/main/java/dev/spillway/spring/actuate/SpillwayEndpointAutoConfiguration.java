package dev.spillway.spring.actuate;

import dev.spillway.pool.SpillwayPool;
import dev.spillway.spring.SpillwayAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Registers the {@code spillway} actuator endpoint ({@link SpillwayEndpoint}) and the {@code
 * spillwayconsumers} one ({@link SpillwayConsumersEndpoint}) when Spring Boot's actuator is on the
 * classpath, each when it is available (enabled and exposed, as {@code
 * management.endpoints.web.exposure.include} and {@code management.endpoint.<id>.access} say).
 */
@AutoConfiguration(after = SpillwayAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnSingleCandidate(SpillwayPool.class)
public final class SpillwayEndpointAutoConfiguration {

  /**
   * The endpoint.
   *
   * @param pool the pool
   * @return the endpoint
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnAvailableEndpoint
  public SpillwayEndpoint spillwayEndpoint(SpillwayPool pool) {
    return new SpillwayEndpoint(pool);
  }

  /**
   * The consumers endpoint.
   *
   * @param pool the pool
   * @return the endpoint
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnAvailableEndpoint
  public SpillwayConsumersEndpoint spillwayConsumersEndpoint(SpillwayPool pool) {
    return new SpillwayConsumersEndpoint(pool);
  }
}
