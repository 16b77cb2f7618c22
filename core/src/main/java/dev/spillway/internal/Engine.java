package dev.spillway.internal;

import dev.spillway.AttemptRecord;
import dev.spillway.Backend;
import dev.spillway.BackendSnapshot;
import dev.spillway.CallInterruptedException;
import dev.spillway.CallOutcome;
import dev.spillway.CallRequest;
import dev.spillway.CircuitState;
import dev.spillway.CoolDownReason;
import dev.spillway.DelayScheduler;
import dev.spillway.Deployment;
import dev.spillway.PoolListener;
import dev.spillway.PoolSettings;
import dev.spillway.PoolSnapshot;
import dev.spillway.RouteSnapshot;
import dev.spillway.RouteState;
import dev.spillway.Ticker;
import dev.spillway.UnknownModelException;
import dev.spillway.spi.AsyncAttemptTransport;
import dev.spillway.spi.AttemptResponse;
import dev.spillway.spi.AttemptTransport;
import dev.spillway.spi.PoolStateStore;
import dev.spillway.spi.PoolStateStore.Circuit;
import dev.spillway.spi.PoolStateStore.CoolDown;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind a pool: routes, their state, selection and the drivers of the attempt loop. Not
 * API; {@code dev.spillway.BackendPool} is its face.
 *
 * <p>Thread-safe.
 */
public final class Engine implements PoolEvents {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  final PoolSettings settings;
  final Ticker ticker;
  final Clock clock;
  final DelayScheduler scheduler;
  final RandomSource random;
  final Selector selector;
  final Telemetry telemetry;
  private final List<PoolListener> listeners;
  private final List<BackendRuntime> backends = new ArrayList<>();
  private final List<RouteRuntime> routes = new ArrayList<>();
  private final Map<String, ModelRoutes> byModel = new LinkedHashMap<>();
  private final AtomicLong callIds = new AtomicLong();
  private final String callIdPrefix;

  /**
   * Builds the engine; the public builder has validated every argument.
   *
   * @param backends the backends, ids unique
   * @param settings the settings
   * @param ticker the ticker
   * @param clock the wall clock (HTTP dates, snapshot instants)
   * @param scheduler the scheduler
   * @param random the random source
   * @param openTelemetry resolved on first use
   * @param listeners the listeners
   * @param store the state store
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
      PoolStateStore store) {
    this.settings = settings;
    this.ticker = ticker;
    this.clock = clock;
    this.scheduler = scheduler;
    this.random = random;
    this.selector = new Selector(random);
    this.listeners = List.copyOf(listeners);
    this.callIdPrefix = Long.toString(clock.millis(), 36) + "-";
    long now = ticker.read();
    Map<String, List<RouteRuntime>> grouped = new LinkedHashMap<>();
    for (Backend backend : backends) {
      BackendRuntime runtime =
          new BackendRuntime(backend, store.circuit(backend.id()), settings, this);
      this.backends.add(runtime);
      for (Deployment deployment : backend.deployments()) {
        RouteRuntime route =
            new RouteRuntime(
                runtime,
                deployment,
                store.coolDown(backend.id(), deployment.name()),
                store.ledger(backend.id(), deployment.name()),
                settings.ewmaDecay().toNanos(),
                settings.quotaWindow().toNanos(),
                settings.attemptTimeout().toNanos(),
                now,
                this);
        routes.add(route);
        grouped.computeIfAbsent(deployment.model(), m -> new ArrayList<>()).add(route);
      }
    }
    grouped.forEach((model, list) -> byModel.put(model, new ModelRoutes(model, list)));
    this.telemetry = new Telemetry(openTelemetry, List.copyOf(routes), ticker);
  }

  String nextCallId() {
    return callIdPrefix + callIds.incrementAndGet();
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
    return new SelectionProbe(this, routesFor(model), cost);
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
    Call<R> call =
        new Call<>(
            this, request, routesFor(request.model()), transport::discard, Context.current());
    try {
      while (true) {
        switch (call.next(ticker.read())) {
          case ATTEMPT:
            {
              AttemptImpl attempt = call.current;
              AttemptResponse<R> response = null;
              Throwable error = null;
              SyncAttemptTimer timer = new SyncAttemptTimer(scheduler, attempt);
              try {
                response = transport.send(attempt);
              } catch (Exception e) {
                error = e;
              }
              if (!timer.disarm() && error instanceof InterruptedException) {
                call.cancel(); // the caller's interrupt, not the attempt timer's
              }
              Call.Decision decision = call.onResult(attempt, response, error, ticker.read());
              if (decision == Call.Decision.RETURN) {
                return call.payload;
              }
              if (decision == Call.Decision.DONE) {
                return syncResult(call);
              }
              break;
            }
          case WAIT:
            try {
              scheduler.sleep(call.waitNanos);
            } catch (InterruptedException e) {
              call.cancel();
              call.next(ticker.read());
              Thread.currentThread().interrupt();
              throw new CallInterruptedException(e);
            }
            break;
          default:
            return syncResult(call);
        }
      }
    } catch (RuntimeException | Error e) {
      call.abort(e);
      throw e;
    }
  }

  private static <R> R syncResult(Call<R> call) {
    if (call.failure == null) {
      return call.payload;
    }
    if (call.cancelled()) {
      Thread.currentThread().interrupt();
      InterruptedException cause = new InterruptedException("call " + call.callId + " cancelled");
      throw new CallInterruptedException(cause);
    }
    throw call.failure;
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
      group = routesFor(request.model());
    } catch (UnknownModelException e) {
      return CompletableFuture.failedFuture(e);
    }
    AsyncDriver<R> driver =
        new AsyncDriver<>(
            new Call<>(this, request, group, transport::discard, Context.current()), transport);
    driver.run();
    return driver.result;
  }

  /** Drives one async call: each step runs on the thread that completed the previous one. */
  private final class AsyncDriver<R> {
    final CompletableFuture<R> result = new CompletableFuture<>();
    private final Call<R> call;
    private final AsyncAttemptTransport<R> transport;
    private volatile CompletableFuture<AttemptResponse<R>> inFlight;
    private volatile DelayScheduler.Cancellable pending;

    /**
     * Set while the call waits for a scheduled {@link #run}; whoever clears it (the wake-up or a
     * cancel) owns the call's next step, so a cancel never runs the loop beside the driver.
     */
    private final AtomicBoolean waiting = new AtomicBoolean();

    AsyncDriver(Call<R> call, AsyncAttemptTransport<R> transport) {
      this.call = call;
      this.transport = transport;
      // The returned stage only mirrors result's completion; nothing can fail in it.
      var unused =
          result.whenComplete(
              (r, t) -> {
                if (result.isCancelled()) {
                  cancel();
                }
              });
    }

    private void cancel() {
      call.cancel();
      CompletableFuture<AttemptResponse<R>> f = inFlight;
      if (f != null) {
        f.cancel(true);
      }
      if (waiting.compareAndSet(true, false)) {
        DelayScheduler.Cancellable p = pending;
        if (p != null) {
          p.cancel();
        }
        call.next(ticker.read()); // settles the call as cancelled
      }
    }

    private void wake() {
      if (waiting.compareAndSet(true, false)) {
        run();
      }
    }

    void run() {
      try {
        switch (call.next(ticker.read())) {
          case ATTEMPT:
            send(call.current);
            return;
          case WAIT:
            waiting.set(true);
            pending = scheduler.schedule(this::wake, call.waitNanos);
            if (call.cancelled() && waiting.compareAndSet(true, false)) {
              pending.cancel();
              call.next(ticker.read());
            }
            return;
          default:
            complete();
        }
      } catch (RuntimeException | Error e) {
        call.abort(e);
        result.completeExceptionally(e);
      }
    }

    private void send(AttemptImpl attempt) {
      CompletableFuture<AttemptResponse<R>> future;
      try {
        future = transport.send(attempt);
      } catch (RuntimeException e) {
        future = CompletableFuture.failedFuture(e);
      }
      CompletableFuture<AttemptResponse<R>> f = future;
      inFlight = f;
      DelayScheduler.Cancellable timer =
          f.isDone()
              ? () -> {}
              : scheduler.schedule(
                  () -> {
                    attempt.timedOut = true;
                    f.cancel(true);
                  },
                  attempt.timeoutNanos);
      if (call.cancelled()) {
        f.cancel(true);
      }
      // onAttemptDone settles the call itself; the stage whenComplete returns carries nothing.
      var unused =
          f.whenComplete(
              (response, error) -> {
                timer.cancel();
                inFlight = null;
                onAttemptDone(attempt, response, unwrap(error));
              });
    }

    private void onAttemptDone(AttemptImpl attempt, AttemptResponse<R> response, Throwable error) {
      try {
        switch (call.onResult(attempt, response, error, ticker.read())) {
          case RETURN:
            if (!result.complete(call.payload)) {
              // cancelled as the response arrived: nobody will read it, so close it and settle
              // the attempt (a stream would otherwise stay outstanding for good)
              transport.discard(call.payload);
              attempt.cancelled();
            }
            return;
          case DONE:
            complete();
            return;
          default:
            run();
        }
      } catch (RuntimeException | Error e) {
        call.abort(e);
        result.completeExceptionally(e);
      }
    }

    private void complete() {
      if (call.failure == null) {
        result.complete(call.payload);
      } else {
        result.completeExceptionally(call.failure);
      }
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  // ---- events ----

  @Override
  public void onCoolDown(
      RouteRuntime route, long durationNanos, CoolDownReason reason, boolean started) {
    telemetry.coolDown(route, reason);
    Duration duration = Duration.ofNanos(durationNanos);
    // WARN once when a throttle takes the route out of AVAILABLE (a misconfigured route's start
    // is Call's ERROR); attempts already in flight that extend the same cool-down are detail.
    if (started && reason == CoolDownReason.THROTTLED) {
      LOG.warn(
          "backend '{}' deployment '{}' cools down for {} ms ({}); calls go to other routes",
          route.backendId(),
          route.deployment.name(),
          duration.toMillis(),
          reason.attributeValue());
    } else {
      LOG.debug(
          "backend '{}' deployment '{}' cools down for {} ms ({})",
          route.backendId(),
          route.deployment.name(),
          duration.toMillis(),
          reason.attributeValue());
    }
    for (PoolListener listener : listeners) {
      try {
        listener.onCoolDown(route.backendId(), route.deployment.name(), duration, reason);
      } catch (RuntimeException e) {
        LOG.warn("listener {} failed in onCoolDown", listener.getClass().getName(), e);
      }
    }
  }

  @Override
  public void onCircuitStateChange(BackendRuntime backend, CircuitState from, CircuitState to) {
    if (to == CircuitState.OPEN) {
      LOG.warn("backend '{}': circuit {} -> OPEN", backend.id(), from);
    } else {
      LOG.info("backend '{}': circuit {} -> {}", backend.id(), from, to);
    }
    for (PoolListener listener : listeners) {
      try {
        listener.onCircuitStateChange(backend.id(), from, to);
      } catch (RuntimeException e) {
        LOG.warn("listener {} failed in onCircuitStateChange", listener.getClass().getName(), e);
      }
    }
  }

  void notifyAttempt(String callId, AttemptRecord attempt) {
    for (PoolListener listener : listeners) {
      try {
        listener.onAttempt(callId, attempt);
      } catch (RuntimeException e) {
        LOG.warn("listener {} failed in onAttempt", listener.getClass().getName(), e);
      }
    }
  }

  void notifyCallComplete(CallOutcome outcome) {
    for (PoolListener listener : listeners) {
      try {
        listener.onCallComplete(outcome);
      } catch (RuntimeException e) {
        LOG.warn("listener {} failed in onCallComplete", listener.getClass().getName(), e);
      }
    }
  }

  // ---- state ----

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
        LOG.info("backend '{}' {}", backendId, enabled ? "enabled" : "disabled");
        return true;
      }
    }
    return false;
  }

  /** A snapshot of every backend. */
  public PoolSnapshot snapshot() {
    long now = ticker.read();
    Instant wallNow = clock.instant();
    List<BackendSnapshot> result = new ArrayList<>();
    for (BackendRuntime backend : backends) {
      result.add(backendSnapshot(backend, r -> true, now, wallNow));
    }
    return new PoolSnapshot(wallNow, result);
  }

  List<BackendSnapshot> backendSnapshots(ModelRoutes group) {
    long now = ticker.read();
    Instant wallNow = clock.instant();
    List<BackendSnapshot> result = new ArrayList<>();
    for (BackendRuntime backend : backends) {
      for (RouteRuntime route : group.routes) {
        if (route.backend == backend) {
          result.add(
              backendSnapshot(
                  backend, r -> r.deployment.model().equals(group.model), now, wallNow));
          break;
        }
      }
    }
    return result;
  }

  private BackendSnapshot backendSnapshot(
      BackendRuntime backend,
      java.util.function.Predicate<RouteRuntime> include,
      long now,
      Instant wallNow) {
    Circuit circuit = backend.circuit();
    List<RouteSnapshot> routeSnapshots = new ArrayList<>();
    for (RouteRuntime route : routes) {
      if (route.backend == backend && include.test(route)) {
        routeSnapshots.add(routeSnapshot(route, circuit, now, wallNow));
      }
    }
    Backend b = backend.backend;
    return new BackendSnapshot(
        b.id(),
        b.endpoint().toString(),
        b.tier(),
        b.weight(),
        b.region(),
        b.credential().kind(),
        backend.enabled(),
        circuit.state(),
        circuit.state() == CircuitState.CLOSED ? null : at(circuit.openUntilNanos(), now, wallNow),
        routeSnapshots);
  }

  private RouteSnapshot routeSnapshot(
      RouteRuntime route, Circuit circuit, long now, Instant wallNow) {
    CoolDown coolDown = route.coolDown();
    long ledgerTokens = route.ledger().tokens();
    long headroom = route.quota.headroomTokens(ledgerTokens, now);
    RouteState state;
    if (!route.backend.enabled()) {
      state = RouteState.DISABLED;
    } else if (circuit.state() != CircuitState.CLOSED) {
      state = RouteState.CIRCUIT_OPEN;
    } else if (coolDown.untilNanos() > now) {
      state = RouteState.COOLING;
    } else if (coolDown.probeRequired()) {
      state = RouteState.PROBING;
    } else if (route.heldBeyondBound(now)) {
      state = RouteState.HELD;
    } else if (route.quota.nanosUntilAdmits(typicalCost(), route.ledger(), now) > 0) {
      state = RouteState.FULL;
    } else {
      state = RouteState.AVAILABLE;
    }
    double ewma = route.ewma.value(now);
    double utilization = route.quota.utilization();
    return new RouteSnapshot(
        route.deployment.model(),
        route.deployment.name(),
        route.deployment.ptu(),
        state,
        coolDown.untilNanos() > now ? at(coolDown.untilNanos(), now, wallNow) : null,
        Double.isNaN(ewma) ? null : Duration.ofNanos((long) ewma),
        route.outstanding.get(),
        headroom == QuotaMemory.UNKNOWN ? null : headroom,
        Double.isNaN(utilization) ? null : utilization,
        route.attempts.sum(),
        route.successes.sum(),
        route.throttled.sum(),
        route.failures.sum(),
        route.callerErrors.sum(),
        route.inputTokens.sum(),
        route.outputTokens.sum());
  }

  /** The cost a snapshot uses to say whether a route is full: the default output allowance. */
  private long typicalCost() {
    return settings.defaultMaxOutputTokens();
  }

  private static Instant at(long tickerInstant, long now, Instant wallNow) {
    return wallNow.plusNanos(Math.max(0, tickerInstant - now));
  }
}
