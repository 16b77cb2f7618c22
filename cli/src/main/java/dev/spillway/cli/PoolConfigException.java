package dev.spillway.cli;

/**
 * A pool configuration file could not be read: it names the file, the property, the line where the
 * parser knows it, and the problem. The message is one line and never holds a secret.
 *
 * <p>Immutable and thread-safe.
 */
public final class PoolConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String property;
  private final int line;
  private final String problem;

  /**
   * Creates the exception.
   *
   * @param source the file name, or another name of the document
   * @param property the property path, such as {@code spillway.backends[1].tier}, or {@code null}
   *     for the document as a whole
   * @param line the 1-based line, or 0 when unknown
   * @param problem what is wrong, without the value of any secret
   * @param cause the underlying exception, or {@code null}
   */
  public PoolConfigException(
      String source, String property, int line, String problem, Throwable cause) {
    super(format(source, property, line, problem), cause);
    this.source = source;
    this.property = property;
    this.line = line;
    this.problem = problem;
  }

  /**
   * The file name, or another name of the document.
   *
   * @return the source
   */
  public String source() {
    return source;
  }

  /**
   * The property path, such as {@code spillway.backends[1].tier}.
   *
   * @return the path, or {@code null} for the document as a whole
   */
  public String property() {
    return property;
  }

  /**
   * The 1-based line of the property.
   *
   * @return the line, or 0 when unknown
   */
  public int line() {
    return line;
  }

  /**
   * What is wrong.
   *
   * @return the problem
   */
  public String problem() {
    return problem;
  }

  private static String format(String source, String property, int line, String problem) {
    return source
        + (line > 0 ? ":" + line : "")
        + ": "
        + (property == null ? "" : property + ": ")
        + problem;
  }
}
