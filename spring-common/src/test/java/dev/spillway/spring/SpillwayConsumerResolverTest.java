package dev.spillway.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.pool.ConsumerResolver;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.spi.AdapterSupport;
import dev.spillway.spring.internal.SecurityPrincipalResolver;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The opt-in consumer resolver: none by default; a {@code ConsumerResolver} bean or {@code
 * spillway.consumer-resolver.*} reaches the pool, which answers for calls that name no consumer on
 * the calling thread (MDC, Spring Security's real {@link SecurityContextHolder}); bad values fail
 * startup naming the property; Spring Security stays optional.
 */
class SpillwayConsumerResolverTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SpillwayAutoConfiguration.class))
          .withPropertyValues(SpillwayPropertiesTest.valid());

  @AfterEach
  void clearThreadState() {
    MDC.clear();
    SecurityContextHolder.clearContext();
  }

  private static String resolved(AssertableApplicationContext context, String named) {
    return AdapterSupport.of(context.getBean(SpillwayPool.class)).consumerId(named);
  }

  @Test
  void noneIsActiveByDefault() {
    MDC.put("tenant", "acme");
    SecurityContextHolder.getContext()
        .setAuthentication(
            UsernamePasswordAuthenticationToken.authenticated("alice", null, List.of()));
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(resolved(context, null)).isNull();
          assertThat(resolved(context, "billing")).isEqualTo("billing");
        });
  }

  @Test
  void theMdcKeyPropertyNamesTheConsumerOnTheCallingThread() {
    runner
        .withPropertyValues("spillway.consumer-resolver.mdc-key=tenant")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(resolved(context, null)).isNull();
              MDC.put("tenant", "acme");
              assertThat(resolved(context, null)).isEqualTo("acme");
              assertThat(resolved(context, "billing")).as("a named id wins").isEqualTo("billing");
              MDC.put("tenant", " ");
              assertThat(resolved(context, null)).isNull();
            });
  }

  @Test
  void typeMdcWithTheKeyIsTheSame() {
    MDC.put("team", "search");
    runner
        .withPropertyValues(
            "spillway.consumer-resolver.type=mdc", "spillway.consumer-resolver.mdc-key=team")
        .run(context -> assertThat(resolved(context, null)).isEqualTo("search"));
  }

  @Test
  void theSpringSecurityTypeNamesTheAuthenticatedPrincipal() {
    runner
        .withPropertyValues("spillway.consumer-resolver.type=spring-security")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(resolved(context, null)).isNull();

              SecurityContextHolder.getContext()
                  .setAuthentication(
                      UsernamePasswordAuthenticationToken.authenticated(
                          "alice", null, AuthorityUtils.createAuthorityList("ROLE_USER")));
              assertThat(resolved(context, null)).isEqualTo("alice");
              assertThat(resolved(context, "billing")).isEqualTo("billing");

              SecurityContextHolder.getContext()
                  .setAuthentication(
                      UsernamePasswordAuthenticationToken.unauthenticated("bob", "password"));
              assertThat(resolved(context, null)).isNull();

              SecurityContextHolder.getContext()
                  .setAuthentication(
                      new AnonymousAuthenticationToken(
                          "key",
                          "anonymousUser",
                          AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
              assertThat(resolved(context, null)).isNull();

              SecurityContextHolder.clearContext();
              assertThat(resolved(context, null)).isNull();
            });
  }

  @Test
  void theApplicationsResolverBeanReachesThePoolAndWinsOverTheProperty() {
    MDC.put("tenant", "from-property");
    MDC.put("team", "from-bean");
    runner
        .withPropertyValues("spillway.consumer-resolver.mdc-key=tenant")
        .withBean(SpillwayConsumerResolver.class, () -> SpillwayConsumerResolver.mdc("team"))
        .run(context -> assertThat(resolved(context, null)).isEqualTo("from-bean"));
  }

  @Test
  void aPlainConsumerResolverBeanReachesThePoolToo() {
    runner
        .withBean(ConsumerResolver.class, () -> () -> "batch-jobs")
        .run(
            context -> {
              assertThat(resolved(context, null)).isEqualTo("batch-jobs");
              assertThat(resolved(context, "billing")).isEqualTo("billing");
            });
  }

  @Test
  void anUnknownTypeFailsStartupNamingTheProperty() {
    runner
        .withPropertyValues("spillway.consumer-resolver.type=ldap")
        .run(
            context ->
                assertThat(failure(context).getMessage())
                    .startsWith("spillway.consumer-resolver.type: expected none, mdc or")
                    .contains("was 'ldap'"));
  }

  @Test
  void typeMdcWithoutAKeyFailsStartupNamingTheKey() {
    runner
        .withPropertyValues("spillway.consumer-resolver.type=mdc")
        .run(
            context ->
                assertThat(failure(context).property().toString())
                    .isEqualTo("spillway.consumer-resolver.mdc-key"));
  }

  @Test
  void aKeyForAnotherTypeFailsStartupNamingTheKey() {
    runner
        .withPropertyValues(
            "spillway.consumer-resolver.type=spring-security",
            "spillway.consumer-resolver.mdc-key=tenant")
        .run(
            context ->
                assertThat(failure(context).getMessage())
                    .startsWith(
                        "spillway.consumer-resolver.mdc-key: mdc-key applies only to type mdc"));
  }

  @Test
  void anUnknownKeyUnderTheResolverFailsStartup() {
    runner
        .withPropertyValues("spillway.consumer-resolver.mdc-keys=tenant")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(
                      findCause(
                              context.getStartupFailure(),
                              UnboundConfigurationPropertiesException.class)
                          .getUnboundProperties())
                  .extracting(p -> p.getName().toString())
                  .containsExactly("spillway.consumer-resolver.mdc-keys");
            });
  }

  @Test
  void springSecurityIsOptionalForTheAutoConfiguration() {
    runner
        .withClassLoader(new FilteredClassLoader("org.springframework.security"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(resolved(context, null)).isNull();
            });
    runner
        .withClassLoader(new FilteredClassLoader("org.springframework.security"))
        .withPropertyValues("spillway.consumer-resolver.type=spring-security")
        .run(
            context -> {
              InvalidSpillwayPropertyException e = failure(context);
              assertThat(e.property().toString()).isEqualTo("spillway.consumer-resolver.type");
              assertThat(e.getMessage()).contains("spring-security-core");
            });
  }

  @Test
  void theResolverTypeLoadsWithoutSpringSecurity() throws Exception {
    List<URL> urls = new ArrayList<>();
    List<String> left = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.contains("spring-security")) {
        left.add(entry);
      } else {
        urls.add(url(entry));
      }
    }
    assertThat(left).as("Spring Security jars left out").isNotEmpty();
    try (URLClassLoader withoutSecurity =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(
              () ->
                  Class.forName(
                      SecurityPrincipalResolver.SECURITY_CONTEXT_HOLDER, false, withoutSecurity))
          .isInstanceOf(ClassNotFoundException.class);
      Class<?> type =
          Class.forName(SpillwayConsumerResolver.class.getName(), true, withoutSecurity);
      assertThat(type.getClassLoader()).isSameAs(withoutSecurity);
      Object mdc = type.getMethod("mdc", String.class).invoke(null, "tenant");
      assertThat(mdc).isNotNull();
      assertThatThrownBy(() -> type.getMethod("springSecurity").invoke(null))
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("spring-security-core");
      // Spring introspects every method of the auto-configuration: none may need Spring Security.
      assertThat(
              Arrays.stream(
                  Class.forName(
                          SpillwayAutoConfiguration.class.getName() + "$PoolConfiguration",
                          true,
                          withoutSecurity)
                      .getDeclaredMethods()))
          .isNotEmpty();
    }
  }

  private static URL url(String entry) {
    try {
      return new File(entry).toURI().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(entry, e);
    }
  }

  private static InvalidSpillwayPropertyException failure(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    return findCause(context.getStartupFailure(), InvalidSpillwayPropertyException.class);
  }

  private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + failure);
  }
}
