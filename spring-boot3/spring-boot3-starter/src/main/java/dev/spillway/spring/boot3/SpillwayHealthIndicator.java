package dev.spillway.spring.boot3;

import dev.spillway.pool.SpillwayPool;
import dev.spillway.spring.internal.PoolHealth;
import java.util.Objects;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The health of a {@link SpillwayPool} on Spring Boot 3's health API, with the statuses and details
 * of the Boot 4 starter's indicator:
 *
 * <ul>
 *   <li>{@code UP} while any enabled backend's circuit is not open (routes cooling down after a 429
 *       are normal under load; the details say which and until when);
 *   <li>{@code DOWN} when the circuit of every enabled backend is open;
 *   <li>{@code OUT_OF_SERVICE} when every backend was disabled at run time.
 * </ul>
 *
 * <p>Details: route counts per {@link dev.spillway.RouteState}, then per backend and route. No
 * endpoint URL and never a credential. Thread-safe.
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
    PoolHealth health = PoolHealth.of(pool.snapshot());
    return Health.status(health.status()).withDetails(health.details()).build();
  }
}
