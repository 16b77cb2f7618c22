package dev.spillway.examples.boot3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.ClassUtils;

/**
 * The example with the Boot 4 starter in place of the Boot 3 one (surefire execution {@code
 * wrong-starter}): startup fails before any bean, naming the starter to use.
 */
@ExtendWith(OutputCaptureExtension.class)
class WrongStarterTest {

  @Test
  void theBoot4StarterFailsStartupOnBoot35NamingTheBoot3Starter(CapturedOutput output) {
    assertThat(
            ClassUtils.isPresent(
                "dev.spillway.spring.boot4.SpillwayBootLineAutoConfiguration", null))
        .isTrue();
    assertThat(
            ClassUtils.isPresent(
                "dev.spillway.spring.boot3.SpillwayBootLineAutoConfiguration", null))
        .isFalse();
    SpringApplication application = new SpringApplication(SpringAiExampleApplication.class);

    assertThatThrownBy(
            () ->
                application.run(
                    "--server.port=0",
                    "--AOAI_PTU_ENDPOINT=http://127.0.0.1:9",
                    "--AOAI_PTU_KEY=unused",
                    "--AOAI_PAYGO_ENDPOINT=http://127.0.0.1:9",
                    "--AOAI_PAYGO_KEY=unused"))
        .hasMessage(
            "dev.spillway:spillway-spring-boot-starter is built for Spring Boot 4.x, but this"
                + " application runs Spring Boot "
                + SpringBootVersion.getVersion()
                + ": replace it with dev.spillway:spillway-spring-boot3-starter (same version).");
    assertThat(output)
        .contains(
            "APPLICATION FAILED TO START",
            "Depend on dev.spillway:spillway-spring-boot3-starter instead of"
                + " dev.spillway:spillway-spring-boot-starter.")
        .doesNotContain("Tomcat started");
  }
}
