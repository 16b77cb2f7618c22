package dev.spillway.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Boot line check on the line the test runs: the starter's own check lets the context start,
 * the other line's check fails it naming this line's starter, with Spring Boot's failure report.
 * Each starter runs this on its line.
 */
@ExtendWith(OutputCaptureExtension.class)
public abstract class AbstractBootLineTest {
  private final BootLine line;
  private final Class<?> lineCheck;

  /**
   * Tests the check of the starter for {@code line}.
   *
   * @param line the line the starter is built for, and the test runs on
   * @param lineCheck the starter's auto-configuration that checks the line
   */
  protected AbstractBootLineTest(BootLine line, Class<?> lineCheck) {
    this.line = line;
    this.lineCheck = lineCheck;
  }

  private BootLine other() {
    return line == BootLine.BOOT_3 ? BootLine.BOOT_4 : BootLine.BOOT_3;
  }

  @Test
  void detectsTheLineItRunsOn() {
    assertThat(BootLine.running(getClass().getClassLoader())).isEqualTo(line);
    assertThat(SpringBootVersion.getVersion()).startsWith(line == BootLine.BOOT_3 ? "3.5." : "4.");
  }

  @Test
  void theStartersCheckLetsTheContextStart() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(lineCheck))
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void theOtherLinesStarterFailsStartupNamingThisLinesStarter() {
    new ApplicationContextRunner()
        .withUserConfiguration(otherLinesCheck())
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .isInstanceOf(WrongBootLineException.class)
                    .hasMessage(
                        other().starter()
                            + " is built for Spring Boot "
                            + other().versions()
                            + ".x, but this application runs Spring Boot "
                            + SpringBootVersion.getVersion()
                            + ": replace it with "
                            + line.starter()
                            + " (same version)."));
  }

  @Test
  void aRealApplicationReportsTheArtifactToUse(CapturedOutput output) {
    SpringApplication application = new SpringApplication(otherLinesCheck());
    application.setWebApplicationType(WebApplicationType.NONE);

    assertThatThrownBy(application::run).isInstanceOf(WrongBootLineException.class);
    assertThat(output)
        .contains(
            "APPLICATION FAILED TO START",
            "Spring Boot " + SpringBootVersion.getVersion(),
            "Depend on " + line.starter() + " instead of " + other().starter() + ".");
  }

  /** The check the other line's starter registers. */
  private Class<?> otherLinesCheck() {
    return other() == BootLine.BOOT_3 ? Boot3Check.class : Boot4Check.class;
  }

  /** What the Boot 3 starter registers. */
  @Configuration(proxyBeanMethods = false)
  static class Boot3Check {
    @Bean
    static BeanFactoryPostProcessor boot3LineCheck() {
      return BootLine.BOOT_3.check();
    }
  }

  /** What the Boot 4 starter registers. */
  @Configuration(proxyBeanMethods = false)
  static class Boot4Check {
    @Bean
    static BeanFactoryPostProcessor boot4LineCheck() {
      return BootLine.BOOT_4.check();
    }
  }
}
