package dev.spillway;

import java.util.Locale;

/** How one attempt ended, as the engine classified it (docs/design.md "Outcomes of an attempt"). */
public enum AttemptOutcome {
  /** 2xx: the call was admitted by this route. */
  SUCCESS,
  /** 429, or 503 with a retry hint: the route cools down and the call fails over. */
  THROTTLED,
  /**
   * Connect error, reset, attempt timeout, 408, 5xx: counts toward the backend's circuit. Also a
   * 401 to a credential renewed since the attempt left (a rotated key), which counts toward
   * nothing.
   */
  FAILED,
  /**
   * 401/403 (backend) or 404 {@code DeploymentNotFound} / 400 {@code OperationNotSupported}
   * (route).
   */
  MISCONFIGURED,
  /** Any other 4xx: the response goes back to the caller unchanged, without retry. */
  CALLER_ERROR,
  /** The caller cancelled, or stopped reading a stream. */
  CANCELLED;

  /**
   * The lower-case name used in telemetry ({@code spillway.attempt.outcome}).
   *
   * @return for example {@code caller_error}
   */
  public String attributeValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
