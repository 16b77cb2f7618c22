package dev.spillway.spring.boot4;

import dev.spillway.pool.SpillwayPool;
import dev.spillway.spring.internal.PoolHealth;
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
 * <p>Details: how many routes are in each {@link dev.spillway.RouteState}, then per backend (tier,
 * enabled, circuit, circuit open until) and per route (state, cooling until, peak-EWMA latency,
 * outstanding attempts, headroom, PTU utilization). No endpoint URL and never a credential.
 * Thread-safe.
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
