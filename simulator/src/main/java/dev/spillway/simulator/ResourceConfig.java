package dev.spillway.simulator;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One simulated Azure OpenAI resource: its own port on 127.0.0.1, its region label, its API key and
 * its deployments.
 *
 * <p>Immutable and thread-safe; the deployment list is copied. {@link #toString()} never shows the
 * key.
 *
 * @param id the resource id, used in stats and faults and printed at start-up
 * @param port the port to listen on, or 0 for an ephemeral one
 * @param region the region reported in {@code x-ms-region}
 * @param apiKey the secret expected in {@code api-key} or {@code Authorization: Bearer}
 * @param deployments the deployments, with unique names
 */
public record ResourceConfig(
    String id, int port, String region, String apiKey, List<DeploymentConfig> deployments) {

  /**
   * The region reported when none is configured, spelled as Azure spells it in {@code x-ms-region}.
   */
  public static final String DEFAULT_REGION = "East US";

  /**
   * Checks the values and copies the deployment list.
   *
   * @throws IllegalArgumentException naming the resource and field, for a blank id, region or key,
   *     a port outside [0, 65535], no deployments or duplicate deployment names
   */
  public ResourceConfig {
    Args.requireText(null, "resource id", id);
    String owner = Args.quoted("resource", id);
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(owner + ": port must be in [0, 65535], was " + port);
    }
    Args.requireText(owner, "region", region);
    Args.requireText(owner, "apiKey", apiKey);
    Args.requireNonNull(owner, "deployments", deployments);
    deployments = List.copyOf(deployments);
    if (deployments.isEmpty()) {
      throw new IllegalArgumentException(owner + ": deployments must not be empty");
    }
    Set<String> names = new HashSet<>();
    for (DeploymentConfig deployment : deployments) {
      if (!names.add(deployment.name())) {
        throw new IllegalArgumentException(
            owner + ": deployment names must be unique, '" + deployment.name() + "' appears twice");
      }
    }
  }

  /**
   * A resource on an ephemeral port in {@link #DEFAULT_REGION}.
   *
   * @param id the resource id
   * @param apiKey the API key
   * @param deployments the deployments
   * @return the configuration
   * @throws IllegalArgumentException for invalid values
   */
  public static ResourceConfig of(String id, String apiKey, DeploymentConfig... deployments) {
    return new ResourceConfig(id, 0, DEFAULT_REGION, apiKey, List.of(deployments));
  }

  /**
   * Returns a copy listening on another port.
   *
   * @param port the port, or 0 for an ephemeral one
   * @return the copy
   * @throws IllegalArgumentException if outside [0, 65535]
   */
  public ResourceConfig withPort(int port) {
    return new ResourceConfig(id, port, region, apiKey, deployments);
  }

  /**
   * Returns a copy in another region.
   *
   * @param region the region label
   * @return the copy
   * @throws IllegalArgumentException if blank
   */
  public ResourceConfig withRegion(String region) {
    return new ResourceConfig(id, port, region, apiKey, deployments);
  }

  /**
   * Finds a deployment by name.
   *
   * @param name the deployment name
   * @return the deployment, or empty
   */
  public Optional<DeploymentConfig> deployment(String name) {
    return deployments.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return "ResourceConfig[id="
        + id
        + ", port="
        + port
        + ", region="
        + region
        + ", apiKey=***, deployments="
        + deployments
        + "]";
  }
}
