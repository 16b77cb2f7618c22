package dev.spillway.simulator;

import java.time.Duration;

/**
 * Failures injected into one deployment, changeable at run time with {@link Simulator#setFaults} or
 * {@code POST /_sim/faults}. Refusing connections belongs to a whole resource (its port): see
 * {@link Simulator#refuseConnections(String)}.
 *
 * <p>Faults act on requests that were admitted by the quota (so they are charged, as Azure charges
 * failed requests). In order: the stall, then at most one of reset-before-headers or an error
 * status (drawn with their rates), else a normal answer that may be cut by a reset mid-stream.
 * Durations here are real (wall-clock) time, not simulated time. Draws come from the simulator's
 * seeded generator.
 *
 * <p>Immutable and thread-safe; the {@code with…} methods return copies.
 *
 * @param errorRate the share of requests answered with {@code errorStatus}, in [0, 1]
 * @param errorStatus the 5xx status of those answers (500, 502, 503, 504…)
 * @param errorRetryAfter a retry hint added to those answers ({@code Retry-After} in whole seconds
 *     rounded up and {@code retry-after-ms}), or {@link Duration#ZERO} for none
 * @param resetBeforeHeadersRate the share of requests answered with a TCP reset before any byte, in
 *     [0, 1]
 * @param resetMidStreamRate the share of requests whose answer is cut by a TCP reset after part of
 *     the body (a stream: after at least one content chunk), in [0, 1]
 * @param stall an extra delay before the response headers
 * @param latencyMultiplier a multiplier on the deployment's latencies, &gt; 0
 * @param limitFactor a temporary reduction of the quota, in (0, 1]: standard TPM (and the RPM
 *     derived from it) or PTU rate and capacity are multiplied by it; the reduced limit shows in
 *     {@code x-ratelimit-limit-tokens}
 */
public record Faults(
    double errorRate,
    int errorStatus,
    Duration errorRetryAfter,
    double resetBeforeHeadersRate,
    double resetMidStreamRate,
    Duration stall,
    double latencyMultiplier,
    double limitFactor) {

  /** No faults. */
  public static final Faults NONE = new Faults(0, 500, Duration.ZERO, 0, 0, Duration.ZERO, 1, 1);

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException naming the field, for rates outside [0, 1], a status outside
   *     [500, 599], null or negative durations, a non-positive multiplier or a factor outside (0,
   *     1]
   */
  public Faults {
    Args.requireRange("faults", "errorRate", errorRate, 0, 1);
    if (errorStatus < 500 || errorStatus > 599) {
      throw new IllegalArgumentException(
          "faults: errorStatus must be in [500, 599], was " + errorStatus);
    }
    Args.requireNonNegative("faults", "errorRetryAfter", errorRetryAfter);
    Args.requireRange("faults", "resetBeforeHeadersRate", resetBeforeHeadersRate, 0, 1);
    Args.requireRange("faults", "resetMidStreamRate", resetMidStreamRate, 0, 1);
    Args.requireNonNegative("faults", "stall", stall);
    Args.requirePositive("faults", "latencyMultiplier", latencyMultiplier);
    if (!(limitFactor > 0 && limitFactor <= 1)) {
      throw new IllegalArgumentException(
          "faults: limitFactor must be in (0, 1], was " + limitFactor);
    }
  }

  /**
   * Returns a copy that answers a share of requests with a 5xx status and no retry hint.
   *
   * @param rate the share, in [0, 1]
   * @param status the status, in [500, 599]
   * @return the copy
   * @throws IllegalArgumentException for values out of range
   */
  public Faults withErrors(double rate, int status) {
    return withErrors(rate, status, Duration.ZERO);
  }

  /**
   * Returns a copy that answers a share of requests with a 5xx status carrying a retry hint (e.g. a
   * 503 with {@code Retry-After}).
   *
   * @param rate the share, in [0, 1]
   * @param status the status, in [500, 599]
   * @param retryAfter the hint, or {@link Duration#ZERO} for none
   * @return the copy
   * @throws IllegalArgumentException for values out of range
   */
  public Faults withErrors(double rate, int status, Duration retryAfter) {
    return new Faults(
        rate,
        status,
        retryAfter,
        resetBeforeHeadersRate,
        resetMidStreamRate,
        stall,
        latencyMultiplier,
        limitFactor);
  }

  /**
   * Returns a copy that resets a share of connections before sending any header.
   *
   * @param rate the share, in [0, 1]
   * @return the copy
   * @throws IllegalArgumentException if out of range
   */
  public Faults withResetBeforeHeaders(double rate) {
    return new Faults(
        errorRate,
        errorStatus,
        errorRetryAfter,
        rate,
        resetMidStreamRate,
        stall,
        latencyMultiplier,
        limitFactor);
  }

  /**
   * Returns a copy that resets a share of connections in the middle of the body.
   *
   * @param rate the share, in [0, 1]
   * @return the copy
   * @throws IllegalArgumentException if out of range
   */
  public Faults withResetMidStream(double rate) {
    return new Faults(
        errorRate,
        errorStatus,
        errorRetryAfter,
        resetBeforeHeadersRate,
        rate,
        stall,
        latencyMultiplier,
        limitFactor);
  }

  /**
   * Returns a copy that stalls every request before its headers.
   *
   * @param stall the extra delay (real time)
   * @return the copy
   * @throws IllegalArgumentException if null or negative
   */
  public Faults withStall(Duration stall) {
    return new Faults(
        errorRate,
        errorStatus,
        errorRetryAfter,
        resetBeforeHeadersRate,
        resetMidStreamRate,
        stall,
        latencyMultiplier,
        limitFactor);
  }

  /**
   * Returns a copy with a latency multiplier (e.g. 10 for a slowdown).
   *
   * @param latencyMultiplier the multiplier, &gt; 0
   * @return the copy
   * @throws IllegalArgumentException if not positive
   */
  public Faults withLatencyMultiplier(double latencyMultiplier) {
    return new Faults(
        errorRate,
        errorStatus,
        errorRetryAfter,
        resetBeforeHeadersRate,
        resetMidStreamRate,
        stall,
        latencyMultiplier,
        limitFactor);
  }

  /**
   * Returns a copy whose quota is temporarily reduced to a fraction of the configured one.
   *
   * @param limitFactor the fraction, in (0, 1]
   * @return the copy
   * @throws IllegalArgumentException if out of range
   */
  public Faults withLimitFactor(double limitFactor) {
    return new Faults(
        errorRate,
        errorStatus,
        errorRetryAfter,
        resetBeforeHeadersRate,
        resetMidStreamRate,
        stall,
        latencyMultiplier,
        limitFactor);
  }
}
