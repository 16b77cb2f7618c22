package dev.spillway;

import java.time.Duration;

/**
 * Receives the events of a pool. Every method has an empty default; override what you need.
 *
 * <p>Methods are called on the thread that observed the event (a caller's thread, an HTTP client
 * thread or the pool's scheduler) and must be thread-safe and quick. An exception thrown by a
 * listener is logged and otherwise ignored.
 */
public interface PoolListener {

  /**
   * An attempt ended (for an admitted stream: when the stream ended).
   *
   * @param callId the call
   * @param attempt what happened
   */
  default void onAttempt(String callId, AttemptRecord attempt) {}

  /**
   * A route started to cool down.
   *
   * @param backendId the backend
   * @param deployment the deployment
   * @param duration how long
   * @param reason why
   */
  default void onCoolDown(
      String backendId, String deployment, Duration duration, CoolDownReason reason) {}

  /**
   * A backend's circuit changed state.
   *
   * @param backendId the backend
   * @param from the previous state
   * @param to the new state
   */
  default void onCircuitStateChange(String backendId, CircuitState from, CircuitState to) {}

  /**
   * A call completed: exactly once per call, success or failure.
   *
   * @param outcome the call's record
   */
  default void onCallComplete(CallOutcome outcome) {}
}
