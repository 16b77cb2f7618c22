package dev.spillway.examples;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import dev.spillway.Backend;
import dev.spillway.Deployment;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.simulator.Simulator;
import dev.spillway.simulator.SimulatorConfigs;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Where the examples send their calls: the Azure OpenAI resources named by the {@code AOAI_*}
 * environment variables when {@code AOAI_PTU_ENDPOINT} is set, else an embedded Spillway simulator
 * started here (a PTU resource {@code ptu-a} and a pay-as-you-go resource {@code paygo-1}), which
 * {@link #close()} stops. Either way it says on stdout which one it uses.
 *
 * <p>Variables: {@value #PTU_ENDPOINT}, {@value #PTU_KEY}, {@value #PTU_DEPLOYMENT} (default {@code
 * gpt-4o}), {@value #PAYGO_ENDPOINT}, {@value #PAYGO_KEY}, {@value #PAYGO_DEPLOYMENT} (default
 * {@code gpt-4o}). Not thread-safe; one per example run.
 */
public final class ExampleEnvironment implements AutoCloseable {
  /** Endpoint of the tier-0 (PTU) resource, such as {@code https://name.openai.azure.com}. */
  public static final String PTU_ENDPOINT = "AOAI_PTU_ENDPOINT";

  /** API key of the tier-0 resource. */
  public static final String PTU_KEY = "AOAI_PTU_KEY";

  /** Deployment of {@code gpt-4o} on the tier-0 resource. */
  public static final String PTU_DEPLOYMENT = "AOAI_PTU_DEPLOYMENT";

  /** Endpoint of the tier-1 (pay-as-you-go) resource. */
  public static final String PAYGO_ENDPOINT = "AOAI_PAYGO_ENDPOINT";

  /** API key of the tier-1 resource. */
  public static final String PAYGO_KEY = "AOAI_PAYGO_KEY";

  /** Deployment of {@code gpt-4o} on the tier-1 resource. */
  public static final String PAYGO_DEPLOYMENT = "AOAI_PAYGO_DEPLOYMENT";

  private final Map<String, String> variables;
  private final Simulator simulator;

  private ExampleEnvironment(Map<String, String> variables, Simulator simulator) {
    this.variables = variables;
    this.simulator = simulator;
  }

  /**
   * The real endpoints from the environment, or the embedded simulator when {@value #PTU_ENDPOINT}
   * is not set.
   *
   * @return the environment
   */
  public static ExampleEnvironment load() {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put(PTU_DEPLOYMENT, "gpt-4o");
    variables.put(PAYGO_DEPLOYMENT, "gpt-4o");
    if (System.getenv(PTU_ENDPOINT) != null) {
      System.getenv()
          .forEach(
              (name, value) -> {
                if (name.startsWith("AOAI_")) {
                  variables.put(name, value);
                }
              });
      System.out.println(
          "Calling the Azure OpenAI resources of " + PTU_ENDPOINT + " and " + PAYGO_ENDPOINT + ".");
      return new ExampleEnvironment(variables, null);
    }
    Simulator simulator = Simulator.start(SimulatorConfigs.benchmarkPool(42));
    variables.put(PTU_ENDPOINT, simulator.resource("ptu-a").baseUrl());
    variables.put(PTU_KEY, "key-ptu-a");
    variables.put(PAYGO_ENDPOINT, simulator.resource("paygo-1").baseUrl());
    variables.put(PAYGO_KEY, "key-paygo-1");
    System.out.println(
        PTU_ENDPOINT
            + " is not set: using the embedded Spillway simulator (ptu-a at "
            + variables.get(PTU_ENDPOINT)
            + ", paygo-1 at "
            + variables.get(PAYGO_ENDPOINT)
            + ").");
    return new ExampleEnvironment(variables, simulator);
  }

  /**
   * A variable's value.
   *
   * @param name such as {@value #PTU_KEY}
   * @return the value
   * @throws IllegalStateException if it is not set
   */
  public String get(String name) {
    String value = variables.get(name);
    if (value == null) {
      throw new IllegalStateException("set the environment variable " + name);
    }
    return value;
  }

  /**
   * @return every variable, for Spring's default properties
   */
  public Map<String, String> variables() {
    return Map.copyOf(variables);
  }

  /**
   * @return whether the calls go to the embedded simulator
   */
  public boolean simulated() {
    return simulator != null;
  }

  /**
   * SIMULATOR ONLY: a token credential whose bearer token is the simulated resource's API key,
   * which the simulator accepts in {@code Authorization: Bearer}. Real endpoints need a real Entra
   * ID token, from {@code DefaultAzureCredential}.
   *
   * @param apiKey the simulated resource's key
   * @return the credential
   */
  public static TokenCredential simulatorToken(String apiKey) {
    return request ->
        Mono.just(new AccessToken(apiKey, OffsetDateTime.now(ZoneOffset.UTC).plusHours(1)));
  }

  /**
   * The examples' pool: {@code sweden-ptu} (tier 0, PTU) and {@code eastus-paygo} (tier 1), both
   * serving the logical model {@code gpt-4o}, with the keys of this environment.
   *
   * @return a new pool; close it
   */
  public SpillwayPool pool() {
    return SpillwayPool.builder()
        .backend(
            Backend.builder("sweden-ptu")
                .endpoint(get(PTU_ENDPOINT))
                .tier(0)
                .deployment(Deployment.ptu("gpt-4o", get(PTU_DEPLOYMENT), 0))
                .build(),
            Credential.apiKey(get(PTU_KEY)))
        .backend(
            Backend.builder("eastus-paygo")
                .endpoint(get(PAYGO_ENDPOINT))
                .tier(1)
                .deployment("gpt-4o", get(PAYGO_DEPLOYMENT))
                .build(),
            Credential.apiKey(get(PAYGO_KEY)))
        .build();
  }

  /** Stops the embedded simulator, if one was started. */
  @Override
  public void close() {
    if (simulator != null) {
      simulator.close();
    }
  }
}
