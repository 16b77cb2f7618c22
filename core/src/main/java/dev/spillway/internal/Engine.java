package dev.spillway.internal;

import dev.spillway.Backend;
import dev.spillway.ConsumerSettings;
import dev.spillway.DelayScheduler;
import dev.spillway.Deployment;
import dev.spillway.PoolListener;
import dev.spillway.PoolSettings;
import dev.spillway.PoolSnapshot;
import dev.spillway.Ticker;
import dev.spillway.UnknownModelException;
import dev.spillway.spi.AsyncAttemptTransport;
import dev.spillway.spi.AttemptTransport;
import dev.spillway.spi.CallRequest;
import dev.spillway.spi.PoolStateStore;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The engine behind a pool: it builds the live state of every backend and route, and hands each
 * call to a driver ({@link SyncDriver}, {@link AsyncDriver}) that runs its {@link Call}. Events go
 * to the {@link EventSink}, read-only views come from {@link Snapshots}. Not API; {@code
 * dev.spillway.BackendPool} is its face.
 *
 * <p>Thread-safe.
 */
public final class Engine {
  /**
   * The pseudo-deployment of a backend's stateful route: its path is the caller's, unchanged. Its
   * name is not a valid Azure deployment name, so it cannot clash with a configured one.
   */
  static final Deployment STATEFUL = Deployment.of("(stateful)", "(stateful)");

  private final Ticker ticker;
  private final DelayScheduler scheduler;
  private final CallServices services;
  private final SyncDriver syncDriver;
  private final EventSink events;
  private final List<BackendRuntime> backends = new ArrayList<>();
  private final Map<String, ModelRoutes> byModel = new LinkedHashMap<>();

  /** Each backend's single route for stateful operations, which name no deployment. */
  private final Map<String, ModelRoutes> pinned = new LinkedHashMap<>();

  /**
   * Builds the engine; the public builder has validated every argument.
   *
   * @param backends the backends, ids unique
   * @param settings the settings
   * @param ticker the ticker
   * @param clock the wall clock (HTTP dates, snapshot instants, the state store's instants)
   * @param scheduler the scheduler
   * @param random the random source
   * @param openTelemetry resolved on first use
   * @param listeners the listeners
   * @param store the state store
   * @param consumers the consumers and priorities
   */
  public Engine(
      List<Backend> backends,
      PoolSettings settings,
      Ticker ticker,
      Clock clock,
      DelayScheduler scheduler,
      RandomSource random,
      Supplier<OpenTelemetry> openTelemetry,
      List<PoolListener> listeners,
      PoolStateStore store,
      ConsumerSettings consumers) {
    this.ticker = ticker;
    this.scheduler = scheduler;
    List<RouteRuntime> routes = new ArrayList<>();
    // The runtimes report to the sink; its telemetry reads the routes only when its gauges are
    // first collected, after this constructor has filled the list.
    this.events =
        new EventSink(
            new Telemetry(openTelemetry, Collections.unmodifiableList(routes), ticker), listeners);
    long now = ticker.read();
    Map<String, List<RouteRuntime>> grouped = new LinkedHashMap<>();
    for (Backend backend : backends) {
      BackendRuntime runtime =
          new BackendRuntime(
              backend,
              store.circuit(backend.id()),
              store.circuitProbe(backend.id()),
              settings,
              clock,
              now,
              events);
      this.backends.add(runtime);
      for (Deployment deployment : backend.deployments()) {
        RouteRuntime route = route(runtime, deployment, settings, clock, store, now);
        routes.add(route);
        grouped.computeIfAbsent(deployment.model(), m -> new ArrayList<>()).add(route);
      }
      RouteRuntime stateful = route(runtime, STATEFUL, settings, clock, store, now);
      pinned.put(backend.id(), new ModelRoutes(STATEFUL.model(), List.of(stateful), 0));
    }
    grouped.forEach(
        (model, list) -> byModel.put(model, new ModelRoutes(model, list, settings.hedgeRatio())));
    Snapshots snapshots =
        new Snapshots(this.backends, routes, ticker, clock, settings.defaultMaxOutputTokens());
    this.services =
        new CallServices(
            settings,
            ticker,
            clock,
            random,
            events,
            snapshots,
            new Consumers(consumers, store, clock, ticker));
    this.syncDriver = new SyncDriver(ticker, scheduler);
  }

  private RouteRuntime route(
      BackendRuntime backend,
      Deployment deployment,
      PoolSettings settings,
      Clock clock,
      PoolStateStore store,
      long now) {
    String id = backend.id();
    return new RouteRuntime(
        backend,
        deployment,
        store.coolDown(id, deployment.name()),
        store.quotaReport(id, deployment.name()),
        store.routeProbe(id, deployment.name()),
        BackendRuntime.probeHoldMillis(settings),
        store.ledger(id, deployment.name()),
        settings.ewmaDecay().toNanos(),
        settings.quotaWindow().toNanos(),
        settings.attemptTimeout().toNanos(),
        clock,
        now,
        events);
  }

  /** The models the pool serves, sorted. */
  public List<String> models() {
    return byModel.keySet().stream().sorted().toList();
  }

  /**
   * A selection probe for micro-benchmarks: the pick of a first attempt for {@code model}.
   *
   * @param model the model
   * @param cost the call's estimated tokens
   * @return the probe
   */
  public SelectionProbe selectionProbe(String model, long cost) {
    return new SelectionProbe(services.selector, ticker, routesFor(model), cost);
  }

  private ModelRoutes routesFor(CallRequest request) {
    String backendId = request.pinnedBackend();
    if (backendId != null) {
      ModelRoutes route = pinned.get(backendId);
      if (route == null) {
        throw new IllegalArgumentException(
            "call pinned to '" + backendId + "', which is not a backend of the pool");
      }
      return route;
    }
    return routesFor(request.model());
  }

  private ModelRoutes routesFor(String model) {
    ModelRoutes group = byModel.get(model);
    if (group == null) {
      throw new UnknownModelException(model, models());
    }
    return group;
  }

  /**
   * Runs a call on the caller's thread.
   *
   * @param <R> the response type
   * @param request the call
   * @param transport the transport
   * @return the response
   */
  public <R> R execute(CallRequest request, AttemptTransport<R> transport) {
    ModelRoutes group = routesFor(request);
    return syncDriver.execute(
        new Call<>(services, request, group, transport::discard, Context.current()), transport);
  }

  /**
   * Runs a call without blocking. Cancelling the returned future cancels the call and the attempt
   * in flight.
   *
   * @param <R> the response type
   * @param request the call
   * @param transport the transport
   * @return the response
   */
  public <R> CompletableFuture<R> executeAsync(
      CallRequest request, AsyncAttemptTransport<R> transport) {
    ModelRoutes group;
    try {
      group = routesFor(request);
    } catch (UnknownModelException | IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    Call<R> call = new Call<>(services, request, group, transport::discard, Context.current());
    return AsyncDriver.start(call, transport, ticker, scheduler);
  }

  /**
   * Enables or disables (drains) a backend.
   *
   * @param backendId the backend
   * @param enabled the new state
   * @return whether such a backend exists
   */
  public boolean setEnabled(String backendId, boolean enabled) {
    for (BackendRuntime backend : backends) {
      if (backend.id().equals(backendId)) {
        backend.enabled(enabled);
        events.backendEnabled(backendId, enabled);
        return true;
      }
    }
    return false;
  }

  /** A snapshot of every backend. */
  public PoolSnapshot snapshot() {
    PoolSnapshot routes = services.snapshots.pool();
    return new PoolSnapshot(routes.takenAt(), routes.backends(), services.consumers.snapshot());
  }
}
