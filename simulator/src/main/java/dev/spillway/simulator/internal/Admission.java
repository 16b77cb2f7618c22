package dev.spillway.simulator.internal;

/**
 * The quota's answer to one request, with what the response headers need. Immutable.
 *
 * @param limit {@link Limit#NONE} when admitted, else the limit that refused it
 * @param retryAfterSimNanos when refused: simulated time until the request would fit
 * @param limitTokens the effective token limit (standard: per minute; PTU: bucket capacity)
 * @param limitRequests the effective request-per-minute limit (standard only)
 * @param remainingTokens standard: tokens left in the current minute
 * @param remainingRequests standard: requests left in the current minute
 * @param utilization PTU: bucket level ÷ capacity (1.0 = 100 %)
 * @param limitReduced whether a temporary limit reduction is in force
 */
record Admission(
    Limit limit,
    long retryAfterSimNanos,
    long limitTokens,
    long limitRequests,
    long remainingTokens,
    long remainingRequests,
    double utilization,
    boolean limitReduced) {

  /** Which limit refused a request. */
  public enum Limit {
    /** Admitted. */
    NONE,
    /** Standard per-minute token limit ({@code policy-id: DeploymentRatelimit-Token}). */
    TOKENS,
    /**
     * Standard request-rate limit over 1 s or 10 s ({@code policy-id: DeploymentRatelimit-Call}).
     */
    CALLS,
    /** PTU utilization above 100 %. */
    UTILIZATION
  }

  /**
   * @return whether the request was admitted
   */
  public boolean admitted() {
    return limit == Limit.NONE;
  }
}
