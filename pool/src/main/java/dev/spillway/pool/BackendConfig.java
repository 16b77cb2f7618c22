package dev.spillway.pool;

import dev.spillway.pool.internal.Endpoints;
import dev.spillway.pool.internal.VaultSecret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One backend in the configuration schema: {@code spillway.backends[]}.
 *
 * <p>YAML keys are the kebab-case component names ({@code id}, {@code endpoint}, {@code tier},
 * {@code weight}, {@code region}, {@code api-key}, {@code api-key-secret}, {@code
 * api-key-secret-refresh}, {@code credential}, {@code deployments}); {@code null} means the
 * default. A backend authenticates with exactly one of {@code api-key}, {@code api-key-secret} (an
 * Azure Key Vault secret holding the key, read with the pool's token credential and read again
 * every {@code api-key-secret-refresh}, default 5 min, and on a 401) and {@code credential: entra}
 * (Microsoft Entra ID: the pool's token credential, by default {@code DefaultAzureCredential}).
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows the API key as {@code ***}.
 *
 * @param id unique, human-readable id used in logs, metrics and snapshots
 * @param endpoint the resource endpoint, such as {@code https://name.openai.azure.com}
 * @param tier priority tier, 0 first ({@code null}: 0)
 * @param weight relative share inside the tier, greater than 0 ({@code null}: 1)
 * @param region optional region label
 * @param apiKey the API key, or {@code null} when another way is set
 * @param apiKeySecret the Key Vault secret holding the API key, {@code
 *     https://<vault>.vault.azure.net/secrets/<name>} (optionally {@code /<version>}), or {@code
 *     null} when another way is set
 * @param apiKeySecretRefresh how long a key read from {@code apiKeySecret} is used before the vault
 *     is read again ({@code null}: {@link Credential#DEFAULT_SECRET_REFRESH}); only with {@code
 *     apiKeySecret}
 * @param credential {@value #ENTRA} for Microsoft Entra ID, or {@code null} when another way is set
 * @param deployments the deployments (routes) of this backend, at least one
 */
public record BackendConfig(
    String id,
    String endpoint,
    Integer tier,
    Double weight,
    String region,
    String apiKey,
    String apiKeySecret,
    Duration apiKeySecretRefresh,
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
    boolean hasSecret = apiKeySecret != null && !apiKeySecret.isBlank();
    boolean hasCredential = credential != null && !credential.isBlank();
    List<String> set = new ArrayList<>();
    if (hasKey) {
      set.add("api-key");
    }
    if (hasSecret) {
      set.add("api-key-secret");
    }
    if (hasCredential) {
      set.add("credential");
    }
    if (set.size() != 1) {
      throw new InvalidPropertyException(
          set.isEmpty() ? "api-key" : set.get(set.size() - 1),
          "backend '"
              + id
              + "': set exactly one of api-key, api-key-secret and credential, "
              + (set.isEmpty() ? "none was set" : String.join(" and ", set) + " were set"));
    }
    if (hasSecret) {
      try {
        VaultSecret.parse(apiKeySecret);
      } catch (IllegalArgumentException e) {
        throw new InvalidPropertyException(
            "api-key-secret", "backend '" + id + "': " + e.getMessage());
      }
    }
    if (apiKeySecretRefresh != null) {
      if (!hasSecret) {
        throw new InvalidPropertyException(
            "api-key-secret-refresh",
            "backend '" + id + "': api-key-secret-refresh is set without api-key-secret");
      }
      try {
        VaultSecret.requirePositive(apiKeySecretRefresh);
      } catch (IllegalArgumentException e) {
        throw new InvalidPropertyException(
            "api-key-secret-refresh", "backend '" + id + "': " + e.getMessage());
      }
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

  /**
   * Whether this backend reads its API key from a Key Vault secret.
   *
   * @return {@code true} when {@code api-key-secret} is set
   */
  public boolean usesKeyVault() {
    return apiKeySecret != null && !apiKeySecret.isBlank();
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
        + ", apiKeySecret="
        + apiKeySecret
        + ", apiKeySecretRefresh="
        + apiKeySecretRefresh
        + ", credential="
        + credential
        + ", deployments="
        + deployments
        + "]";
  }
}
