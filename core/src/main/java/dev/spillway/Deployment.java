package dev.spillway;

import java.util.Objects;

/**
 * One deployment on a backend: the logical model callers ask for, the deployment name on that
 * resource, and optional capacity hints. A deployment on a backend is a <em>route</em>.
 *
 * <p>Immutable and thread-safe.
 *
 * @param model the logical model name callers use, such as {@code gpt-4o}
 * @param name the deployment name on the backend's resource
 * @param ptu whether this is a provisioned-throughput deployment (reports utilization instead of
 *     remaining tokens)
 * @param tpm tokens-per-minute capacity (for PTU: tokens drained per minute), or 0 when unknown
 * @param rpm requests-per-minute capacity, or 0 when unknown
 */
public record Deployment(String model, String name, boolean ptu, long tpm, long rpm) {

  /**
   * Validates the fields.
   *
   * <p>A {@code null} name (an unset environment variable, say) is accepted here and rejected by
   * the {@link Backend} it is added to, which names the backend and the deployment's index.
   *
   * @throws IllegalArgumentException if a name is blank or a capacity negative
   */
  public Deployment {
    requireName(model, "model");
    if (name != null) {
      requireName(name, "deployment");
    }
    if (tpm < 0) {
      throw new IllegalArgumentException("deployment '" + name + "': tpm must be >= 0, was " + tpm);
    }
    if (rpm < 0) {
      throw new IllegalArgumentException("deployment '" + name + "': rpm must be >= 0, was " + rpm);
    }
  }

  /**
   * A standard (pay-as-you-go) deployment with no capacity hints.
   *
   * @param model the logical model
   * @param name the deployment name
   * @return the deployment
   */
  public static Deployment of(String model, String name) {
    return new Deployment(model, name, false, 0, 0);
  }

  /**
   * A provisioned-throughput deployment.
   *
   * @param model the logical model
   * @param name the deployment name
   * @param tokensPerMinute tokens drained per minute, or 0 when unknown
   * @return the deployment
   */
  public static Deployment ptu(String model, String name, long tokensPerMinute) {
    return new Deployment(model, name, true, tokensPerMinute, 0);
  }

  /**
   * This deployment with a tokens-per-minute capacity hint.
   *
   * @param tokensPerMinute the capacity
   * @return a copy with {@code tpm} set
   */
  public Deployment withTpm(long tokensPerMinute) {
    return new Deployment(model, name, ptu, tokensPerMinute, rpm);
  }

  /**
   * This deployment with a requests-per-minute capacity hint.
   *
   * @param requestsPerMinute the capacity
   * @return a copy with {@code rpm} set
   */
  public Deployment withRpm(long requestsPerMinute) {
    return new Deployment(model, name, ptu, tpm, requestsPerMinute);
  }

  private static void requireName(String value, String field) {
    Objects.requireNonNull(value, () -> "'" + field + "' cannot be null.");
    if (value.isBlank()) {
      throw new IllegalArgumentException("'" + field + "' cannot be blank.");
    }
  }
}
