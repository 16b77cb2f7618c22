package dev.spillway.spring.boot3;

import dev.spillway.spring.internal.BootLine;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Fails startup, before any bean is created, when this starter (built for Spring Boot 3.5) runs on
 * Spring Boot 4: the message names {@code dev.spillway:spillway-spring-boot-starter}. Without it
 * the application would start without the {@code spillway} health contributor.
 */
@AutoConfiguration
public final class SpillwayBootLineAutoConfiguration {

  /**
   * The check.
   *
   * @return a post-processor that throws on the wrong Boot line
   */
  @Bean
  static BeanFactoryPostProcessor spillwayBootLineCheck() {
    return BootLine.BOOT_3.check();
  }
}
