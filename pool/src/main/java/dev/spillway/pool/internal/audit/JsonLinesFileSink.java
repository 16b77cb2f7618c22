package dev.spillway.pool.internal.audit;

import dev.spillway.pool.audit.AuditRecord;
import dev.spillway.pool.audit.AuditSink;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@code AuditSinks.jsonLines}: appends one JSON line per record; before a line that would take the
 * file past its size limit, renames it to {@code file.1} (shifting older ones up, the oldest beyond
 * the limit deleted) and starts a new file. A single record larger than the limit gets a file of
 * its own. Thread-safe (synchronized; the pool calls it from its one audit thread).
 */
public final class JsonLinesFileSink implements AuditSink {
  private static final int BUFFER = 64 * 1024;

  private final Path file;
  private final long maxBytes;
  private final int maxFiles;
  private OutputStream out;
  private long size;

  /**
   * @param file the file
   * @param maxBytes size at which a new file starts
   * @param maxFiles files kept, current included
   */
  public JsonLinesFileSink(Path file, long maxBytes, int maxFiles) {
    this.file = file.toAbsolutePath();
    this.maxBytes = maxBytes;
    this.maxFiles = maxFiles;
  }

  @Override
  public synchronized void write(AuditRecord record) throws IOException {
    byte[] line = (record.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
    if (out == null) {
      open();
    }
    if (size > 0 && size + line.length > maxBytes) {
      rotate();
    }
    out.write(line);
    size += line.length;
  }

  private void open() throws IOException {
    Path dir = file.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    out =
        new BufferedOutputStream(
            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
            BUFFER);
    size = Files.size(file);
  }

  private void rotate() throws IOException {
    out.close();
    out = null;
    if (maxFiles == 1) {
      Files.delete(file);
    } else {
      Files.deleteIfExists(rotated(maxFiles - 1));
      for (int i = maxFiles - 2; i >= 1; i--) {
        if (Files.exists(rotated(i))) {
          Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
    }
    open();
  }

  private Path rotated(int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  @Override
  public synchronized void flush() throws IOException {
    if (out != null) {
      out.flush();
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
  }

  @Override
  public String toString() {
    return "AuditSinks.jsonLines(" + file + ")";
  }
}
