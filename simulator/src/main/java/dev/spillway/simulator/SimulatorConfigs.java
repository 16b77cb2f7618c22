package dev.spillway.simulator;

import dev.spillway.simulator.internal.ConfigFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Ready-made set-ups and configuration files. Thread-safe (stateless). */
public final class SimulatorConfigs {

  /** The deployment name every benchmark-pool resource serves. */
  public static final String BENCHMARK_DEPLOYMENT = "gpt-4o";

  /** The benchmark's default time scale: a quota minute lasts 3 s (docs/benchmark.md §1). */
  public static final double BENCHMARK_TIME_SCALE = 20;

  /** The benchmark's fewest output tokens: answers are uniformly 50 to {@code max_tokens} long. */
  public static final int BENCHMARK_MIN_OUTPUT_TOKENS = 50;

  private SimulatorConfigs() {}

  /**
   * Two fast resources for examples and their tests: {@code ptu-a} (PTU, key {@code key-ptu-a}) and
   * {@code paygo-1} (standard, key {@code key-paygo-1}), each serving deployment {@code gpt-4o}
   * with room for every call (10M tokens per minute) and answering in about 2 ms plus nothing per
   * token. Fill the PTU with {@link Simulator#setUtilization} to see it throttle.
   *
   * @return the set-up
   */
  public static SimulatorConfig fastPair() {
    LatencyModel fast = LatencyModel.of(Duration.ofMillis(2), 0, Duration.ZERO);
    return SimulatorConfig.of(
        ResourceConfig.of(
            "ptu-a", "key-ptu-a", DeploymentConfig.ptu("gpt-4o", 10_000_000).withLatency(fast)),
        ResourceConfig.of(
            "paygo-1",
            "key-paygo-1",
            DeploymentConfig.standard("gpt-4o", 10_000_000).withLatency(fast)));
  }

  /**
   * The pool of docs/benchmark.md §1 at time scale {@value #BENCHMARK_TIME_SCALE}: {@code ptu-a}
   * (PTU draining 240k tokens/min, low jitter), {@code ptu-b} (PTU, 160k tokens/min), {@code
   * paygo-1} and {@code paygo-2} (standard, 120k TPM, 720 RPM) and {@code paygo-3} (standard, 120k
   * TPM, noisy neighbour: median latency ×3, heavy tail). Each resource serves deployment {@value
   * #BENCHMARK_DEPLOYMENT} (model gpt-4o-2024-08-06), listens on an ephemeral port and takes the
   * API key {@code key-<id>}.
   *
   * @param seed the seed
   * @return the set-up
   */
  public static SimulatorConfig benchmarkPool(long seed) {
    return benchmarkPool(seed, BENCHMARK_TIME_SCALE);
  }

  /**
   * The pool of {@link #benchmarkPool(long)} at another time scale.
   *
   * @param seed the seed
   * @param timeScale the factor F
   * @return the set-up
   * @throws IllegalArgumentException if the time scale is out of range
   */
  public static SimulatorConfig benchmarkPool(long seed, double timeScale) {
    LatencyModel ptuLatency = LatencyModel.of(Duration.ofMillis(300), 0.1, Duration.ofMillis(12));
    LatencyModel standard = LatencyModel.DEFAULT;
    LatencyModel heavyTail =
        LatencyModel.of(standard.timeToFirstTokenMedian(), 0.9, standard.timePerOutputToken());
    return new SimulatorConfig(
        List.of(
            resource(
                "ptu-a",
                "Sweden Central",
                DeploymentConfig.ptu(BENCHMARK_DEPLOYMENT, 240_000).withLatency(ptuLatency)),
            resource(
                "ptu-b",
                "Sweden Central",
                DeploymentConfig.ptu(BENCHMARK_DEPLOYMENT, 160_000)
                    .withLatency(ptuLatency.withSigma(0.2))),
            resource(
                "paygo-1", "East US", DeploymentConfig.standard(BENCHMARK_DEPLOYMENT, 120_000)),
            resource(
                "paygo-2", "East US 2", DeploymentConfig.standard(BENCHMARK_DEPLOYMENT, 120_000)),
            resource(
                "paygo-3",
                "West US",
                DeploymentConfig.standard(BENCHMARK_DEPLOYMENT, 120_000)
                    .withLatency(heavyTail)
                    .withLatencyMultiplier(3))),
        timeScale,
        seed,
        false);
  }

  private static ResourceConfig resource(String id, String region, DeploymentConfig deployment) {
    return new ResourceConfig(
        id,
        0,
        region,
        "key-" + id,
        List.of(deployment.withMinOutputTokens(BENCHMARK_MIN_OUTPUT_TOKENS)));
  }

  /**
   * Reads a set-up from a YAML file, or a JSON file when the name ends in {@code .json}. Keys are
   * kebab-case or camelCase; unknown keys are errors. See the module README for the schema.
   *
   * @param file the file
   * @return the set-up
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it cannot be parsed or has invalid values, naming the place
   */
  public static SimulatorConfig load(Path file) throws IOException {
    return ConfigFiles.load(file);
  }
}
