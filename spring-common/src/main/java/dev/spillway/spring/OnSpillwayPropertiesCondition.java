package dev.spillway.spring;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when any {@code spillway.*} property is set, in any relaxed form ({@code
 * spillway.backends[0].id}, {@code SPILLWAY_BACKENDS_0_ID}…). Without one there is nothing to build
 * a pool from; with one, the whole set is bound and validated.
 */
final class OnSpillwayPropertiesCondition extends SpringBootCondition {
  private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("spillway");

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    for (ConfigurationPropertySource source :
        ConfigurationPropertySources.get(context.getEnvironment())) {
      if (source.containsDescendantOf(PREFIX) == ConfigurationPropertyState.PRESENT) {
        return ConditionOutcome.match("spillway.* properties are set");
      }
    }
    return ConditionOutcome.noMatch("no spillway.* property is set");
  }
}
