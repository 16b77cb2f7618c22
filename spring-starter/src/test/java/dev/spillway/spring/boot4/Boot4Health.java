package dev.spillway.spring.boot4;

import dev.spillway.spring.actuate.BootLineHealth;
import dev.spillway.spring.internal.PoolHealth;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.ApplicationContext;

/** Spring Boot 4's health API ({@code org.springframework.boot.health}) for the shared tests. */
final class Boot4Health implements BootLineHealth {

  @Override
  public Class<?> healthAutoConfiguration() {
    return SpillwayHealthAutoConfiguration.class;
  }

  @Override
  public Class<?> healthIndicatorType() {
    return SpillwayHealthIndicator.class;
  }

  @Override
  public Health health(ApplicationContext context) {
    return context.getBean(SpillwayHealthIndicator.class).health();
  }

  @Override
  public PoolHealth statusAndDetails(ApplicationContext context) {
    Health health = health(context);
    return new PoolHealth(health.getStatus().getCode(), health.getDetails());
  }

  @Override
  public AutoConfigurations healthEndpoint() {
    return AutoConfigurations.of(
        ApplicationAvailabilityAutoConfiguration.class,
        HealthContributorAutoConfiguration.class,
        HealthContributorRegistryAutoConfiguration.class,
        HealthEndpointAutoConfiguration.class,
        AvailabilityProbesAutoConfiguration.class);
  }

  @Override
  public boolean includesSpillway(ApplicationContext context, String group) {
    HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
    HealthEndpointGroup selected = group == null ? groups.getPrimary() : groups.get(group);
    return selected.isMember("spillway");
  }

  @Override
  public String spillwayComponentStatus(ApplicationContext context) {
    CompositeHealthDescriptor health =
        (CompositeHealthDescriptor) context.getBean(HealthEndpoint.class).health();
    HealthDescriptor spillway = health.getComponents().get("spillway");
    return spillway == null ? null : spillway.getStatus().getCode();
  }
}
