package dev.spillway.spring;

import dev.spillway.pool.ConsumerResolver;
import dev.spillway.spring.internal.SecurityPrincipalResolver;
import java.util.Objects;
import org.springframework.util.ClassUtils;

/**
 * A {@link ConsumerResolver} for Spring applications: names the consumer of a call that names none
 * itself, on the calling thread. None is active by default (who a call is for is the application's
 * to say, and principals are personal data); the auto-configured pool uses one when the application
 * declares a {@code ConsumerResolver} bean (this type or any other) or sets {@code
 * spillway.consumer-resolver.type} ({@code mdc} with {@code spillway.consumer-resolver.mdc-key}, or
 * {@code spring-security}). A consumer id the call carries itself always wins.
 *
 * <pre>{@code
 * @Bean
 * SpillwayConsumerResolver consumerResolver() {
 *   return SpillwayConsumerResolver.mdc("tenant");
 * }
 * }</pre>
 *
 * <p>Implementations must be thread-safe and fast: they run once per call, on the caller's thread.
 * This type loads without Spring Security on the classpath; only {@link #springSecurity()} needs
 * it.
 */
@FunctionalInterface
public interface SpillwayConsumerResolver extends ConsumerResolver {

  /**
   * Reads the consumer id from the SLF4J MDC entry {@code key} of the calling thread; a blank value
   * is none.
   *
   * @param key the MDC key, such as {@code tenant}
   * @return the resolver
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is blank
   */
  static SpillwayConsumerResolver mdc(String key) {
    Objects.requireNonNull(key, "'key' cannot be null.");
    if (key.isBlank()) {
      throw new IllegalArgumentException("'key' cannot be blank.");
    }
    return ConsumerResolver.mdc(key)::resolve;
  }

  /**
   * Names the consumer after the authenticated principal of the calling thread: {@code
   * Authentication.getName()} from Spring Security's {@code SecurityContextHolder}. No
   * authentication, an unauthenticated or anonymous one, or a blank name is none. It reads the
   * thread's security context, so it sees servlet requests and {@code @Async} work that propagates
   * the context, not a reactive ({@code ReactiveSecurityContextHolder}) one.
   *
   * @return the resolver
   * @throws IllegalStateException if Spring Security ({@code spring-security-core}) is not on the
   *     classpath
   */
  static SpillwayConsumerResolver springSecurity() {
    if (!ClassUtils.isPresent(
        SecurityPrincipalResolver.SECURITY_CONTEXT_HOLDER,
        SpillwayConsumerResolver.class.getClassLoader())) {
      throw new IllegalStateException(
          "the spring-security consumer resolver needs Spring Security (spring-security-core) on"
              + " the classpath");
    }
    return new SecurityPrincipalResolver();
  }
}
