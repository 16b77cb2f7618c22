package dev.spillway.pool.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.ContentFilterResults;
import dev.spillway.Usage;
import dev.spillway.pool.audit.AuditRecord;
import dev.spillway.pool.audit.CaptureLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesFileSinkTest {
  @TempDir Path dir;

  static AuditRecord record(int n) {
    Instant start = Instant.parse("2026-12-02T06:00:00Z");
    return new AuditRecord(
        "call-" + n,
        "chat",
        start,
        null,
        start.plusMillis(5),
        null,
        Map.of(),
        "gpt-4o",
        null,
        "d",
        "b",
        null,
        0,
        false,
        200,
        null,
        List.of(),
        Usage.reported(1, 1),
        ContentFilterResults.NONE,
        CaptureLevel.METADATA,
        null,
        List.of(),
        null,
        null);
  }

  @Test
  void rotatesBeforeALineWouldPassTheLimitAndKeepsMaxFiles() throws Exception {
    Path file = dir.resolve("logs/audit.jsonl");
    int line = (record(0).toJson() + "\n").length();
    JsonLinesFileSink sink = new JsonLinesFileSink(file, 3L * line, 3);
    for (int i = 0; i < 10; i++) {
      sink.write(record(i));
    }
    sink.close();

    // 3 lines a file: 0-2 rotated out of the 3 kept files, 3-5 in .2, 6-8 in .1, 9 current
    assertThat(Files.readAllLines(file)).hasSize(1).allMatch(l -> l.contains("call-9"));
    assertThat(Files.readAllLines(dir.resolve("logs/audit.jsonl.1")))
        .hasSize(3)
        .first()
        .asString()
        .contains("call-6");
    assertThat(Files.readAllLines(dir.resolve("logs/audit.jsonl.2")))
        .hasSize(3)
        .first()
        .asString()
        .contains("call-3");
    assertThat(dir.resolve("logs/audit.jsonl.3")).doesNotExist();
  }

  @Test
  void appendsToAnExistingFile() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    Files.writeString(file, record(0).toJson() + "\n");
    JsonLinesFileSink sink = new JsonLinesFileSink(file, 1 << 20, 2);
    sink.write(record(1));
    sink.close();

    assertThat(Files.readAllLines(file)).hasSize(2);
  }
}
