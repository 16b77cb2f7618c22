package dev.spillway.internal;

import dev.spillway.AttemptOutcome;
import dev.spillway.spi.ResponseHeaders;

/** the outcome table of docs/design.md for a non-2xx response. Immutable. */
final class Classification {
  static final String DEPLOYMENT_NOT_FOUND = "DeploymentNotFound";
  static final String OPERATION_NOT_SUPPORTED = "OperationNotSupported";

  final AttemptOutcome outcome;

  /** For a throttle: the server's hint in nanoseconds, or -1. */
  final long hintNanos;

  /** For a misconfiguration: whether the whole backend is at fault (401/403). */
  final boolean backendWide;

  private Classification(AttemptOutcome outcome, long hintNanos, boolean backendWide) {
    this.outcome = outcome;
    this.hintNanos = hintNanos;
    this.backendWide = backendWide;
  }

  static Classification of(
      int status, String errorCode, ResponseHeaders headers, long wallClockMillis) {
    switch (status) {
      case 429:
        return new Classification(
            AttemptOutcome.THROTTLED,
            ThrottleHints.retryAfterNanos(headers, wallClockMillis),
            false);
      case 503:
        {
          long hint = ThrottleHints.retryAfterNanos(headers, wallClockMillis);
          return hint >= 0
              ? new Classification(AttemptOutcome.THROTTLED, hint, false)
              : new Classification(AttemptOutcome.FAILED, -1, false);
        }
      case 401:
      case 403:
        return new Classification(AttemptOutcome.MISCONFIGURED, -1, true);
      case 404:
        return DEPLOYMENT_NOT_FOUND.equals(errorCode)
            ? new Classification(AttemptOutcome.MISCONFIGURED, -1, false)
            : new Classification(AttemptOutcome.CALLER_ERROR, -1, false);
      case 400:
        return OPERATION_NOT_SUPPORTED.equals(errorCode)
            ? new Classification(AttemptOutcome.MISCONFIGURED, -1, false)
            : new Classification(AttemptOutcome.CALLER_ERROR, -1, false);
      case 408:
        return new Classification(AttemptOutcome.FAILED, -1, false);
      default:
        return status >= 500
            ? new Classification(AttemptOutcome.FAILED, -1, false)
            : new Classification(AttemptOutcome.CALLER_ERROR, -1, false);
    }
  }
}
