package dev.spillway.simulator;

import dev.spillway.simulator.internal.ResourceServer;
import dev.spillway.simulator.internal.SimulatorCore;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A running simulator: one Azure OpenAI-compatible HTTP server per configured resource on
 * 127.0.0.1, with Azure's quota behaviour, seeded answers, paced streams and injectable faults.
 *
 * <pre>{@code
 * try (Simulator simulator = Simulator.start(SimulatorConfigs.benchmarkPool(42))) {
 *     String endpoint = simulator.resource("ptu-a").baseUrl();
 *     simulator.setFaults("paygo-1", "gpt-4o", Faults.NONE.withLatencyMultiplier(10));
 *     simulator.refuseConnections("ptu-a");
 *     SimulatorStats stats = simulator.stats();
 * }
 * }</pre>
 *
 * <p>Thread-safe. It runs two daemon event-loop threads named {@code spillway-sim-…}; {@link
 * #close()} stops them. The blocking methods ({@link Builder#start()}, {@link #refuseConnections},
 * {@link #acceptConnections}, {@link #close()}) throw {@link IllegalStateException} when
 * interrupted, with the interrupt flag set again.
 */
public final class Simulator implements AutoCloseable {
  private final SimulatorCore core;
  private final List<SimulatedResource> resources;

  private Simulator(SimulatorCore core) {
    this.core = core;
    this.resources = core.resources().stream().map(SimulatedResource::new).toList();
  }

  /**
   * Starts a simulator with the system clocks.
   *
   * @param config the set-up
   * @return the running simulator
   * @throws IllegalArgumentException if {@code config} is null
   * @throws IllegalStateException if a port cannot be bound
   */
  public static Simulator start(SimulatorConfig config) {
    return builder().config(config).start();
  }

  /**
   * @return a builder, for injecting clocks
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the set-up it runs
   */
  public SimulatorConfig config() {
    return core.config();
  }

  /**
   * @return the running resources, in configuration order
   */
  public List<SimulatedResource> resources() {
    return resources;
  }

  /**
   * Finds a running resource.
   *
   * @param id the resource id
   * @return the resource
   * @throws IllegalArgumentException if there is none
   */
  public SimulatedResource resource(String id) {
    ResourceServer server = core.resource(id);
    return resources.stream()
        .filter(r -> r.id().equals(server.config().id()))
        .findFirst()
        .orElseThrow();
  }

  /**
   * The faults in force on a deployment.
   *
   * @param resource the resource id
   * @param deployment the deployment name
   * @return the faults ({@link Faults#NONE} unless set)
   * @throws IllegalArgumentException if there is no such deployment
   */
  public Faults faults(String resource, String deployment) {
    return core.deployment(resource, deployment).faults();
  }

  /**
   * Replaces the faults of a deployment; they apply to requests that arrive from now on.
   *
   * @param resource the resource id
   * @param deployment the deployment name
   * @param faults the faults; {@link Faults#NONE} clears them
   * @throws IllegalArgumentException if there is no such deployment or {@code faults} is null
   */
  public void setFaults(String resource, String deployment, Faults faults) {
    Args.requireNonNull(null, "faults", faults);
    core.deployment(resource, deployment).faults(faults);
  }

  /**
   * Reads a PTU deployment's utilization: its bucket level ÷ one minute of its drain rate (1.0 is
   * 100 %, above which it refuses requests).
   *
   * @param resource the resource id
   * @param deployment the deployment name
   * @return the utilization now
   * @throws IllegalArgumentException if there is no such deployment, or it is standard
   */
  public double utilization(String resource, String deployment) {
    return core.deployment(resource, deployment).utilization();
  }

  /**
   * Sets a PTU deployment's utilization, as if that much admitted work were in its bucket; it
   * drains at the provisioned rate from now on. Lets a measurement start at the steady state of a
   * saturated deployment (about 1.0) instead of filling the bucket with a warm-up first.
   *
   * @param resource the resource id
   * @param deployment the deployment name
   * @param utilization bucket level ÷ capacity, in [0, 10]
   * @throws IllegalArgumentException if there is no such deployment, it is standard, or the value
   *     is out of range
   */
  public void setUtilization(String resource, String deployment, double utilization) {
    core.deployment(resource, deployment).utilization(utilization);
  }

  /**
   * Stops a resource accepting connections: its server socket is closed, so connecting is refused,
   * and its open connections are closed. {@link #acceptConnections(String)} reopens it on the same
   * port.
   *
   * @param resource the resource id
   * @throws IllegalArgumentException if there is no such resource
   */
  public void refuseConnections(String resource) {
    ResourceServer server = core.resource(resource);
    try {
      server.refuse();
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
  }

  /**
   * Makes a resource accept connections again, on the same port.
   *
   * @param resource the resource id
   * @throws IllegalArgumentException if there is no such resource
   * @throws IllegalStateException if the port was taken meanwhile
   */
  public void acceptConnections(String resource) {
    ResourceServer server = core.resource(resource);
    try {
      server.bind();
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
  }

  /**
   * @return every deployment's books since the start or the last {@link #resetStats()}
   */
  public SimulatorStats stats() {
    return core.stats();
  }

  /** Starts a new period: every deployment's counters back to zero (quota state is kept). */
  public void resetStats() {
    core.resetStats();
  }

  /** Closes every socket and stops the event-loop threads. Idempotent. */
  @Override
  public void close() {
    try {
      core.close();
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
  }

  private static IllegalStateException interrupted(InterruptedException e) {
    Thread.currentThread().interrupt();
    return new IllegalStateException("interrupted", e);
  }

  /** Builds a simulator. Not thread-safe; use from one thread. */
  public static final class Builder {
    private SimulatorConfig config;
    private LongSupplier ticker = System::nanoTime;
    private Clock wallClock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets the set-up (required).
     *
     * @param config the set-up
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder config(SimulatorConfig config) {
      this.config = Args.requireNonNull(null, "config", config);
      return this;
    }

    /**
     * Sets the source of real nanoseconds that drives the quota windows, buckets and books (default
     * {@code System::nanoTime}). Latency pacing always uses real time.
     *
     * @param ticker a monotonic nanosecond source
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder ticker(LongSupplier ticker) {
      this.ticker = Args.requireNonNull(null, "ticker", ticker);
      return this;
    }

    /**
     * Sets the wall clock of {@code created} fields and {@code Date} headers (default UTC system
     * clock); a fixed clock makes answers byte-identical across runs.
     *
     * @param wallClock the clock
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder wallClock(Clock wallClock) {
      this.wallClock = Args.requireNonNull(null, "wallClock", wallClock);
      return this;
    }

    /**
     * Binds every resource and starts serving.
     *
     * @return the running simulator
     * @throws IllegalStateException if no config was set, or a port cannot be bound
     */
    public Simulator start() {
      if (config == null) {
        throw new IllegalStateException("config must be set before start()");
      }
      SimulatorCore core = new SimulatorCore(config, ticker, wallClock);
      try {
        core.start();
      } catch (InterruptedException e) {
        throw interrupted(e);
      }
      return new Simulator(core);
    }
  }

  @Override
  public String toString() {
    return "Simulator" + Objects.toString(resources);
  }
}
