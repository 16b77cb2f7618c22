package dev.spillway.internal;

import dev.spillway.CircuitState;
import dev.spillway.CoolDownReason;

/** Where route and backend state changes are reported (listeners, logs, metrics). */
interface PoolEvents {
  void onCoolDown(RouteRuntime route, long durationNanos, CoolDownReason reason);

  void onCircuitStateChange(BackendRuntime backend, CircuitState from, CircuitState to);
}
