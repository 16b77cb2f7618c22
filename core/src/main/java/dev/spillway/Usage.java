package dev.spillway;

/**
 * Tokens one call consumed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param inputTokens prompt tokens
 * @param outputTokens completion tokens
 * @param estimated {@code true} when the server did not report usage and these figures are
 *     Spillway's estimate (a stream without a usage chunk, a cancelled call)
 */
public record Usage(long inputTokens, long outputTokens, boolean estimated) {

  /**
   * Validates the counts.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public Usage {
    if (inputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must be >= 0, were " + inputTokens + " and " + outputTokens);
    }
  }

  /**
   * Usage the server reported.
   *
   * @param inputTokens prompt tokens
   * @param outputTokens completion tokens
   * @return the usage
   */
  public static Usage reported(long inputTokens, long outputTokens) {
    return new Usage(inputTokens, outputTokens, false);
  }

  /**
   * Usage Spillway estimated.
   *
   * @param inputTokens prompt tokens
   * @param outputTokens completion tokens
   * @return the usage
   */
  public static Usage estimated(long inputTokens, long outputTokens) {
    return new Usage(inputTokens, outputTokens, true);
  }

  /**
   * Input plus output tokens.
   *
   * @return the total
   */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }
}
