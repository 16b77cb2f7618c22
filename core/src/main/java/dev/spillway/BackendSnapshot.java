package dev.spillway;

import java.time.Instant;
import java.util.List;

/**
 * The state of one backend and its routes at a point in time.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the backend id
 * @param endpoint the endpoint URL
 * @param tier the tier
 * @param weight the weight
 * @param region the region label, or {@code null}
 * @param enabled whether the backend takes traffic
 * @param circuit the circuit state
 * @param circuitOpenUntil when an open circuit lets a probe through, or {@code null}
 * @param routes the routes
 */
public record BackendSnapshot(
    String id,
    String endpoint,
    int tier,
    double weight,
    String region,
    boolean enabled,
    CircuitState circuit,
    Instant circuitOpenUntil,
    List<RouteSnapshot> routes) {

  /** Copies the routes. */
  public BackendSnapshot {
    routes = List.copyOf(routes);
  }

  /**
   * The route serving {@code model}.
   *
   * @param model the logical model
   * @return the route, or {@code null}
   */
  public RouteSnapshot route(String model) {
    return routes.stream().filter(r -> r.model().equals(model)).findFirst().orElse(null);
  }

  /**
   * Outstanding attempts over all routes.
   *
   * @return the sum
   */
  public int outstanding() {
    return routes.stream().mapToInt(RouteSnapshot::outstanding).sum();
  }
}
