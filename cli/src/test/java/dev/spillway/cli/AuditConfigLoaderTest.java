package dev.spillway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.audit.AuditConfig;
import dev.spillway.pool.audit.CaptureLevel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code spillway.audit.*} through the CLI's loader: bound, and refused at the key at fault. */
class AuditConfigLoaderTest {
  private static final String BACKENDS =
      """
        backends:
          - id: a
            endpoint: https://a.openai.azure.com
            api-key: k
            deployments: [{ model: gpt-4o, deployment: d }]
      """;

  private static PoolConfig load(String audit) {
    return PoolConfigLoader.load("spillway:\n" + audit + BACKENDS, "pool.yaml", name -> null);
  }

  @Test
  void bindsEveryAuditKey() {
    PoolConfig config =
        load(
            """
              audit:
                enabled: true
                capture: full
                sinks: [log, file]
                file: audit/calls.jsonl
                file-max-bytes: 2048
                file-max-files: 3
                queue-capacity: 50
                max-field-chars: 100
            """);

    assertThat(config.audit())
        .isEqualTo(
            new AuditConfig(
                true, "full", List.of("log", "file"), "audit/calls.jsonl", 2048L, 3, 50, 100));
    assertThat(config.audit().captureLevel()).isEqualTo(CaptureLevel.FULL);
    assertThat(load("").audit()).isEqualTo(AuditConfig.OFF);
  }

  @Test
  void aBadValueIsReportedAtItsKeyAndLine() {
    PoolConfigException capture =
        catchThrowableOfType(
            PoolConfigException.class, () -> load("  audit:\n    capture: everything\n"));
    assertThat(capture.property()).isEqualTo("spillway.audit.capture");
    assertThat(capture.line()).isEqualTo(3);
    assertThat(capture.problem()).contains("'metadata' or 'full'", "'everything'");

    PoolConfigException file =
        catchThrowableOfType(
            PoolConfigException.class, () -> load("  audit:\n    sinks: [file]\n"));
    assertThat(file.property()).isEqualTo("spillway.audit.file");
    assertThat(file.problem()).isEqualTo("file is required when sinks include file");

    PoolConfigException unknown =
        catchThrowableOfType(PoolConfigException.class, () -> load("  audit:\n    sink: [log]\n"));
    assertThat(unknown.property()).isEqualTo("spillway.audit.sink");
    assertThat(unknown.problem()).startsWith("unknown property; expected one of");
  }
}
