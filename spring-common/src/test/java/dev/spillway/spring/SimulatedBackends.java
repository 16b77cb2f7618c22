package dev.spillway.spring;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import dev.spillway.simulator.DeploymentConfig;
import dev.spillway.simulator.LatencyModel;
import dev.spillway.simulator.ResourceConfig;
import dev.spillway.simulator.Simulator;
import dev.spillway.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Simulated Azure OpenAI resources for the starter's tests, and the {@code spillway.*} properties
 * that point a pool at them: resource {@code i} becomes backend {@code i} at tier {@code i},
 * serving model {@value #MODEL} with deployment {@value #MODEL}.
 */
public final class SimulatedBackends implements AutoCloseable {
  /** The model (and deployment name) every resource serves. */
  public static final String MODEL = "gpt-4o";

  /** Ample quota: calls are never throttled. */
  public static final long LARGE_TPM = 10_000_000;

  /** A quota smaller than one call of {@value #OVERSIZED_MAX_TOKENS} max tokens: a 429. */
  public static final long SMALL_TPM = 1_000;

  /** Max tokens of a call that a {@link #SMALL_TPM} resource always throttles. */
  public static final int OVERSIZED_MAX_TOKENS = 2_000;

  private static final LatencyModel FAST = LatencyModel.of(Duration.ofMillis(2), 0, Duration.ZERO);

  private final Simulator simulator;
  private final List<String> ids;
  private final String keyPrefix;

  private SimulatedBackends(Simulator simulator, List<String> ids, String keyPrefix) {
    this.simulator = simulator;
    this.ids = ids;
    this.keyPrefix = keyPrefix;
  }

  /**
   * Starts one standard resource per {@code tpm}, named {@code sim-0}, {@code sim-1}…, each with
   * the API key {@code key-sim-<i>}.
   *
   * @param tpm each resource's tokens-per-minute quota
   * @return the running resources
   */
  public static SimulatedBackends start(long... tpm) {
    return startWithKeyPrefix("key-", tpm);
  }

  /**
   * Starts one standard resource per {@code tpm}, named {@code sim-0}, {@code sim-1}…, each with
   * the API key {@code <keyPrefix>sim-<i>}.
   *
   * @param keyPrefix starts every API key
   * @param tpm each resource's tokens-per-minute quota
   * @return the running resources
   */
  public static SimulatedBackends startWithKeyPrefix(String keyPrefix, long... tpm) {
    List<ResourceConfig> resources = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < tpm.length; i++) {
      String id = "sim-" + i;
      ids.add(id);
      resources.add(
          ResourceConfig.of(
              id,
              keyPrefix + id,
              DeploymentConfig.standard(MODEL, tpm[i]).withLatency(FAST).withMinOutputTokens(1)));
    }
    return new SimulatedBackends(
        Simulator.start(new SimulatorConfig(resources, 1, 42, false)), List.copyOf(ids), keyPrefix);
  }

  /**
   * @return the simulator, for faults and connection refusals
   */
  public Simulator simulator() {
    return simulator;
  }

  /**
   * @return the backend (= resource) ids, in order
   */
  public List<String> ids() {
    return ids;
  }

  /**
   * Properties for a pool over every resource, each with its right key.
   *
   * @return {@code key=value} pairs
   */
  public String[] properties() {
    List<String> properties = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      properties.addAll(backend(i, "api-key=" + key(i)));
    }
    return properties.toArray(String[]::new);
  }

  /**
   * The API key of resource {@code i}.
   *
   * @param i the resource index
   * @return the key
   */
  public String key(int i) {
    return keyPrefix + ids.get(i);
  }

  /**
   * Properties of backend {@code i} with the given authentication property.
   *
   * @param i the resource index
   * @param auth such as {@code api-key=wrong} or {@code credential=entra}
   * @return {@code key=value} pairs
   */
  public List<String> backend(int i, String auth) {
    String prefix = "spillway.backends[" + i + "].";
    return List.of(
        prefix + "id=" + ids.get(i),
        prefix + "endpoint=" + simulator.resource(ids.get(i)).baseUrl(),
        prefix + "tier=" + i,
        prefix + auth,
        prefix + "deployments[0].model=" + MODEL,
        prefix + "deployments[0].deployment=" + MODEL);
  }

  /**
   * One chat call of {@code maxTokens} through {@code client}.
   *
   * @param client the client
   * @param maxTokens max tokens
   * @return the answer
   */
  public static ChatCompletions chat(OpenAIClient client, int maxTokens) {
    return client.getChatCompletions(MODEL, options(maxTokens));
  }

  /**
   * Chat options with one user message.
   *
   * @param maxTokens max tokens
   * @return the options
   */
  public static ChatCompletionsOptions options(int maxTokens) {
    return new ChatCompletionsOptions(List.of(new ChatRequestUserMessage("Say hello.")))
        .setMaxTokens(maxTokens);
  }

  @Override
  public void close() {
    simulator.close();
  }
}
