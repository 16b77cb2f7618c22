package dev.spillway;

/**
 * The thread running a synchronous call was interrupted. The interrupt flag is set again before
 * this is thrown, and the attempt in flight has been settled as cancelled.
 */
public final class CallInterruptedException extends SpillwayException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param cause the interruption
   */
  public CallInterruptedException(InterruptedException cause) {
    super("call interrupted", cause);
  }
}
