package dev.spillway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The recorded Azure OpenAI exchanges in core's test resources, {@code azure-recordings/} (its
 * README gives each file's source and commit). Every module's tests read them from the classpath
 * through core's test-jar, so the repository holds them once.
 */
public final class AzureRecordings {
  private static final String FOLDER = "/azure-recordings/";

  private AzureRecordings() {}

  /**
   * Opens a recording.
   *
   * @param file the file name, such as {@code ChatCompletion.json}
   * @return the stream, for the caller to close
   * @throws IllegalArgumentException if no such recording is on the classpath
   */
  public static InputStream open(String file) {
    InputStream in = AzureRecordings.class.getResourceAsStream(FOLDER + file);
    if (in == null) {
      throw new IllegalArgumentException(
          "no recording "
              + FOLDER
              + file
              + " on the classpath (it lives in core/src/test/resources and ships in core's"
              + " test-jar)");
    }
    return in;
  }

  /**
   * Reads a recording as UTF-8 text.
   *
   * @param file the file name
   * @return the file's text
   * @throws IllegalArgumentException if no such recording is on the classpath
   */
  public static String read(String file) {
    try (InputStream in = open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
