package dev.spillway.cli.internal;

import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.audit.AuditSettings;
import dev.spillway.pool.audit.AuditSinks;
import dev.spillway.pool.audit.CaptureLevel;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --audit FILE [--capture metadata|full]}: the audit record of every call, as JSON lines
 * appended to {@code FILE} (rotated by size as the file sink does), which {@code report} reads.
 * Takes the place of the configuration's {@code spillway.audit}. A picocli mixin.
 */
final class AuditOptions {
  @Option(
      names = "--audit",
      paramLabel = "FILE",
      description =
          "Append the audit record of every call to FILE (JSON lines), for the report command.")
  Path file;

  @Option(
      names = "--capture",
      paramLabel = "LEVEL",
      description =
          "What --audit records hold: metadata (default: no text) or full (request and"
              + " response text).")
  String capture;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /** Turns audit records on in {@code builder} when {@code --audit} was given. */
  void apply(SpillwayPool.Builder builder) {
    if (file == null) {
      if (capture != null) {
        throw new ParameterException(spec.commandLine(), "--capture needs --audit FILE");
      }
      return;
    }
    CaptureLevel level;
    try {
      level = capture == null ? CaptureLevel.METADATA : CaptureLevel.of(capture);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
    builder.audit(
        AuditSettings.builder()
            .capture(level)
            .sink(
                AuditSinks.jsonLines(
                    file, AuditSinks.DEFAULT_FILE_MAX_BYTES, AuditSinks.DEFAULT_FILE_MAX_FILES))
            .build());
  }
}
