package dev.spillway.spring.internal;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.SpringBootVersion;
import org.springframework.util.ClassUtils;

/**
 * The Spring Boot lines the starters are built for, and the startup check that a starter runs on
 * its own line: each starter's auto-configuration registers {@link #check()}, which fails the
 * context before any bean is created when the application runs the other line, naming the starter
 * to use instead. Without it, the Boot 4 starter on Boot 3 (or the reverse) would start without its
 * health contributor and say so only under {@code --debug}.
 */
public enum BootLine {
  /** Spring Boot 3.5.x: {@code dev.spillway:spillway-spring-boot3-starter}. */
  BOOT_3("3.5", "dev.spillway:spillway-spring-boot3-starter"),

  /** Spring Boot 4.x: {@code dev.spillway:spillway-spring-boot-starter}. */
  BOOT_4("4", "dev.spillway:spillway-spring-boot-starter");

  /**
   * A class in the {@code spring-boot} jar from 4.0 on ({@code EnvironmentPostProcessor} moved
   * there from {@code org.springframework.boot.env}), so present in every Boot 4 application and in
   * no Boot 3 one.
   */
  static final String BOOT_4_MARKER = "org.springframework.boot.EnvironmentPostProcessor";

  private final String versions;
  private final String starter;

  BootLine(String versions, String starter) {
    this.versions = versions;
    this.starter = starter;
  }

  /**
   * The line the classes of {@code classLoader} belong to.
   *
   * @param classLoader the application's class loader, or {@code null} for the default
   * @return the running line
   */
  public static BootLine running(ClassLoader classLoader) {
    return ClassUtils.isPresent(BOOT_4_MARKER, classLoader) ? BOOT_4 : BOOT_3;
  }

  /**
   * @return the starter artifact for this line, {@code groupId:artifactId}
   */
  public String starter() {
    return starter;
  }

  /**
   * Fails unless the application runs this line.
   *
   * @param classLoader the application's class loader, or {@code null} for the default
   * @throws WrongBootLineException naming the starter for the running line
   */
  public void require(ClassLoader classLoader) {
    BootLine running = running(classLoader);
    if (running != this) {
      throw new WrongBootLineException(this, running, SpringBootVersion.getVersion());
    }
  }

  /**
   * A bean factory post-processor that calls {@link #require} before any bean is created.
   *
   * @return the check
   */
  public BeanFactoryPostProcessor check() {
    return beanFactory -> require(beanFactory.getBeanClassLoader());
  }

  /** The Boot versions of the line, for messages: {@code 3.5} or {@code 4}. */
  String versions() {
    return versions;
  }
}
