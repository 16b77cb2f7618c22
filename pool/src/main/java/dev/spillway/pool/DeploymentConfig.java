package dev.spillway.pool;

/**
 * One deployment of a backend in the configuration schema: {@code
 * spillway.backends[].deployments[]}.
 *
 * <p>YAML keys are the kebab-case component names ({@code model}, {@code deployment}, {@code ptu},
 * {@code tpm}, {@code rpm}); {@code null} means the default. Immutable and thread-safe.
 *
 * @param model the logical model callers ask for, such as {@code gpt-4o}
 * @param deployment the deployment name on the backend's resource
 * @param ptu whether the deployment is provisioned throughput ({@code null}: {@code false})
 * @param tpm optional tokens-per-minute capacity hint ({@code null}: unknown)
 * @param rpm optional requests-per-minute capacity hint ({@code null}: unknown)
 */
public record DeploymentConfig(String model, String deployment, Boolean ptu, Long tpm, Long rpm) {

  /**
   * Validates the fields.
   *
   * <p>A missing {@code model} or {@code deployment} is rejected by the {@link BackendConfig} that
   * lists it, which names the backend and the deployment's index.
   *
   * @throws InvalidPropertyException naming the deployment and field when a value is invalid
   */
  public DeploymentConfig {
    if (tpm != null && tpm < 0) {
      throw new InvalidPropertyException(
          "tpm", "deployment '" + deployment + "': tpm must be >= 0, was " + tpm);
    }
    if (rpm != null && rpm < 0) {
      throw new InvalidPropertyException(
          "rpm", "deployment '" + deployment + "': rpm must be >= 0, was " + rpm);
    }
  }

  /**
   * A standard deployment without capacity hints.
   *
   * @param model the logical model
   * @param deployment the deployment name
   * @return the configuration
   */
  public static DeploymentConfig of(String model, String deployment) {
    return new DeploymentConfig(model, deployment, null, null, null);
  }
}
