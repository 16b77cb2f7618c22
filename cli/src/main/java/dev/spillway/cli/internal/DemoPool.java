package dev.spillway.cli.internal;

import dev.spillway.pool.BackendConfig;
import dev.spillway.pool.PoolConfig;
import dev.spillway.simulator.DeploymentConfig;
import dev.spillway.simulator.LatencyModel;
import dev.spillway.simulator.ResourceConfig;
import dev.spillway.simulator.Simulator;
import dev.spillway.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * The demo's pool and traffic: five simulated Azure OpenAI resources on loopback, two small PTU
 * deployments at tier 0 and three pay-as-you-go deployments at tier 1 (one a noisy neighbour with
 * slow, heavy-tailed latency), and chat traffic that fits the PTUs at first, overflows them in the
 * middle of the run and settles back. Thread-safe (stateless).
 */
final class DemoPool {
  /** The logical model every backend serves. */
  static final String MODEL = "gpt-4o";

  /** A quota minute lasts 3 s, so a short demo crosses many quota windows. */
  static final double TIME_SCALE = 20;

  /** Fixed, so two demos send the same calls and get the same answers. */
  static final long SEED = 42;

  /** Calls per second while the PTUs keep up: about 70 % of their capacity. */
  static final double BASE_RATE = 25;

  /**
   * Calls per second in the middle of the run: above the PTUs' capacity, so the overflow spills.
   */
  static final double PEAK_RATE = 50;

  /** Calls per second in the first second of the peak: a burst faster than any estimate adapts. */
  static final double BURST_RATE = 150;

  /** One call in this many is streamed. */
  static final int STREAM_EVERY = 4;

  private static final int PTU_A_TOKENS_PER_MINUTE = 6_000;
  private static final int PTU_B_TOKENS_PER_MINUTE = 4_000;
  private static final int PAYGO_TPM = 30_000;
  private static final int SMALL_PAYGO_TPM = 6_000;
  private static final int MIN_OUTPUT_TOKENS = 20;
  private static final int MIN_MAX_TOKENS = 60;
  private static final int MAX_MAX_TOKENS = 200;

  private static final List<String> PROMPTS =
      List.of(
          "Summarize the support ticket in two sentences.",
          "Translate the product description into French.",
          "Suggest three titles for a blog post about load balancing.",
          "Explain provisioned throughput in one paragraph.",
          "Classify the sentiment of this review: the delivery was late but the staff were kind.");

  private DemoPool() {}

  /**
   * The simulated resources, each on an ephemeral loopback port with the API key {@code key-<id>}.
   *
   * @return the simulator's configuration
   */
  static SimulatorConfig simulator() {
    LatencyModel ptu = LatencyModel.of(Duration.ofMillis(300), 0.1, Duration.ofMillis(12));
    LatencyModel noisy =
        LatencyModel.of(
            LatencyModel.DEFAULT.timeToFirstTokenMedian(),
            0.9,
            LatencyModel.DEFAULT.timePerOutputToken());
    return new SimulatorConfig(
        List.of(
            resource(
                "sweden-ptu-1",
                "Sweden Central",
                DeploymentConfig.ptu(MODEL, PTU_A_TOKENS_PER_MINUTE).withLatency(ptu)),
            resource(
                "sweden-ptu-2",
                "Sweden Central",
                DeploymentConfig.ptu(MODEL, PTU_B_TOKENS_PER_MINUTE)
                    .withLatency(ptu.withSigma(0.2))),
            resource("eastus-paygo", "East US", DeploymentConfig.standard(MODEL, PAYGO_TPM)),
            resource(
                "eastus2-paygo", "East US 2", DeploymentConfig.standard(MODEL, SMALL_PAYGO_TPM)),
            resource(
                "westus-paygo",
                "West US",
                DeploymentConfig.standard(MODEL, PAYGO_TPM)
                    .withLatency(noisy)
                    .withLatencyMultiplier(3))),
        TIME_SCALE,
        SEED,
        false);
  }

  /**
   * The pool over a running simulator: the PTU resources at tier 0, the others at tier 1.
   *
   * @param simulator the running simulator
   * @return the pool's configuration
   */
  static PoolConfig pool(Simulator simulator) {
    return PoolConfig.of(
        simulator.config().resources().stream()
            .map(
                resource -> {
                  boolean ptu = resource.deployments().get(0).ptu();
                  return new BackendConfig(
                      resource.id(),
                      simulator.resource(resource.id()).baseUrl(),
                      ptu ? 0 : 1,
                      null,
                      resource.region(),
                      resource.apiKey(),
                      null,
                      null,
                      null,
                      List.of(
                          new dev.spillway.pool.DeploymentConfig(
                              MODEL, MODEL, ptu, resource.deployments().get(0).tpm(), null)));
                })
            .toList());
  }

  /**
   * Calls per second at a point of the run: the base rate, the peak rate in the middle 40 %, which
   * opens with one second of burst.
   *
   * @param length the run's length
   * @return the rate at each second of the run
   */
  static DoubleUnaryOperator rate(Duration length) {
    double seconds = length.toNanos() / 1e9;
    double peakStart = 0.3 * seconds;
    double peakEnd = 0.7 * seconds;
    return elapsed -> {
      if (elapsed < peakStart || elapsed >= peakEnd) {
        return BASE_RATE;
      }
      return elapsed < peakStart + 1 ? BURST_RATE : PEAK_RATE;
    };
  }

  /**
   * The call with a given number: a prompt, a token limit and streaming drawn from a generator
   * seeded with the number.
   *
   * @param number the call number
   * @return the call
   */
  static LoadDriver.Call call(int number) {
    Random random = new Random(SEED * 1_000_003 + number);
    return new LoadDriver.Call(
        "You are a concise assistant.",
        PROMPTS.get(random.nextInt(PROMPTS.size())),
        MIN_MAX_TOKENS + random.nextInt(MAX_MAX_TOKENS - MIN_MAX_TOKENS + 1),
        number % STREAM_EVERY == 0);
  }

  private static ResourceConfig resource(String id, String region, DeploymentConfig deployment) {
    return new ResourceConfig(
        id, 0, region, "key-" + id, List.of(deployment.withMinOutputTokens(MIN_OUTPUT_TOKENS)));
  }
}
