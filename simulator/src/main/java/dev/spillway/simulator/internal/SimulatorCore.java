package dev.spillway.simulator.internal;

import dev.spillway.simulator.DeploymentStats;
import dev.spillway.simulator.ResourceConfig;
import dev.spillway.simulator.SimulatorConfig;
import dev.spillway.simulator.SimulatorStats;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The running simulator behind {@code dev.spillway.simulator.Simulator}: one small event-loop group
 * shared by every resource, the simulated clock, the resources and the control API. Thread-safe;
 * the blocking methods must not be called from an event-loop thread.
 */
public final class SimulatorCore {
  /** Event-loop threads: two serve well over 3,000 requests/s, and the machines have two cores. */
  static final int IO_THREADS = 2;

  private final SimulatorConfig config;
  private final SimClock clock;
  private final Clock wallClock;
  private final EventLoopGroup group;
  private final Map<String, ResourceServer> resources;
  private final ControlApi control;

  /**
   * Creates the simulator without binding anything.
   *
   * @param config the set-up
   * @param ticker real nanoseconds for the quota clock
   * @param wallClock the clock of {@code created} and {@code Date}
   */
  public SimulatorCore(SimulatorConfig config, LongSupplier ticker, Clock wallClock) {
    this.config = config;
    this.clock = new SimClock(ticker, config.timeScale());
    this.wallClock = wallClock;
    this.group =
        new MultiThreadIoEventLoopGroup(
            IO_THREADS, new DefaultThreadFactory("spillway-sim", true), NioIoHandler.newFactory());
    Map<String, ResourceServer> byId = new LinkedHashMap<>();
    for (ResourceConfig resource : config.resources()) {
      byId.put(resource.id(), new ResourceServer(resource, this, group));
    }
    this.resources = Collections.unmodifiableMap(byId);
    this.control = new ControlApi(this);
  }

  /**
   * Binds every resource; on failure closes what was bound.
   *
   * @throws InterruptedException if interrupted
   * @throws IllegalStateException if a port cannot be bound
   */
  public void start() throws InterruptedException {
    try {
      for (ResourceServer resource : resources.values()) {
        resource.bind();
      }
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
  }

  /**
   * @return the set-up
   */
  public SimulatorConfig config() {
    return config;
  }

  SimClock clock() {
    return clock;
  }

  Clock wallClock() {
    return wallClock;
  }

  long seed() {
    return config.seed();
  }

  boolean slidingWindow() {
    return config.slidingWindow();
  }

  boolean retryAfterMs() {
    return config.retryAfterMs();
  }

  ControlApi control() {
    return control;
  }

  /**
   * @return the resources, in configuration order
   */
  public Collection<ResourceServer> resources() {
    return resources.values();
  }

  /**
   * Finds a resource.
   *
   * @param id the resource id
   * @return the resource
   * @throws IllegalArgumentException if there is none, naming the known ids
   */
  public ResourceServer resource(String id) {
    ResourceServer resource = resources.get(id);
    if (resource == null) {
      throw new IllegalArgumentException(
          "no resource '" + id + "'; resources: " + resources.keySet());
    }
    return resource;
  }

  /**
   * Finds a deployment.
   *
   * @param resourceId the resource id
   * @param deployment the deployment name
   * @return the deployment
   * @throws IllegalArgumentException if there is none, naming the known ones
   */
  public DeploymentRuntime deployment(String resourceId, String deployment) {
    ResourceServer resource = resource(resourceId);
    DeploymentRuntime runtime = resource.deployments().get(deployment);
    if (runtime == null) {
      throw new IllegalArgumentException(
          "resource '"
              + resourceId
              + "': no deployment '"
              + deployment
              + "'; deployments: "
              + resource.deployments().keySet());
    }
    return runtime;
  }

  /**
   * @return every deployment's books
   */
  public SimulatorStats stats() {
    List<DeploymentStats> all = new ArrayList<>();
    for (ResourceServer resource : resources.values()) {
      for (DeploymentRuntime deployment : resource.deployments().values()) {
        all.add(deployment.stats());
      }
    }
    return new SimulatorStats(config.timeScale(), all);
  }

  /** Starts a new period for every deployment's books. */
  public void resetStats() {
    for (ResourceServer resource : resources.values()) {
      resource.deployments().values().forEach(DeploymentRuntime::resetBooks);
    }
  }

  /**
   * Stops a resource accepting connections, off the event loop (for the control API).
   *
   * @param resource the resource
   * @return completes when done
   */
  CompletableFuture<Void> refuseLater(ResourceServer resource) {
    return CompletableFuture.runAsync(() -> interruptibly(resource::refuse));
  }

  /**
   * Makes a resource accept connections again after a delay, off the event loop (for the control
   * API).
   *
   * @param resource the resource
   * @param delayMillis the delay
   * @return completes when done
   */
  CompletableFuture<Void> acceptLater(ResourceServer resource, long delayMillis) {
    return CompletableFuture.runAsync(
        () -> interruptibly(resource::bind),
        CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS));
  }

  private static void interruptibly(InterruptibleAction action) {
    try {
      action.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Closes every socket and stops the event loops.
   *
   * @throws InterruptedException if interrupted while waiting for them
   */
  public void close() throws InterruptedException {
    try {
      for (ResourceServer resource : resources.values()) {
        resource.close();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }

  @FunctionalInterface
  private interface InterruptibleAction {
    void run() throws InterruptedException;
  }
}
