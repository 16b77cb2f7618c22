package dev.spillway.spi;

import dev.spillway.SpillwayException;
import java.time.Duration;

/** No response byte arrived within the attempt timeout. A transient failure of the backend. */
public final class AttemptTimeoutException extends SpillwayException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param backendId the backend
   * @param timeout the timeout that passed
   */
  public AttemptTimeoutException(String backendId, Duration timeout) {
    super("backend '" + backendId + "': no response within " + timeout.toMillis() + " ms");
  }
}
