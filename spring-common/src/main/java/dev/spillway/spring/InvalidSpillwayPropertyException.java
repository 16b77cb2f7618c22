package dev.spillway.spring;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.origin.Origin;

/**
 * A {@code spillway.*} value the schema refuses, named with its full property name and where it was
 * set: {@code spillway.backends[1].endpoint: backend 'b': endpoint must use https …, was 'http://…'
 * (class path resource [application.yaml] - 12:17)}. The message holds no configured secret.
 * Immutable and thread-safe.
 */
public final class InvalidSpillwayPropertyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient ConfigurationPropertyName property;
  private final transient Origin origin;

  InvalidSpillwayPropertyException(
      ConfigurationPropertyName property, Origin origin, String problem, Throwable cause) {
    super(property + ": " + problem + (origin == null ? "" : " (" + origin + ")"), cause);
    this.property = property;
    this.origin = origin;
  }

  /**
   * The property at fault.
   *
   * @return its name, such as {@code spillway.backends[1].endpoint}
   */
  public ConfigurationPropertyName property() {
    return property;
  }

  /**
   * Where the property (or, when it is missing, its nearest parent) was set.
   *
   * @return the origin, or {@code null} when the property source does not track origins
   */
  public Origin origin() {
    return origin;
  }
}
