package dev.spillway;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * No route could take the call before its deadline: every route was cooling down, out of headroom,
 * behind an open circuit or disabled. Carries the earliest instant a route becomes available and
 * the state of every candidate route.
 */
public final class NoBackendAvailableException extends AttemptsExhaustedException {
  private static final long serialVersionUID = 1L;

  private final String model;
  private final Duration retryAfter;
  private final Instant earliestRetry;
  private final transient List<BackendSnapshot> routeStates;

  /**
   * Creates the exception.
   *
   * @param model the model asked for
   * @param retryAfter how long until the earliest route becomes available, or {@code null} when no
   *     route will (all disabled)
   * @param earliestRetry that instant on the wall clock, or {@code null}
   * @param routeStates the backends serving the model, with their routes
   * @param attempts the attempts made before
   * @param causes exceptions of those attempts
   */
  public NoBackendAvailableException(
      String model,
      Duration retryAfter,
      Instant earliestRetry,
      List<BackendSnapshot> routeStates,
      List<AttemptRecord> attempts,
      List<Throwable> causes) {
    super(message(model, retryAfter), attempts, causes);
    this.model = model;
    this.retryAfter = retryAfter;
    this.earliestRetry = earliestRetry;
    this.routeStates = List.copyOf(routeStates);
  }

  private static String message(String model, Duration retryAfter) {
    return retryAfter == null
        ? "no backend available for model '" + model + "': every route is disabled"
        : "no backend available for model '"
            + model
            + "' within the call's deadline; earliest"
            + " retry in "
            + retryAfter.toMillis()
            + " ms";
  }

  /**
   * The model asked for.
   *
   * @return the model
   */
  public String model() {
    return model;
  }

  /**
   * How long, from when the call gave up, until the earliest route becomes available.
   *
   * @return the duration, or {@code null} when no route will
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  /**
   * The earliest instant a route becomes available.
   *
   * @return the instant, or {@code null} when no route will
   */
  public Instant earliestRetry() {
    return earliestRetry;
  }

  /**
   * The backends serving the model, with the state of their routes when the call gave up.
   *
   * @return the states
   */
  public List<BackendSnapshot> routeStates() {
    return routeStates;
  }
}
