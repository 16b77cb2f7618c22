package dev.spillway;

/**
 * Base type of every exception Spillway throws. Unchecked. Messages name backends, routes, statuses
 * and properties, never secrets.
 */
public class SpillwayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param cause the cause, or {@code null}
   */
  public SpillwayException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   */
  public SpillwayException(String message) {
    super(message);
  }
}
