package dev.spillway.spring.actuate;

import dev.spillway.BackendSnapshot;
import dev.spillway.CircuitState;
import dev.spillway.PoolSnapshot;
import dev.spillway.RouteSnapshot;
import dev.spillway.RouteState;
import dev.spillway.pool.SpillwayPool;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code spillway} actuator endpoint: the pool's snapshot with cumulative counters, and
 * draining a backend at run time.
 *
 * <ul>
 *   <li>{@code GET /actuator/spillway}: every backend and route with its state and counters, and
 *       the pool's totals;
 *   <li>{@code GET /actuator/spillway/{backend}}: one backend;
 *   <li>{@code POST /actuator/spillway/{backend}} with {@code {"enabled": false}} stops new
 *       attempts to the backend (calls in flight finish), {@code {"enabled": true}} lets it take
 *       traffic again.
 * </ul>
 *
 * <p>Like other actuator endpoints it is exposed over HTTP only when listed in {@code
 * management.endpoints.web.exposure.include}, and secured by the application's actuator security;
 * {@code management.endpoint.spillway.access=read-only} removes the write operation. Shows no
 * credential. Thread-safe.
 */
@Endpoint(id = "spillway")
public final class SpillwayEndpoint {
  private final SpillwayPool pool;

  /**
   * Reports on and controls {@code pool}.
   *
   * @param pool the pool
   */
  public SpillwayEndpoint(SpillwayPool pool) {
    this.pool = Objects.requireNonNull(pool, "'pool' cannot be null.");
  }

  /**
   * The pool's state now.
   *
   * @return the snapshot with totals
   */
  @ReadOperation
  public PoolDescriptor snapshot() {
    return PoolDescriptor.of(pool.snapshot(), pool);
  }

  /**
   * One backend's state now.
   *
   * @param backendId the backend
   * @return its state, or {@code null} (404) when the pool has no such backend
   */
  @ReadOperation
  public BackendDescriptor backend(@Selector String backendId) {
    return pool.snapshot().backends().stream()
        .filter(b -> b.id().equals(backendId))
        .findFirst()
        .map(b -> BackendDescriptor.of(b, pool))
        .orElse(null);
  }

  /**
   * Enables or disables (drains) a backend.
   *
   * @param backendId the backend
   * @param enabled {@code false} to stop new attempts to it, {@code true} to resume
   * @return the backend's state after the change
   * @throws InvalidEndpointRequestException (400) if the pool has no such backend
   */
  @WriteOperation
  public BackendDescriptor setEnabled(@Selector String backendId, boolean enabled) {
    try {
      if (enabled) {
        pool.backendPool().enableBackend(backendId);
      } else {
        pool.backendPool().disableBackend(backendId);
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidEndpointRequestException(e.getMessage(), "unknown backend");
    }
    return backend(backendId);
  }

  /**
   * The pool's state.
   *
   * @param takenAt when the snapshot was taken (ISO-8601)
   * @param totals counters summed over every route
   * @param backends the backends, in configuration order
   */
  public record PoolDescriptor(String takenAt, Counters totals, List<BackendDescriptor> backends) {

    static PoolDescriptor of(PoolSnapshot snapshot, SpillwayPool pool) {
      List<BackendDescriptor> backends =
          snapshot.backends().stream().map(b -> BackendDescriptor.of(b, pool)).toList();
      Counters totals =
          backends.stream()
              .flatMap(b -> b.routes().stream())
              .map(RouteDescriptor::counters)
              .reduce(Counters.ZERO, Counters::plus);
      return new PoolDescriptor(snapshot.takenAt().toString(), totals, backends);
    }
  }

  /**
   * One backend's state.
   *
   * @param id the backend id
   * @param endpoint the endpoint URL
   * @param tier the tier, 0 first
   * @param weight the weight inside the tier
   * @param region the region label, or {@code null}
   * @param credentialKind {@code api-key} or {@code entra}; never the secret
   * @param enabled whether the backend takes new attempts
   * @param circuit the circuit state
   * @param circuitOpenUntil when an open circuit lets a probe through (ISO-8601), or {@code null}
   * @param outstanding attempts in flight over all routes
   * @param routes the routes
   */
  public record BackendDescriptor(
      String id,
      String endpoint,
      int tier,
      double weight,
      String region,
      String credentialKind,
      boolean enabled,
      CircuitState circuit,
      String circuitOpenUntil,
      int outstanding,
      List<RouteDescriptor> routes) {

    static BackendDescriptor of(BackendSnapshot backend, SpillwayPool pool) {
      return new BackendDescriptor(
          backend.id(),
          backend.endpoint(),
          backend.tier(),
          backend.weight(),
          backend.region(),
          pool.credentialKind(backend.id()),
          backend.enabled(),
          backend.circuit(),
          text(backend.circuitOpenUntil()),
          backend.outstanding(),
          backend.routes().stream().map(RouteDescriptor::of).toList());
    }
  }

  /**
   * One route's state.
   *
   * @param model the logical model
   * @param deployment the deployment name
   * @param ptu whether the deployment is provisioned throughput
   * @param state the route's state
   * @param coolingUntil end of the current cool-down (ISO-8601), or {@code null}
   * @param peakEwmaMs the latency estimate in milliseconds, or {@code null} before the first sample
   * @param outstanding attempts in flight
   * @param headroomTokens tokens the route is believed able to admit now, or {@code null}
   * @param utilization the last reported PTU utilization in percent, or {@code null}
   * @param counters cumulative counters
   */
  public record RouteDescriptor(
      String model,
      String deployment,
      boolean ptu,
      RouteState state,
      String coolingUntil,
      Double peakEwmaMs,
      int outstanding,
      Long headroomTokens,
      Double utilization,
      Counters counters) {

    static RouteDescriptor of(RouteSnapshot route) {
      return new RouteDescriptor(
          route.model(),
          route.deployment(),
          route.ptu(),
          route.state(),
          text(route.coolingUntil()),
          route.peakEwma() == null ? null : route.peakEwma().toNanos() / 1e6,
          route.outstanding(),
          route.headroomTokens(),
          route.utilization(),
          new Counters(
              route.attempts(),
              route.successes(),
              route.throttled(),
              route.failures(),
              route.callerErrors(),
              route.inputTokens(),
              route.outputTokens()));
    }
  }

  /**
   * Cumulative counters since the pool was built.
   *
   * @param attempts attempts sent
   * @param successes attempts admitted (2xx)
   * @param throttled attempts throttled (429, or 503 with a retry hint)
   * @param failures attempts failed (transient or misconfigured)
   * @param callerErrors attempts answered with a caller error (4xx returned unchanged)
   * @param inputTokens input tokens of the calls served
   * @param outputTokens output tokens of the calls served
   */
  public record Counters(
      long attempts,
      long successes,
      long throttled,
      long failures,
      long callerErrors,
      long inputTokens,
      long outputTokens) {

    static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0);

    Counters plus(Counters other) {
      return new Counters(
          attempts + other.attempts,
          successes + other.successes,
          throttled + other.throttled,
          failures + other.failures,
          callerErrors + other.callerErrors,
          inputTokens + other.inputTokens,
          outputTokens + other.outputTokens);
    }
  }

  private static String text(Object instant) {
    return instant == null ? null : instant.toString();
  }
}
