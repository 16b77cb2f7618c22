package dev.spillway.spring.actuate;

import dev.spillway.BackendSnapshot;
import dev.spillway.CircuitState;
import dev.spillway.PoolSnapshot;
import dev.spillway.RouteSnapshot;
import dev.spillway.RouteState;
import dev.spillway.azure.SpillwayPool;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of a {@link SpillwayPool}, from its {@linkplain SpillwayPool#snapshot() snapshot}.
 *
 * <ul>
 *   <li>{@code UP} while any enabled backend's circuit is not open: routes cooling down after a 429
 *       are normal under load, and the pool waits for them or spills to another tier, so they stay
 *       {@code UP} (the details say which routes cool and until when);
 *   <li>{@code DOWN} when the circuit of every enabled backend is open: every backend failed
 *       authentication (401/403) or connections (resets, refusals, timeouts, 5xx) until its circuit
 *       opened;
 *   <li>{@code OUT_OF_SERVICE} when every backend was disabled at run time.
 * </ul>
 *
 * <p>A route that an estimate (remembered quota, PTU utilization, the local ledger) has held back
 * for longer than its bound counts as {@link RouteState#HELD}, not {@code FULL}: it still gets a
 * probe per bound, so the status stays {@code UP}, and the details say which route it is.
 *
 * <p>Details: how many routes are in each {@link RouteState}, then per backend (tier, enabled,
 * circuit, circuit open until) and per route (state, cooling until, peak-EWMA latency, outstanding
 * attempts, headroom, PTU utilization). No endpoint URL and never a credential. Thread-safe.
 */
public final class SpillwayHealthIndicator implements HealthIndicator {
  private final SpillwayPool pool;

  /**
   * Reports on {@code pool}.
   *
   * @param pool the pool
   */
  public SpillwayHealthIndicator(SpillwayPool pool) {
    this.pool = Objects.requireNonNull(pool, "'pool' cannot be null.");
  }

  @Override
  public Health health() {
    PoolSnapshot snapshot = pool.snapshot();
    List<BackendSnapshot> enabled =
        snapshot.backends().stream().filter(BackendSnapshot::enabled).toList();
    Health.Builder health;
    if (enabled.isEmpty()) {
      health = Health.outOfService();
    } else if (enabled.stream().allMatch(b -> b.circuit() == CircuitState.OPEN)) {
      health = Health.down();
    } else {
      health = Health.up();
    }
    Map<RouteState, Long> routeStates = new EnumMap<>(RouteState.class);
    snapshot.backends().stream()
        .flatMap(b -> b.routes().stream())
        .forEach(r -> routeStates.merge(r.state(), 1L, Long::sum));
    health.withDetail("routeStates", routeStates);
    Map<String, Object> backends = new LinkedHashMap<>();
    for (BackendSnapshot backend : snapshot.backends()) {
      backends.put(backend.id(), backendDetails(backend));
    }
    return health.withDetail("backends", backends).build();
  }

  private static Map<String, Object> backendDetails(BackendSnapshot backend) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("tier", backend.tier());
    details.put("enabled", backend.enabled());
    details.put("circuit", backend.circuit());
    putIfPresent(details, "circuitOpenUntil", backend.circuitOpenUntil());
    Map<String, Object> routes = new LinkedHashMap<>();
    for (RouteSnapshot route : backend.routes()) {
      routes.put(route.model(), routeDetails(route));
    }
    details.put("routes", routes);
    return details;
  }

  private static Map<String, Object> routeDetails(RouteSnapshot route) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("deployment", route.deployment());
    details.put("state", route.state());
    putIfPresent(details, "coolingUntil", route.coolingUntil());
    if (route.peakEwma() != null) {
      details.put("peakEwmaMs", route.peakEwma().toNanos() / 1e6);
    }
    details.put("outstanding", route.outstanding());
    putIfPresent(details, "headroomTokens", route.headroomTokens());
    putIfPresent(details, "utilization", route.utilization());
    return details;
  }

  private static void putIfPresent(Map<String, Object> details, String key, Object value) {
    if (value != null) {
      // Instants as ISO-8601 text, whatever JSON mapper renders the health.
      details.put(key, value instanceof Instant ? value.toString() : value);
    }
  }
}
