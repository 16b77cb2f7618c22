package dev.spillway;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One Azure OpenAI resource endpoint with its tier, weight and deployments. How it authenticates is
 * not the engine's business: SDK adapters keep each backend's credential, keyed by its id.
 *
 * <p>Tier 0 is used first (typically provisioned throughput); a higher tier gets traffic only while
 * every route of the tiers above is unavailable. Inside a tier, traffic is spread by latency and
 * load, in proportion to {@code weight}.
 *
 * <p>Immutable and thread-safe. Holds no secret.
 *
 * @param id unique, human-readable id used in logs, metrics and snapshots
 * @param endpoint the resource endpoint, such as {@code https://name.openai.azure.com}
 * @param tier priority tier, 0 first
 * @param weight relative share inside the tier, greater than 0
 * @param region optional region label, or {@code null}
 * @param deployments the deployments (routes) on this backend, at least one
 */
public record Backend(
    String id, URI endpoint, int tier, double weight, String region, List<Deployment> deployments) {

  /** Weight of a backend that does not set one. */
  public static final double DEFAULT_WEIGHT = 1.0;

  /**
   * Validates the fields and copies the deployments.
   *
   * @throws IllegalArgumentException naming the backend and field when a value is invalid
   */
  public Backend {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("backend id cannot be null or blank.");
    }
    if (endpoint == null) {
      throw new IllegalArgumentException("backend '" + id + "': endpoint cannot be null.");
    }
    String scheme = endpoint.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))
        || endpoint.getHost() == null) {
      throw new IllegalArgumentException(
          "backend '" + id + "': endpoint must be an absolute http(s) URL, was '" + endpoint + "'");
    }
    if (tier < 0) {
      throw new IllegalArgumentException("backend '" + id + "': tier must be >= 0, was " + tier);
    }
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("backend '" + id + "': weight must be > 0, was " + weight);
    }
    if (deployments == null || deployments.isEmpty()) {
      throw new IllegalArgumentException(
          "backend '" + id + "': deployments must list at least one deployment.");
    }
    deployments = List.copyOf(deployments);
    for (int i = 0; i < deployments.size(); i++) {
      if (deployments.get(i).name() == null) {
        throw new IllegalArgumentException(
            "backend '" + id + "': deployments[" + i + "].deployment is required");
      }
    }
    List<String> models = new ArrayList<>();
    for (int i = 0; i < deployments.size(); i++) {
      Deployment deployment = deployments.get(i);
      String problem = pathSegmentProblem(deployment.name());
      if (problem != null) {
        throw new IllegalArgumentException(
            "backend '"
                + id
                + "': deployments["
                + i
                + "].name '"
                + printable(deployment.name())
                + "' (model '"
                + deployment.model()
                + "') "
                + problem);
      }
      if (models.contains(deployment.model())) {
        throw new IllegalArgumentException(
            "backend '" + id + "': model '" + deployment.model() + "' is mapped twice.");
      }
      models.add(deployment.model());
    }
  }

  /**
   * Why {@code name} cannot be a deployment name, or {@code null} when it can. A deployment name
   * becomes one path segment of {@code /openai/deployments/{name}/…}: {@code .} and {@code ..} are
   * dot segments that RFC 3986 §5.2.4 removes (a proxy that normalises paths would send the call
   * elsewhere), and {@code /}, {@code \}, {@code ?}, {@code #}, {@code %} and control characters
   * end, escape or split a segment. Azure's own rule (letters, digits, {@code -}, {@code _} and
   * {@code .}, at most 64 characters) is narrower; names allowed here but not by Azure are encoded
   * as one segment and the service answers 404.
   */
  private static String pathSegmentProblem(String name) {
    if (name.equals(".") || name.equals("..")) {
      return "is a dot segment (RFC 3986 section 5.2.4), which paths normalise away";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == '\\' || c == '?' || c == '#' || c == '%') {
        return "contains '" + c + "', which cannot be part of one URL path segment";
      }
      if (Character.isISOControl(c)) {
        return "contains control character U+" + String.format(Locale.ROOT, "%04X", (int) c);
      }
    }
    return null;
  }

  private static String printable(String name) {
    StringBuilder s = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      s.append(Character.isISOControl(c) ? '?' : c);
    }
    return s.toString();
  }

  /**
   * Starts a backend.
   *
   * @param id the backend id
   * @return a builder
   */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /**
   * The deployment serving {@code model} on this backend.
   *
   * @param model the logical model
   * @return the deployment, or {@code null} when this backend does not serve the model
   */
  public Deployment deploymentFor(String model) {
    for (Deployment deployment : deployments) {
      if (deployment.model().equals(model)) {
        return deployment;
      }
    }
    return null;
  }

  /** Builds a {@link Backend}. Not thread-safe. */
  public static final class Builder {
    private final String id;
    private URI endpoint;
    private int tier;
    private double weight = DEFAULT_WEIGHT;
    private String region;
    private final List<Deployment> deployments = new ArrayList<>();

    private Builder(String id) {
      this.id = id;
    }

    /**
     * Sets the endpoint.
     *
     * @param endpoint such as {@code https://name.openai.azure.com}
     * @return this builder
     */
    public Builder endpoint(String endpoint) {
      Objects.requireNonNull(endpoint, () -> "backend '" + id + "': endpoint is required");
      try {
        this.endpoint = URI.create(endpoint);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "backend '" + id + "': endpoint is not a valid URL: '" + endpoint + "'", e);
      }
      return this;
    }

    /**
     * Sets the endpoint.
     *
     * @param endpoint the endpoint
     * @return this builder
     */
    public Builder endpoint(URI endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /**
     * Sets the tier (0 first, the default).
     *
     * @param tier the tier
     * @return this builder
     */
    public Builder tier(int tier) {
      this.tier = tier;
      return this;
    }

    /**
     * Sets the weight inside the tier (default 1).
     *
     * @param weight the weight
     * @return this builder
     */
    public Builder weight(double weight) {
      this.weight = weight;
      return this;
    }

    /**
     * Sets a region label.
     *
     * @param region the region, or {@code null}
     * @return this builder
     */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /**
     * Adds a deployment.
     *
     * @param deployment the deployment
     * @return this builder
     */
    public Builder deployment(Deployment deployment) {
      deployments.add(Objects.requireNonNull(deployment, "'deployment' cannot be null."));
      return this;
    }

    /**
     * Adds a standard deployment mapping {@code model} to {@code deploymentName}.
     *
     * @param model the logical model
     * @param deploymentName the deployment on this resource
     * @return this builder
     */
    public Builder deployment(String model, String deploymentName) {
      return deployment(Deployment.of(model, deploymentName));
    }

    /**
     * Builds the backend.
     *
     * @return the backend
     * @throws IllegalArgumentException naming the backend and field when a value is invalid
     */
    public Backend build() {
      return new Backend(id, endpoint, tier, weight, region, deployments);
    }
  }
}
