package dev.spillway.simulator;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A whole simulator set-up: the resources, the time scale, the seed and the header style.
 *
 * <p>Time scale F: a simulated minute lasts {@code 60 / F} real seconds; latencies are divided by
 * F; every hint the simulator sends ({@code Retry-After}, {@code retry-after-ms}, {@code
 * x-ratelimit-reset-*}) is in real (scaled) time, whole-second headers rounded up as Azure does.
 *
 * <p>Immutable and thread-safe; the resource list is copied.
 *
 * @param resources the resources, with unique ids and unique non-zero ports
 * @param timeScale the time-scale factor F, in [0.001, 10000]
 * @param seed the seed of every random draw (texts, lengths, latencies, fault draws, ids)
 * @param retryAfterMs whether standard 429s also carry {@code retry-after-ms}; off by default
 *     because the real service's standard 429s do not (PTU 429s always carry it)
 * @param slidingWindow whether standard deployments count tokens (and requests per minute) over a
 *     rolling 60 s window of simulated time instead of fixed minutes; off by default. The variant
 *     guards against client pacing tuned to one counting model
 */
public record SimulatorConfig(
    List<ResourceConfig> resources,
    double timeScale,
    long seed,
    boolean retryAfterMs,
    boolean slidingWindow) {

  /** Default time scale: real time. */
  public static final double DEFAULT_TIME_SCALE = 1.0;

  /** Default seed. */
  public static final long DEFAULT_SEED = 42L;

  /**
   * Checks the values and copies the resource list.
   *
   * @throws IllegalArgumentException for no resources, duplicate ids or ports, or a time scale out
   *     of range
   */
  public SimulatorConfig {
    Args.requireNonNull("simulator", "resources", resources);
    resources = List.copyOf(resources);
    if (resources.isEmpty()) {
      throw new IllegalArgumentException("simulator: resources must not be empty");
    }
    Args.requireRange("simulator", "timeScale", timeScale, 0.001, 10_000);
    Set<String> ids = new HashSet<>();
    Set<Integer> ports = new HashSet<>();
    for (ResourceConfig resource : resources) {
      if (!ids.add(resource.id())) {
        throw new IllegalArgumentException(
            "simulator: resource ids must be unique, '" + resource.id() + "' appears twice");
      }
      if (resource.port() != 0 && !ports.add(resource.port())) {
        throw new IllegalArgumentException(
            "simulator: resource ports must be unique, " + resource.port() + " appears twice");
      }
    }
  }

  /**
   * A set-up with fixed per-minute windows.
   *
   * @param resources the resources, with unique ids and unique non-zero ports
   * @param timeScale the time-scale factor F, in [0.001, 10000]
   * @param seed the seed of every random draw
   * @param retryAfterMs whether standard 429s also carry {@code retry-after-ms}
   * @throws IllegalArgumentException for no resources, duplicate ids or ports, or a time scale out
   *     of range
   */
  public SimulatorConfig(
      List<ResourceConfig> resources, double timeScale, long seed, boolean retryAfterMs) {
    this(resources, timeScale, seed, retryAfterMs, false);
  }

  /**
   * A set-up in real time with the default seed and real-style headers.
   *
   * @param resources the resources
   * @return the configuration
   * @throws IllegalArgumentException for no resources or duplicate ids or ports
   */
  public static SimulatorConfig of(ResourceConfig... resources) {
    return new SimulatorConfig(List.of(resources), DEFAULT_TIME_SCALE, DEFAULT_SEED, false);
  }

  /**
   * Returns a copy with another time scale.
   *
   * @param timeScale the factor F
   * @return the copy
   * @throws IllegalArgumentException if out of range
   */
  public SimulatorConfig withTimeScale(double timeScale) {
    return new SimulatorConfig(resources, timeScale, seed, retryAfterMs, slidingWindow);
  }

  /**
   * Returns a copy with another seed.
   *
   * @param seed the seed
   * @return the copy
   */
  public SimulatorConfig withSeed(long seed) {
    return new SimulatorConfig(resources, timeScale, seed, retryAfterMs, slidingWindow);
  }

  /**
   * Returns a copy whose standard 429s do or do not carry {@code retry-after-ms}.
   *
   * @param retryAfterMs whether to add {@code retry-after-ms}
   * @return the copy
   */
  public SimulatorConfig withRetryAfterMs(boolean retryAfterMs) {
    return new SimulatorConfig(resources, timeScale, seed, retryAfterMs, slidingWindow);
  }

  /**
   * Returns a copy whose standard deployments count over a rolling 60 s window, or fixed minutes.
   *
   * @param slidingWindow whether to use the rolling window
   * @return the copy
   */
  public SimulatorConfig withSlidingWindow(boolean slidingWindow) {
    return new SimulatorConfig(resources, timeScale, seed, retryAfterMs, slidingWindow);
  }
}
