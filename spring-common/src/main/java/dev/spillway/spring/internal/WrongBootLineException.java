package dev.spillway.spring.internal;

/**
 * A Spillway starter runs on a Spring Boot line it was not built for; the message names the starter
 * to use instead.
 */
public final class WrongBootLineException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** The starter on the classpath, which does not fit. */
  private final BootLine built;

  /** The line that runs, whose starter to use. */
  private final BootLine running;

  WrongBootLineException(BootLine built, BootLine running, String runningVersion) {
    super(
        built.starter()
            + " is built for Spring Boot "
            + built.versions()
            + ".x, but this application runs Spring Boot "
            + (runningVersion == null ? running.versions() + ".x" : runningVersion)
            + ": replace it with "
            + running.starter()
            + " (same version).");
    this.built = built;
    this.running = running;
  }

  /**
   * @return the line the starter on the classpath is built for
   */
  public BootLine built() {
    return built;
  }

  /**
   * @return the line the application runs
   */
  public BootLine running() {
    return running;
  }
}
