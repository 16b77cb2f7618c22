package dev.spillway.internal;

import dev.spillway.Backend;
import dev.spillway.BackendSnapshot;
import dev.spillway.CircuitState;
import dev.spillway.PoolSnapshot;
import dev.spillway.RouteSnapshot;
import dev.spillway.RouteState;
import dev.spillway.Ticker;
import dev.spillway.spi.PoolStateStore.Circuit;
import dev.spillway.spi.PoolStateStore.CoolDown;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Read-only views of the live state: the pool's {@link PoolSnapshot}, and the backends of one model
 * for a {@code NoBackendAvailableException}. States are judged on the ticker; the instants shown
 * are the state store's wall-clock ones.
 *
 * <p>Thread-safe; a snapshot reads each atomic once but is not one consistent cut of the pool.
 */
final class Snapshots {
  private final List<BackendRuntime> backends;
  private final List<RouteRuntime> routes;
  private final Ticker ticker;
  private final Clock clock;

  /** The cost a snapshot uses to say whether a route is full: the default output allowance. */
  private final long typicalCost;

  Snapshots(
      List<BackendRuntime> backends,
      List<RouteRuntime> routes,
      Ticker ticker,
      Clock clock,
      long typicalCost) {
    this.backends = List.copyOf(backends);
    this.routes = List.copyOf(routes);
    this.ticker = ticker;
    this.clock = clock;
    this.typicalCost = typicalCost;
  }

  /** Every backend with all its routes. */
  PoolSnapshot pool() {
    long now = ticker.read();
    Instant wallNow = clock.instant();
    List<BackendSnapshot> result = new ArrayList<>();
    for (BackendRuntime backend : backends) {
      result.add(backend(backend, r -> true, now, wallNow));
    }
    return new PoolSnapshot(wallNow, result);
  }

  /** The backends serving {@code group}'s model, each with its routes of that model only. */
  List<BackendSnapshot> backends(ModelRoutes group) {
    long now = ticker.read();
    Instant wallNow = clock.instant();
    List<BackendSnapshot> result = new ArrayList<>();
    for (BackendRuntime backend : backends) {
      for (RouteRuntime route : group.routes) {
        if (route.backend == backend) {
          result.add(backend(backend, r -> r.deployment.model().equals(group.model), now, wallNow));
          break;
        }
      }
    }
    return result;
  }

  private BackendSnapshot backend(
      BackendRuntime backend, Predicate<RouteRuntime> include, long now, Instant wallNow) {
    Circuit circuit = backend.circuit(now).value;
    List<RouteSnapshot> routeSnapshots = new ArrayList<>();
    for (RouteRuntime route : routes) {
      if (route.backend == backend && include.test(route)) {
        routeSnapshots.add(route(route, circuit, now, wallNow));
      }
    }
    Backend b = backend.backend;
    return new BackendSnapshot(
        b.id(),
        b.endpoint().toString(),
        b.tier(),
        b.weight(),
        b.region(),
        backend.enabled(),
        circuit.state(),
        circuit.state() == CircuitState.CLOSED ? null : at(circuit.openUntilEpochMillis(), wallNow),
        routeSnapshots);
  }

  private RouteSnapshot route(RouteRuntime route, Circuit circuit, long now, Instant wallNow) {
    TimedCell.Seen<CoolDown> coolDown = route.coolDown(now);
    long headroom = route.quota.headroomTokens(route.ledger(), now);
    RouteState state;
    if (!route.backend.enabled()) {
      state = RouteState.DISABLED;
    } else if (circuit.state() != CircuitState.CLOSED) {
      state = RouteState.CIRCUIT_OPEN;
    } else if (coolDown.untilNanos > now) {
      state = RouteState.COOLING;
    } else if (coolDown.value.probeRequired()) {
      state = RouteState.PROBING;
    } else if (route.heldBeyondBound(now)) {
      state = RouteState.HELD;
    } else if (route.quota.nanosUntilAdmits(typicalCost, route.ledger(), now) > 0) {
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
        coolDown.untilNanos > now ? at(coolDown.value.untilEpochMillis(), wallNow) : null,
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

  /** A stored instant, never before now (a half-open circuit's open period has ended). */
  private static Instant at(long epochMillis, Instant wallNow) {
    Instant at = Instant.ofEpochMilli(epochMillis);
    return at.isBefore(wallNow) ? wallNow : at;
  }
}
