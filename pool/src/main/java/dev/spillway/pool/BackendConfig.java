package dev.spillway.pool;

import dev.spillway.pool.internal.Endpoints;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One backend in the configuration schema: {@code spillway.backends[]}.
 *
 * <p>YAML keys are the kebab-case component names ({@code id}, {@code endpoint}, {@code tier},
 * {@code weight}, {@code region}, {@code api-key}, {@code credential}, {@code deployments}); {@code
 * null} means the default. A backend authenticates with exactly one of {@code api-key} and {@code
 * credential: entra} (Microsoft Entra ID: the pool's token credential, by default {@code
 * DefaultAzureCredential}).
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows the API key as {@code ***}.
 *
 * @param id unique, human-readable id used in logs, metrics and snapshots
 * @param endpoint the resource endpoint, such as {@code https://name.openai.azure.com}
 * @param tier priority tier, 0 first ({@code null}: 0)
 * @param weight relative share inside the tier, greater than 0 ({@code null}: 1)
 * @param region optional region label
 * @param apiKey the API key, or {@code null} when {@code credential} is set
 * @param credential {@value #ENTRA} for Microsoft Entra ID, or {@code null} when {@code apiKey} is
 *     set
 * @param deployments the deployments (routes) of this backend, at least one
 */
public record BackendConfig(
    String id,
    String endpoint,
    Integer tier,
    Double weight,
    String region,
    String apiKey,
    String credential,
    List<DeploymentConfig> deployments) {

  /** The value of {@code credential} that selects Microsoft Entra ID authentication. */
  public static final String ENTRA = "entra";

  /**
   * Validates the fields and copies the deployments.
   *
   * @throws InvalidPropertyException naming the backend and field when a value is invalid
   */
  public BackendConfig {
    if (id == null || id.isBlank()) {
      throw new InvalidPropertyException("id", "backend id cannot be null or blank.");
    }
    try {
      Endpoints.parse(id, endpoint);
    } catch (IllegalArgumentException e) {
      throw new InvalidPropertyException("endpoint", e.getMessage());
    }
    if (tier != null && tier < 0) {
      throw new InvalidPropertyException(
          "tier", "backend '" + id + "': tier must be >= 0, was " + tier);
    }
    if (weight != null && (!(weight > 0) || weight.isInfinite())) {
      throw new InvalidPropertyException(
          "weight", "backend '" + id + "': weight must be > 0, was " + weight);
    }
    boolean hasKey = apiKey != null && !apiKey.isBlank();
    boolean hasCredential = credential != null && !credential.isBlank();
    if (hasKey == hasCredential) {
      throw new InvalidPropertyException(
          hasKey ? "credential" : "api-key",
          "backend '"
              + id
              + "': set exactly one of api-key and"
              + " credential, "
              + (hasKey ? "both were set" : "neither was set"));
    }
    if (hasCredential && !ENTRA.equals(credential.toLowerCase(Locale.ROOT))) {
      throw new InvalidPropertyException(
          "credential",
          "backend '" + id + "': credential must be '" + ENTRA + "', was '" + credential + "'");
    }
    if (deployments == null || deployments.isEmpty()) {
      throw new InvalidPropertyException(
          "deployments", "backend '" + id + "': deployments must list at least one deployment.");
    }
    deployments = List.copyOf(deployments);
    Set<String> models = new HashSet<>();
    for (int i = 0; i < deployments.size(); i++) {
      DeploymentConfig deployment = deployments.get(i);
      requireField(id, i, "model", deployment.model());
      requireField(id, i, "deployment", deployment.deployment());
      if (!models.add(deployment.model())) {
        throw new InvalidPropertyException(
            "deployments[" + i + "].model",
            "backend '" + id + "': model '" + deployment.model() + "' is mapped twice.");
      }
    }
  }

  private static void requireField(String id, int index, String field, String value) {
    if (value == null || value.isBlank()) {
      String property = "deployments[" + index + "]." + field;
      throw new InvalidPropertyException(
          property, "backend '" + id + "': " + property + " is required");
    }
  }

  /**
   * Whether this backend authenticates with Microsoft Entra ID.
   *
   * @return {@code true} for {@code credential: entra}
   */
  public boolean usesEntra() {
    return credential != null && !credential.isBlank();
  }

  /** Shows every field except the API key, which appears as {@code ***}. */
  @Override
  public String toString() {
    return "BackendConfig[id="
        + id
        + ", endpoint="
        + endpoint
        + ", tier="
        + tier
        + ", weight="
        + weight
        + ", region="
        + region
        + ", apiKey="
        + (apiKey == null ? null : "***")
        + ", credential="
        + credential
        + ", deployments="
        + deployments
        + "]";
  }
}
