package dev.spillway.internal;

import dev.spillway.CircuitState;
import dev.spillway.CoolDownReason;

/** Where route and backend state changes are reported (listeners, logs, metrics). */
interface PoolEvents {
  /**
   * A route cooled down.
   *
   * @param started whether the route was available before, false when an attempt already in flight
   *     extends a cool-down under way
   */
  void onCoolDown(RouteRuntime route, long durationNanos, CoolDownReason reason, boolean started);

  void onCircuitStateChange(BackendRuntime backend, CircuitState from, CircuitState to);
}
