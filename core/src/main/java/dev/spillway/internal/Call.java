package dev.spillway.internal;

import dev.spillway.AttemptOutcome;
import dev.spillway.NoBackendAvailableException;
import dev.spillway.PoolSettings;
import dev.spillway.Usage;
import dev.spillway.spi.AttemptResponse;
import dev.spillway.spi.AttemptTimeoutException;
import dev.spillway.spi.CallRequest;
import dev.spillway.spi.ResponseHeaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * One call's attempt loop as a state machine, shared by {@link SyncDriver} and {@link AsyncDriver}:
 * {@link #next} decides the next {@link Step} (send an attempt, wait, or done), and {@link
 * #onResult} applies an attempt's outcome (docs/design.md "Outcomes of an attempt") and returns the
 * step after it. The call reports every attempt and its outcome through its {@link CallHistory}.
 *
 * <p>A driver calls {@code next} and {@code onResult} from one logical thread at a time; {@link
 * #cancel} and the completion of an admitted attempt may come from any thread.
 *
 * <p>Longer than most files (about 400 lines): the loop's decisions and the outcome table read and
 * write the same per-call state (laps, the last response, the attempt in flight); split, each half
 * would reach into the other's fields. Recording (records, outcome) is in {@link CallHistory}.
 *
 * @param <R> the transport's response type
 */
final class Call<R> {
  /** Jitter keeps the laps of many failing calls from lining up: a delay in [½, 1] × backoff. */
  private static final double JITTER = 0.5;

  /** Backoff between laps doubles up to this many times its base (100 ms → 5 s). */
  private static final int LAP_BACKOFF_MAX_FACTOR = 50;

  final CallRequest request;
  final String callId;
  final long cost;
  private final CallServices services;
  private final PoolSettings settings;
  private final ModelRoutes routes;
  private final Selector.Selection selection;
  private final Consumer<R> discard;
  private final long deadlineNanos;
  private final int maxAttempts;
  private final Span span;
  private final CallHistory history;
  private int attemptsMade;
  private int lap;
  private R lastResponse;
  private Integer lastStatus;
  private volatile boolean cancelled;

  /** The attempt {@link #next} started last, which a cancel or an abort settles. */
  private volatile InFlightAttempt current;

  Call(
      CallServices services,
      CallRequest request,
      ModelRoutes routes,
      Consumer<R> discard,
      Context parent) {
    this.services = services;
    this.settings = services.settings;
    this.request = request;
    this.routes = routes;
    this.discard = discard;
    this.callId = services.nextCallId();
    long maxOutput =
        request.maxOutputTokens() > 0
            ? request.maxOutputTokens()
            : settings.defaultMaxOutputTokens();
    this.cost = request.promptTokens() + maxOutput;
    this.selection = new Selector.Selection(routes.routes.length);
    long startNanos = services.ticker.read();
    Duration timeout = request.timeout() != null ? request.timeout() : settings.timeout();
    this.deadlineNanos = Nanos.plus(startNanos, timeout.toNanos());
    int configured = settings.maxAttempts();
    this.maxAttempts =
        request.pinnedBackend() != null
            ? 1
            : configured > 0 ? configured : Math.max(1, 2 * routes.enabledCount());
    this.span = services.events.callStarted(request, parent);
    this.history =
        new CallHistory(
            callId, request, startNanos, services.clock.instant(), span, services.events);
  }

  /** Decides the next step at {@code nowNanos}. */
  Step<R> next(long nowNanos) {
    if (cancelled) {
      return settleCancelled(nowNanos);
    }
    if (attemptsMade >= maxAttempts) {
      return end("its " + maxAttempts + " attempts ran out", nowNanos);
    }
    if (nowNanos >= deadlineNanos) {
      return end("its deadline passed", nowNanos);
    }
    for (int guard = 0; guard <= routes.routes.length; guard++) {
      int i = services.selector.select(routes, selection, cost, nowNanos);
      if (i == Selector.NONE) {
        break;
      }
      RouteRuntime route = routes.routes[i];
      int flags = route.tryClaim(cost, nowNanos);
      if (flags == 0) {
        selection.markTried(i); // another call took the probe slot; look again
        continue;
      }
      Span attemptSpan = services.events.attemptStarted(span, route);
      long attemptTimeout =
          request.pinnedBackend() != null
              ? Long.MAX_VALUE // a stateful operation (an upload) has the call's whole deadline
              : request.streaming()
                  ? settings.streamAttemptTimeout().toNanos()
                  : settings.attemptTimeout().toNanos();
      InFlightAttempt attempt =
          new InFlightAttempt(
              this,
              route,
              i,
              ++attemptsMade,
              flags,
              nowNanos,
              Math.min(attemptTimeout, deadlineNanos - nowNanos),
              attemptSpan,
              services.events);
      current = attempt;
      return new Step.Send<>(attempt);
    }
    return planWait(nowNanos);
  }

  private Step<R> planWait(long nowNanos) {
    long earliest = selection.earliestNanos;
    boolean backoff = selection.triedAvailable;
    if (!backoff && earliest == RouteRuntime.NEVER) {
      return end(null, nowNanos); // every route disabled: nothing to wait for
    }
    long wait = earliest == RouteRuntime.NEVER ? Long.MAX_VALUE : earliest - nowNanos;
    if (backoff) {
      wait = Math.min(wait, lapBackoff());
    }
    long limit = deadlineNanos - nowNanos;
    if (settings.maxWait() != null) {
      limit = Math.min(limit, settings.maxWait().toNanos());
    }
    if (wait > limit) {
      return end(backoff ? "its deadline passed" : null, nowNanos);
    }
    lap++;
    selection.newLap();
    services.events.waited(span, wait);
    return new Step.Wait<>(wait);
  }

  private long lapBackoff() {
    long base = Nanos.doubled(settings.lapBackoff().toNanos(), lap, LAP_BACKOFF_MAX_FACTOR);
    return (long) (base * (1 - JITTER + JITTER * services.random.nextDouble()));
  }

  /**
   * Applies the outcome of {@code attempt} (a response, or the exception of a failed send) and
   * decides the step after it.
   */
  Step<R> onResult(
      InFlightAttempt attempt, AttemptResponse<R> response, Throwable error, long nowNanos) {
    long latency = nowNanos - attempt.startNanos;
    if (response == null) {
      return onFailure(attempt, error, latency, nowNanos);
    }
    RouteRuntime route = attempt.route;
    int flags = attempt.claimFlags;
    int status = response.status();
    ResponseHeaders headers = response.headers();
    history.responded(nowNanos);
    if (status >= 200 && status < 300) {
      route.onSuccess(latency, headers, flags, nowNanos);
      discardLast();
      attempt.completion.admit(new AttemptCompletion.Admission(status, latency));
      return Step.Done.answered(response.payload());
    }
    if (status == 401 && response.renewedCredential()) {
      // a rotated key: the transport has the new one, so this is no misconfiguration; fail over
      // without the auth break, and the next attempt on this backend carries the new key
      route.onRenewedCredential(flags, nowNanos);
      settle(attempt, AttemptOutcome.FAILED, status, null, -1, latency);
      selection.markTried(attempt.groupIndex);
      keepLast(response.payload(), status);
      return next(nowNanos);
    }
    Classification kind =
        Classification.of(status, response.errorCode(), headers, services.clock.millis());
    switch (kind.outcome) {
      case THROTTLED:
        {
          long applied =
              route.onThrottled(
                  latency,
                  headers,
                  kind.hintNanos,
                  settings.throttleFallbackCoolDown().toNanos(),
                  flags,
                  nowNanos);
          settle(attempt, AttemptOutcome.THROTTLED, status, null, applied, latency);
          break;
        }
      case MISCONFIGURED:
        // logged once per state change (the circuit opening, the route starting to cool); the
        // calls that meet the same fault meanwhile are in the attempt's DEBUG line.
        if (kind.backendWide) {
          if (route.onBackendMisconfigured(flags, nowNanos)) {
            services.events.backendMisconfigured(route, status);
          }
          settle(attempt, AttemptOutcome.MISCONFIGURED, status, null, -1, latency);
        } else {
          RouteRuntime.CoolDownApplied applied =
              route.onMisconfigured(settings.misconfiguredCoolDown().toNanos(), flags, nowNanos);
          if (applied.started()) {
            services.events.deploymentMisconfigured(route, status, response.errorCode());
          }
          settle(attempt, AttemptOutcome.MISCONFIGURED, status, null, applied.nanos(), latency);
        }
        break;
      case CALLER_ERROR:
        route.onCallerError(headers, flags, nowNanos);
        settle(attempt, AttemptOutcome.CALLER_ERROR, status, null, -1, latency);
        discardLast();
        history.finish(status, null, zeroUsage(), route, null, nowNanos);
        return Step.Done.answered(response.payload());
      default:
        route.onTransientFailure(latency, flags, nowNanos, false);
        settle(attempt, AttemptOutcome.FAILED, status, null, -1, latency);
        break;
    }
    selection.markTried(attempt.groupIndex);
    keepLast(response.payload(), status);
    return next(nowNanos);
  }

  private Step<R> onFailure(InFlightAttempt attempt, Throwable error, long latency, long nowNanos) {
    RouteRuntime route = attempt.route;
    boolean cancellation =
        error instanceof CancellationException || error instanceof InterruptedException;
    if (cancellation && !attempt.timedOut()) {
      route.onCancelled(attempt.claimFlags, nowNanos);
      settle(attempt, AttemptOutcome.CANCELLED, null, error.getClass().getName(), -1, latency);
      cancelled = true;
      return settleCancelled(nowNanos);
    }
    Throwable cause =
        attempt.timedOut()
            ? new AttemptTimeoutException(route.backendId(), attempt.timeout())
            : error;
    boolean refused =
        !attempt.timedOut()
            && latency < route.backend.refusalMaxNanos()
            && hasCause(error, ConnectException.class);
    route.onTransientFailure(latency, attempt.claimFlags, nowNanos, refused);
    settle(attempt, AttemptOutcome.FAILED, null, cause.getClass().getName(), -1, latency);
    history.cause(cause);
    selection.markTried(attempt.groupIndex);
    return next(nowNanos);
  }

  /** The transport settled an admitted attempt (through its {@link AttemptCompletion}). */
  void onCompletion(
      InFlightAttempt attempt,
      AttemptCompletion.Admission admitted,
      AttemptCompletion.Settle settle) {
    long nowNanos = services.ticker.read();
    RouteRuntime route = attempt.route;
    Usage usage =
        settle.usage() != null ? settle.usage() : Usage.estimated(request.promptTokens(), 0);
    long latency = admitted.latencyNanos();
    Throwable error = null;
    switch (settle.kind()) {
      case COMPLETE:
        settle(attempt, AttemptOutcome.SUCCESS, admitted.status(), null, -1, latency);
        break;
      case FAIL:
        error = settle.error();
        route.onTransientFailure(latency, 0, nowNanos, false);
        settle(
            attempt,
            AttemptOutcome.FAILED,
            admitted.status(),
            error.getClass().getName(),
            -1,
            latency);
        break;
      default:
        settle(attempt, AttemptOutcome.CANCELLED, admitted.status(), null, -1, latency);
        break;
    }
    route.inputTokens.add(usage.inputTokens());
    route.outputTokens.add(usage.outputTokens());
    history.finish(admitted.status(), error, usage, route, settle.responseModel(), nowNanos);
  }

  /** Cancels the call from any thread; its driver settles it at its next step. */
  void cancel() {
    cancelled = true;
  }

  boolean cancelled() {
    return cancelled;
  }

  /**
   * Ends a cancelled call: settles the attempt no driver will report on any more (one waited on or
   * never reported) and reports the outcome.
   */
  Step.Done<R> settleCancelled(long nowNanos) {
    abandonCurrent(nowNanos);
    discardLast();
    CancellationException failure = new CancellationException("call " + callId + " cancelled");
    history.finish(lastStatus, failure, zeroUsage(), null, null, nowNanos);
    return Step.Done.cancelled(failure);
  }

  /** Settles the attempt the call is abandoning because of an unexpected error of the driver. */
  void abort(Throwable error) {
    long nowNanos = services.ticker.read();
    abandonCurrent(nowNanos);
    history.finish(lastStatus, error, zeroUsage(), null, null, nowNanos);
  }

  private void abandonCurrent(long nowNanos) {
    InFlightAttempt attempt = current;
    if (attempt != null && attempt.release()) {
      attempt.completion.close();
      attempt.route.onCancelled(attempt.claimFlags, nowNanos);
      services.events.attemptAbandoned(attempt.span);
    }
  }

  /** Settles {@code attempt} once: gives back its claim, closes its handle, records it. */
  private void settle(
      InFlightAttempt attempt,
      AttemptOutcome outcome,
      Integer status,
      String errorType,
      long coolDownNanos,
      long latencyNanos) {
    if (!attempt.release()) {
      return;
    }
    attempt.completion.close(); // does nothing when the settle comes through the handle
    history.attempt(attempt, outcome, status, errorType, coolDownNanos, latencyNanos);
  }

  private void keepLast(R response, int status) {
    discardLast();
    lastResponse = response;
    lastStatus = status;
  }

  private void discardLast() {
    if (lastResponse != null) {
      R old = lastResponse;
      lastResponse = null;
      discard.accept(old);
    }
  }

  /** Ends the call without success; {@code reason} null means no route could be reached in time. */
  private Step.Done<R> end(String reason, long nowNanos) {
    if (lastResponse != null && request.returnLastResponse()) {
      R last = lastResponse;
      lastResponse = null;
      history.finish(lastStatus, null, zeroUsage(), null, null, nowNanos);
      return Step.Done.answered(last);
    }
    discardLast();
    RuntimeException failure;
    if (reason == null) {
      long earliest = selection.earliestNanos;
      Duration retryAfter =
          earliest == RouteRuntime.NEVER
              ? null
              : Duration.ofNanos(Math.max(0, earliest - nowNanos));
      Instant at = retryAfter == null ? null : services.clock.instant().plus(retryAfter);
      failure =
          new NoBackendAvailableException(
              request.model(),
              retryAfter,
              at,
              services.snapshots.backends(routes),
              history.attempts(),
              history.causes());
    } else {
      failure = history.exhausted(reason);
    }
    history.finish(lastStatus, failure, zeroUsage(), null, null, nowNanos);
    return Step.Done.failed(failure);
  }

  private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
    int depth = 0;
    for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static Usage zeroUsage() {
    return Usage.estimated(0, 0);
  }
}
