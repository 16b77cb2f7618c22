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
  /**
   * An estimate (remembered quota, PTU utilization, the local ledger) has held the route back for
   * longer than its bound (the quota window / 12, 5 s by default); it admits one probe per bound
   * until the server's answers show headroom again.
   */
  HELD,
  /** The backend's circuit is open. */
  CIRCUIT_OPEN,
  /** The backend is disabled (drained). */
  DISABLED
}
