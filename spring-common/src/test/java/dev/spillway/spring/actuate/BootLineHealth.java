package dev.spillway.spring.actuate;

import dev.spillway.spring.internal.PoolHealth;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.ApplicationContext;

/**
 * What differs between the Spring Boot lines for the shared health tests: each starter's tests
 * implement it over that line's health API, and run the shared tests with it.
 */
public interface BootLineHealth {

  /**
   * @return the starter's health auto-configuration
   */
  Class<?> healthAutoConfiguration();

  /**
   * @return the starter's {@code HealthIndicator} type
   */
  Class<?> healthIndicatorType();

  /**
   * The line's own health object, as the indicator bean returns it (for JSON and {@code
   * toString()}).
   *
   * @param context a context with the indicator
   * @return the {@code Health}
   */
  Object health(ApplicationContext context);

  /**
   * The status code and details of {@link #health}, read through the line's {@code Health} API.
   *
   * @param context a context with the indicator
   * @return status and details
   */
  PoolHealth statusAndDetails(ApplicationContext context);

  /**
   * @return the auto-configurations of the health endpoint with its groups and probes
   */
  AutoConfigurations healthEndpoint();

  /**
   * Whether {@code spillway} is a member of the health group.
   *
   * @param context a context with the health endpoint
   * @param group a group name, or {@code null} for the main health
   * @return whether the group includes the {@code spillway} contributor
   */
  boolean includesSpillway(ApplicationContext context, String group);

  /**
   * The status of the {@code spillway} component in the actuator's main health.
   *
   * @param context a context with the health endpoint
   * @return the status code, or {@code null} when the health has no {@code spillway} component
   */
  String spillwayComponentStatus(ApplicationContext context);
}
