package dev.spillway.spring;

import dev.spillway.pool.InvalidPropertyException;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code spillway.consumer-resolver.*} properties: which {@link SpillwayConsumerResolver} the
 * auto-configured pool uses to name the consumer of a call that names none itself. Spring-only: not
 * part of the configuration schema the CLI shares, so bound beside {@link SpillwayProperties}.
 * Ignored when the application declares a {@code ConsumerResolver} bean of its own.
 *
 * @param type Which consumer resolver the pool uses for calls that name no consumer: none (the
 *     default; who a call is for is the application's to say, and principals are personal data),
 *     mdc (the SLF4J MDC entry mdc-key of the calling thread; the default when mdc-key is set) or
 *     spring-security (the authenticated principal's name from Spring Security's
 *     SecurityContextHolder; needs spring-security-core on the classpath).
 * @param mdcKey The MDC key the mdc resolver reads the consumer id from, such as tenant; required
 *     for type mdc, and only for it.
 */
@ConfigurationProperties(prefix = ConsumerResolverProperties.PREFIX)
record ConsumerResolverProperties(String type, String mdcKey) {
  static final String PREFIX = "spillway.consumer-resolver";
  static final String NONE = "none";
  static final String MDC = "mdc";
  static final String SPRING_SECURITY = "spring-security";

  /**
   * Validates the pair and fills in the type.
   *
   * @throws InvalidPropertyException naming {@code type} or {@code mdc-key}
   */
  ConsumerResolverProperties {
    if (mdcKey != null && mdcKey.isBlank()) {
      throw new InvalidPropertyException("mdc-key", "mdc-key must not be blank");
    }
    if (type == null || type.isBlank()) {
      type = mdcKey == null ? NONE : MDC;
    } else {
      type = type.trim().toLowerCase(Locale.ROOT);
    }
    switch (type) {
      case NONE, SPRING_SECURITY -> {
        if (mdcKey != null) {
          throw new InvalidPropertyException(
              "mdc-key", "mdc-key applies only to type mdc, and type is " + type);
        }
      }
      case MDC -> {
        if (mdcKey == null) {
          throw new InvalidPropertyException(
              "mdc-key", "type mdc needs mdc-key, the MDC entry that holds the consumer id");
        }
      }
      default ->
          throw new InvalidPropertyException(
              "type", "expected none, mdc or spring-security, was '" + type + "'");
    }
  }
}
