package dev.spillway.spring.internal;

import dev.spillway.BackendSnapshot;
import dev.spillway.CircuitState;
import dev.spillway.PoolSnapshot;
import dev.spillway.RouteSnapshot;
import dev.spillway.RouteState;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The health of a pool from its snapshot, in the terms both Spring Boot lines' health APIs take (a
 * status code and a details map), so that each starter's {@code HealthIndicator} only wraps it.
 *
 * <ul>
 *   <li>{@value #UP} while any enabled backend's circuit is not open: routes cooling down after a
 *       429 are normal under load, and the pool waits for them or spills to another tier;
 *   <li>{@value #DOWN} when the circuit of every enabled backend is open;
 *   <li>{@value #OUT_OF_SERVICE} when every backend was disabled at run time.
 * </ul>
 *
 * <p>A route that an estimate (remembered quota, PTU utilization, the local ledger) has held back
 * for longer than its bound counts as {@link RouteState#HELD}, not {@code FULL}: it still gets a
 * probe per bound, so the status stays {@code UP}, and the details say which route it is.
 *
 * <p>Details: how many routes are in each {@link RouteState}, then per backend (tier, enabled,
 * circuit, circuit open until) and per route (deployment, state, cooling until, peak-EWMA latency,
 * outstanding attempts, headroom, PTU utilization). No endpoint URL and never a credential.
 *
 * @param status {@value #UP}, {@value #DOWN} or {@value #OUT_OF_SERVICE}
 * @param details the details, in configuration order; unmodifiable
 */
public record PoolHealth(String status, Map<String, Object> details) {
  /** Status code of a pool that can serve calls. */
  public static final String UP = "UP";

  /** Status code of a pool whose every enabled backend's circuit is open. */
  public static final String DOWN = "DOWN";

  /** Status code of a pool whose every backend is disabled. */
  public static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";

  /**
   * The health a snapshot shows.
   *
   * @param snapshot the pool's snapshot
   * @return the status and details
   */
  public static PoolHealth of(PoolSnapshot snapshot) {
    List<BackendSnapshot> enabled =
        snapshot.backends().stream().filter(BackendSnapshot::enabled).toList();
    String status;
    if (enabled.isEmpty()) {
      status = OUT_OF_SERVICE;
    } else if (enabled.stream().allMatch(b -> b.circuit() == CircuitState.OPEN)) {
      status = DOWN;
    } else {
      status = UP;
    }
    Map<RouteState, Long> routeStates = new EnumMap<>(RouteState.class);
    snapshot.backends().stream()
        .flatMap(b -> b.routes().stream())
        .forEach(r -> routeStates.merge(r.state(), 1L, Long::sum));
    Map<String, Object> backends = new LinkedHashMap<>();
    for (BackendSnapshot backend : snapshot.backends()) {
      backends.put(backend.id(), backendDetails(backend));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("routeStates", routeStates);
    details.put("backends", backends);
    return new PoolHealth(status, Collections.unmodifiableMap(details));
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
