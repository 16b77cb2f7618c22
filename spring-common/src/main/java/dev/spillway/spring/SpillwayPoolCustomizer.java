package dev.spillway.spring;

import dev.spillway.pool.SpillwayPool;

/**
 * Tweaks the auto-configured {@link SpillwayPool} in code, after the {@code spillway.*} properties,
 * the {@code OpenTelemetry} and {@code TokenCredential} beans and the {@code PoolListener} beans
 * were applied. Every customizer bean is called, in {@link org.springframework.core.Ordered} /
 * {@link org.springframework.core.annotation.Order @Order} order.
 *
 * <pre>{@code
 * @Bean
 * SpillwayPoolCustomizer engineTimings() {
 *   return builder -> builder.settings(settings -> settings.throttleFallbackCoolDown(Duration.ofSeconds(2)));
 * }
 * }</pre>
 *
 * <p>Not called when the application defines its own {@link SpillwayPool} bean.
 */
@FunctionalInterface
public interface SpillwayPoolCustomizer {

  /**
   * Customizes the pool before it is built.
   *
   * @param builder the builder, with the configuration applied
   */
  void customize(SpillwayPool.Builder builder);
}
