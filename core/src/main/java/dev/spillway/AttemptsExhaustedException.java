package dev.spillway;

import java.util.List;

/**
 * A call ended without success: its attempts ran out, or its deadline passed. Carries every
 * attempt; the last attempt's exception is the cause and earlier ones are suppressed.
 */
public class AttemptsExhaustedException extends SpillwayException {
  private static final long serialVersionUID = 1L;

  private final transient List<AttemptRecord> attempts;

  /**
   * Creates the exception.
   *
   * @param message why the call ended
   * @param attempts the attempts
   * @param causes the exceptions of attempts that had one, in order
   */
  public AttemptsExhaustedException(
      String message, List<AttemptRecord> attempts, List<Throwable> causes) {
    super(message, causes.isEmpty() ? null : causes.get(causes.size() - 1));
    this.attempts = List.copyOf(attempts);
    for (int i = 0; i < causes.size() - 1; i++) {
      addSuppressed(causes.get(i));
    }
  }

  /**
   * The attempts of the call, in order.
   *
   * @return the attempts
   */
  public List<AttemptRecord> attempts() {
    return attempts;
  }
}
