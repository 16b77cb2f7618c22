package dev.spillway.spring.internal;

import dev.spillway.spring.SpillwayConsumerResolver;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The authenticated principal's name from {@link SecurityContextHolder}, as the consumer id. Loaded
 * only when Spring Security is on the classpath. Stateless and thread-safe; its {@code toString}
 * names no principal.
 */
public final class SecurityPrincipalResolver implements SpillwayConsumerResolver {

  /**
   * The class whose presence means Spring Security is on the classpath. A compile-time constant:
   * reading it loads neither this class nor Spring Security.
   */
  public static final String SECURITY_CONTEXT_HOLDER =
      "org.springframework.security.core.context.SecurityContextHolder";

  @Override
  public String resolve() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication == null
        || !authentication.isAuthenticated()
        || authentication instanceof AnonymousAuthenticationToken) {
      return null;
    }
    String name = authentication.getName();
    return name == null || name.isBlank() ? null : name;
  }

  @Override
  public String toString() {
    return "SpillwayConsumerResolver[spring-security]";
  }
}
