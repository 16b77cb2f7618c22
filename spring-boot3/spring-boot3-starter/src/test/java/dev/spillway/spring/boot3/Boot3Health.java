package dev.spillway.spring.boot3;

import dev.spillway.spring.actuate.BootLineHealth;
import dev.spillway.spring.internal.PoolHealth;
import org.springframework.boot.actuate.autoconfigure.availability.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration;
import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.HealthEndpointGroup;
import org.springframework.boot.actuate.health.HealthEndpointGroups;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.context.ApplicationContext;

/**
 * Spring Boot 3's health API ({@code org.springframework.boot.actuate.health}) for the shared
 * tests.
 */
final class Boot3Health implements BootLineHealth {

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
    CompositeHealth health = (CompositeHealth) context.getBean(HealthEndpoint.class).health();
    HealthComponent spillway = health.getComponents().get("spillway");
    return spillway == null ? null : spillway.getStatus().getCode();
  }
}
