package dev.spillway;

/** The state of one route as a snapshot sees it. */
public enum RouteState {
  /** Takes calls. */
  AVAILABLE,
  /**
   * Cooling down after a throttle or a misconfiguration, until {@link
   * RouteSnapshot#coolingUntil()}.
   */
  COOLING,
  /** The cool-down ended; the next call is a single probe. */
  PROBING,
  /** The remembered headroom does not cover a typical call. */
  FULL,
  /** The backend's circuit is open. */
  CIRCUIT_OPEN,
  /** The backend is disabled (drained). */
  DISABLED
}
