package dev.spillway.simulator;

import java.time.Duration;

/**
 * How long a deployment takes to answer, in simulated time: a log-normal time to first token plus a
 * fixed time per output token. The simulator divides these by the time scale and multiplies them by
 * the deployment's and the faults' latency multipliers.
 *
 * <p>A non-streamed answer is sent whole after {@code ttft + tokens × timePerOutputToken}; a stream
 * sends its headers and first chunk after {@code ttft} and one chunk per token after that.
 * Immutable and thread-safe.
 *
 * @param timeToFirstTokenMedian median time to first token; the draw is {@code median × exp(sigma ×
 *     Z)} with {@code Z} standard normal
 * @param timeToFirstTokenSigma sigma of the log-normal draw, in [0, 5]; 0 makes it constant
 * @param timePerOutputToken time per generated token
 */
public record LatencyModel(
    Duration timeToFirstTokenMedian, double timeToFirstTokenSigma, Duration timePerOutputToken) {

  /** No latency at all: answers are sent as soon as they are computed. */
  public static final LatencyModel NONE = new LatencyModel(Duration.ZERO, 0, Duration.ZERO);

  /**
   * A gpt-4o-like standard deployment: 400 ms median to first token, sigma 0.35, 15 ms per token
   * (about 65 tokens per second).
   */
  public static final LatencyModel DEFAULT =
      new LatencyModel(Duration.ofMillis(400), 0.35, Duration.ofMillis(15));

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if a duration is null or negative, or sigma is outside [0, 5]
   */
  public LatencyModel {
    Args.requireNonNegative("latency", "timeToFirstTokenMedian", timeToFirstTokenMedian);
    Args.requireRange("latency", "timeToFirstTokenSigma", timeToFirstTokenSigma, 0, 5);
    Args.requireNonNegative("latency", "timePerOutputToken", timePerOutputToken);
  }

  /**
   * Creates a latency model.
   *
   * @param timeToFirstTokenMedian median time to first token (simulated time)
   * @param sigma sigma of the log-normal draw, in [0, 5]
   * @param timePerOutputToken time per generated token (simulated time)
   * @return the model
   * @throws IllegalArgumentException if a duration is null or negative, or sigma is outside [0, 5]
   */
  public static LatencyModel of(
      Duration timeToFirstTokenMedian, double sigma, Duration timePerOutputToken) {
    return new LatencyModel(timeToFirstTokenMedian, sigma, timePerOutputToken);
  }

  /**
   * Returns a copy with another sigma.
   *
   * @param sigma sigma of the log-normal draw, in [0, 5]
   * @return the copy
   * @throws IllegalArgumentException if out of range
   */
  public LatencyModel withSigma(double sigma) {
    return new LatencyModel(timeToFirstTokenMedian, sigma, timePerOutputToken);
  }
}
