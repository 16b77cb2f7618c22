package dev.spillway.cli.internal;

/** A command cannot run with the arguments it was given: exit code 2, the message on stderr. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
