package dev.spillway.spring;

import static dev.spillway.spring.SimulatedBackends.LARGE_TPM;
import static dev.spillway.spring.SimulatedBackends.chat;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.ai.openai.OpenAIClient;
import dev.spillway.pool.audit.AuditRedactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code spillway.audit.*} bound by Spring, and the application's redactor bean as the hook. */
class SpillwayAuditAutoConfigurationTest {
  private static SimulatedBackends backends;

  @TempDir Path dir;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SpillwayAutoConfiguration.class, SpillwayAuditAutoConfiguration.class));

  @BeforeAll
  static void startSimulator() {
    backends = SimulatedBackends.start(LARGE_TPM, LARGE_TPM);
  }

  @AfterAll
  static void stopSimulator() {
    backends.close();
  }

  private String[] properties(Path file) {
    List<String> p = new java.util.ArrayList<>(List.of(backends.properties()));
    p.add("spillway.audit.enabled=true");
    p.add("spillway.audit.capture=full");
    p.add("spillway.audit.sinks=file");
    p.add("spillway.audit.file=" + file);
    return p.toArray(String[]::new);
  }

  @Test
  void theApplicationsRedactorSeesTheRecordBeforeTheFile() throws Exception {
    Path file = dir.resolve("redacted.jsonl");
    runner
        .withPropertyValues(properties(file))
        .withUserConfiguration(Redaction.class)
        .run(context -> chat(context.getBean(OpenAIClient.class), 5));

    String written = Files.readString(file);
    assertThat(written.lines()).hasSize(1);
    assertThat(written).contains("\"content\":\"[redacted]\"").doesNotContain("Say hello.");
  }

  @Test
  void withoutARedactorTheFullRecordKeepsTheText() throws Exception {
    Path file = dir.resolve("plain.jsonl");
    runner
        .withPropertyValues(properties(file))
        .run(
            context -> {
              assertThat(context).doesNotHaveBean("spillwayAuditRedactor");
              chat(context.getBean(OpenAIClient.class), 5);
            });

    assertThat(Files.readString(file)).contains("Say hello.");
  }

  @Test
  void anUnknownSinkFailsStartupNamingTheProperty() {
    runner
        .withPropertyValues(backends.properties())
        .withPropertyValues("spillway.audit.enabled=true", "spillway.audit.sinks=kafka")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("spillway.audit.sinks[0]")
                    .hasMessageContaining("unknown sink 'kafka'"));
  }

  @Configuration(proxyBeanMethods = false)
  static class Redaction {
    @Bean
    AuditRedactor redactor() {
      return r -> r.withText(t -> "[redacted]");
    }
  }
}
