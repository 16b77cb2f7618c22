package dev.spillway.internal;

import dev.spillway.AttemptRecord;
import dev.spillway.CallOutcome;
import dev.spillway.CircuitState;
import dev.spillway.ContentFilterResults;
import dev.spillway.CoolDownReason;
import dev.spillway.PoolListener;
import dev.spillway.spi.CallObserver;
import dev.spillway.spi.CallRequest;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where everything the engine observes goes: each event fans out to telemetry (spans, metrics), the
 * log and the {@link PoolListener}s. A listener that throws is logged and skipped; it never breaks
 * a call. The rest of the engine reports here and does not know who listens.
 *
 * <p>Thread-safe.
 */
final class EventSink implements PoolEvents {
  private static final Logger LOG = LoggerFactory.getLogger(EventSink.class);

  private final Telemetry telemetry;
  private final List<PoolListener> listeners;

  EventSink(Telemetry telemetry, List<PoolListener> listeners) {
    this.telemetry = telemetry;
    this.listeners = List.copyOf(listeners);
  }

  Span callStarted(CallRequest request, Context parent) {
    return telemetry.startCall(request, parent);
  }

  /** An attempt claimed {@code route}: its span starts and the route's outstanding gauge rises. */
  Span attemptStarted(Span callSpan, RouteRuntime route) {
    telemetry.outstanding(route, 1);
    return telemetry.startAttempt(callSpan, route);
  }

  void injectTraceContext(Span attemptSpan, BiConsumer<String, String> header) {
    telemetry.inject(attemptSpan, header);
  }

  /** An attempt gave back what it claimed on {@code route}. */
  void attemptReleased(RouteRuntime route) {
    telemetry.outstanding(route, -1);
  }

  /** An attempt ended without a record (the call abandoned it): its span ends. */
  void attemptAbandoned(Span attemptSpan) {
    attemptSpan.end();
  }

  void waited(Span callSpan, long nanos) {
    telemetry.waited(callSpan, nanos);
  }

  /** The call's attempt on {@code late} ran {@code afterNanos} without an answer: a hedge goes. */
  void hedged(Span callSpan, RouteRuntime late, long afterNanos) {
    telemetry.hedged(callSpan, late, afterNanos);
  }

  void attemptEnded(String callId, Span attemptSpan, AttemptRecord attempt) {
    telemetry.endAttempt(attemptSpan, attempt);
    for (PoolListener listener : listeners) {
      try {
        listener.onAttempt(callId, attempt);
      } catch (RuntimeException e) {
        LOG.warn("listener {} failed in onAttempt", listener.getClass().getName(), e);
      }
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "call {} attempt {} on '{}'/'{}': {} {}",
          callId,
          attempt.number(),
          attempt.backendId(),
          attempt.deployment(),
          attempt.outcome(),
          attempt.status() != null ? attempt.status() : attempt.errorType());
    }
  }

  void callEnded(
      Span callSpan,
      CallOutcome outcome,
      RouteRuntime finalRoute,
      String model,
      boolean declaredConsumer) {
    telemetry.endCall(callSpan, outcome, finalRoute, model, declaredConsumer);
    for (PoolListener listener : listeners) {
      try {
        listener.onCallComplete(outcome);
      } catch (RuntimeException e) {
        LOG.warn("listener {} failed in onCallComplete", listener.getClass().getName(), e);
      }
    }
  }

  /** The observer's content-filter results; none when it throws. */
  ContentFilterResults contentFilter(CallObserver observer) {
    try {
      ContentFilterResults results = observer.contentFilter();
      return results == null ? ContentFilterResults.NONE : results;
    } catch (RuntimeException e) {
      LOG.warn("call observer {} failed in contentFilter", observer.getClass().getName(), e);
      return ContentFilterResults.NONE;
    }
  }

  /** The adapter's observer gets the outcome, before the pool's listeners. */
  void observed(CallObserver observer, CallOutcome outcome) {
    try {
      observer.onOutcome(outcome);
    } catch (RuntimeException e) {
      LOG.warn("call observer {} failed in onOutcome", observer.getClass().getName(), e);
    }
  }

  /** A 401/403: the backend's circuit opens for the auth break. */
  void backendMisconfigured(RouteRuntime route, int status) {
    LOG.error(
        "backend '{}' refused the request with HTTP {}: check its credential and"
            + " endpoint; its circuit is open",
        route.backendId(),
        status);
  }

  /** A 404 DeploymentNotFound or 400 OperationNotSupported: the route cools down. */
  void deploymentMisconfigured(RouteRuntime route, int status, String errorCode) {
    LOG.error(
        "backend '{}' deployment '{}' for model '{}' answered HTTP {} {}: check the"
            + " deployment mapping; the route cools down",
        route.backendId(),
        route.deployment.name(),
        route.deployment.model(),
        status,
        errorCode);
  }

  void backendEnabled(String backendId, boolean enabled) {
    LOG.info("backend '{}' {}", backendId, enabled ? "enabled" : "disabled");
  }

  @Override
  public void onCoolDown(
      RouteRuntime route, long durationNanos, CoolDownReason reason, boolean started) {
    telemetry.coolDown(route, reason);
    Duration duration = Duration.ofNanos(durationNanos);
    // WARN once when a throttle takes the route out of AVAILABLE (a misconfigured route's start
    // is deploymentMisconfigured's ERROR); attempts in flight that extend the same cool-down are
    // detail.
    if (started && reason == CoolDownReason.THROTTLED) {
      LOG.warn(
          "backend '{}' deployment '{}' cools down for {} ms ({}); calls go to other routes",
          route.backendId(),
          route.deployment.name(),
          duration.toMillis(),
          reason.attributeValue());
    } else {
      LOG.debug(
          "backend '{}' deployment '{}' cools down for {} ms ({})",
          route.backendId(),
          route.deployment.name(),
          duration.toMillis(),
          reason.attributeValue());
    }
    for (PoolListener listener : listeners) {
      try {
        listener.onCoolDown(route.backendId(), route.deployment.name(), duration, reason);
      } catch (RuntimeException e) {
        LOG.warn("listener {} failed in onCoolDown", listener.getClass().getName(), e);
      }
    }
  }

  @Override
  public void onCircuitStateChange(BackendRuntime backend, CircuitState from, CircuitState to) {
    if (to == CircuitState.OPEN) {
      LOG.warn("backend '{}': circuit {} -> OPEN", backend.id(), from);
    } else {
      LOG.info("backend '{}': circuit {} -> {}", backend.id(), from, to);
    }
    for (PoolListener listener : listeners) {
      try {
        listener.onCircuitStateChange(backend.id(), from, to);
      } catch (RuntimeException e) {
        LOG.warn("listener {} failed in onCircuitStateChange", listener.getClass().getName(), e);
      }
    }
  }
}
