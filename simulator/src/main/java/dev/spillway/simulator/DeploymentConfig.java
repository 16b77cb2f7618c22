package dev.spillway.simulator;

/**
 * One model deployment on a simulated resource: a standard (pay-as-you-go) deployment with a
 * tokens-per-minute quota, or a provisioned (PTU) deployment that drains a leaky bucket at a
 * provisioned rate.
 *
 * <p>Standard: every request costs prompt tokens + {@code max_tokens} against a per-minute token
 * counter at admission, and the request rate is limited to {@code tpm × 6 / 1000} per minute,
 * enforced over 1 s and 10 s windows. PTU: every request adds prompt tokens + {@code max_tokens} to
 * a bucket of {@code tpm} tokens (100 % utilization) that drains at {@code tpm} per minute; the
 * charge is corrected to the actual cost when the request completes; above 100 % requests are
 * answered 429. All in simulated time.
 *
 * <p>Immutable and thread-safe; the {@code with…} methods return copies.
 *
 * @param name the deployment name in the URL ({@code /openai/deployments/{name}/…})
 * @param model the model name reported in responses; it also picks the tokenizer ({@code
 *     o200k_base} for the gpt-4o, gpt-4.1, gpt-5 and o-series families, {@code cl100k_base}
 *     otherwise)
 * @param ptu whether this is a provisioned (PTU) deployment
 * @param tpm standard: the tokens-per-minute quota; PTU: the provisioned drain rate in tokens per
 *     minute
 * @param latency the latency model
 * @param latencyMultiplier a multiplier on every latency of this deployment (e.g. 3 for a noisy
 *     neighbour)
 * @param minOutputTokens the fewest tokens an answer has (capped by the request's {@code
 *     max_tokens}); answers are uniformly long between this and {@code max_tokens}
 */
public record DeploymentConfig(
    String name,
    String model,
    boolean ptu,
    long tpm,
    LatencyModel latency,
    double latencyMultiplier,
    int minOutputTokens) {

  /** The model reported when none is configured, as in the recorded gpt-4o answers. */
  public static final String DEFAULT_MODEL = "gpt-4o-2024-08-06";

  /** Default fewest output tokens: 1, so lengths cover [1, {@code max_tokens}]. */
  public static final int DEFAULT_MIN_OUTPUT_TOKENS = 1;

  /**
   * The {@code max_tokens} assumed when a request sets neither {@code max_tokens} nor {@code
   * max_completion_tokens}: it is both the admission charge and the longest answer. 256 keeps
   * answers short; Azure does not document its own estimate.
   */
  public static final int DEFAULT_MAX_TOKENS = 256;

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException naming the deployment and field, for a blank name or model, a
   *     non-positive {@code tpm} or multiplier, a null latency model or a negative minimum
   */
  public DeploymentConfig {
    Args.requireText(null, "deployment name", name);
    String owner = Args.quoted("deployment", name);
    Args.requireText(owner, "model", model);
    Args.requirePositive(owner, "tpm", tpm);
    Args.requireNonNull(owner, "latency", latency);
    Args.requirePositive(owner, "latencyMultiplier", latencyMultiplier);
    if (minOutputTokens < 0) {
      throw new IllegalArgumentException(
          owner + ": minOutputTokens must be >= 0, was " + minOutputTokens);
    }
  }

  /**
   * A standard deployment with the default model, {@link LatencyModel#DEFAULT} latency and
   * multiplier 1.
   *
   * @param name the deployment name
   * @param tpm the tokens-per-minute quota
   * @return the configuration
   * @throws IllegalArgumentException for a blank name or non-positive {@code tpm}
   */
  public static DeploymentConfig standard(String name, long tpm) {
    return new DeploymentConfig(
        name, DEFAULT_MODEL, false, tpm, LatencyModel.DEFAULT, 1.0, DEFAULT_MIN_OUTPUT_TOKENS);
  }

  /**
   * A provisioned (PTU) deployment with the default model, {@link LatencyModel#DEFAULT} latency and
   * multiplier 1.
   *
   * @param name the deployment name
   * @param tokensPerMinute the provisioned drain rate
   * @return the configuration
   * @throws IllegalArgumentException for a blank name or non-positive rate
   */
  public static DeploymentConfig ptu(String name, long tokensPerMinute) {
    return new DeploymentConfig(
        name,
        DEFAULT_MODEL,
        true,
        tokensPerMinute,
        LatencyModel.DEFAULT,
        1.0,
        DEFAULT_MIN_OUTPUT_TOKENS);
  }

  /**
   * Returns a copy with another reported model.
   *
   * @param model the model name
   * @return the copy
   * @throws IllegalArgumentException if blank
   */
  public DeploymentConfig withModel(String model) {
    return new DeploymentConfig(name, model, ptu, tpm, latency, latencyMultiplier, minOutputTokens);
  }

  /**
   * Returns a copy with another latency model.
   *
   * @param latency the latency model
   * @return the copy
   * @throws IllegalArgumentException if null
   */
  public DeploymentConfig withLatency(LatencyModel latency) {
    return new DeploymentConfig(name, model, ptu, tpm, latency, latencyMultiplier, minOutputTokens);
  }

  /**
   * Returns a copy with another latency multiplier.
   *
   * @param latencyMultiplier the multiplier, &gt; 0
   * @return the copy
   * @throws IllegalArgumentException if not positive
   */
  public DeploymentConfig withLatencyMultiplier(double latencyMultiplier) {
    return new DeploymentConfig(name, model, ptu, tpm, latency, latencyMultiplier, minOutputTokens);
  }

  /**
   * Returns a copy with another minimum answer length.
   *
   * @param minOutputTokens the fewest output tokens, &gt;= 0
   * @return the copy
   * @throws IllegalArgumentException if negative
   */
  public DeploymentConfig withMinOutputTokens(int minOutputTokens) {
    return new DeploymentConfig(name, model, ptu, tpm, latency, latencyMultiplier, minOutputTokens);
  }

  /**
   * The request-per-minute limit of a standard deployment: {@code tpm × 6 / 1000}, at least 1.
   *
   * @return the RPM limit (also computed, but unused, for PTU deployments)
   */
  public long rpm() {
    return Math.max(1, tpm * 6 / 1000);
  }
}
