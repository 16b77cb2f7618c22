package dev.spillway.internal;

import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.AttemptsExhaustedException;
import dev.spillway.CallOutcome;
import dev.spillway.CallRequest;
import dev.spillway.NoBackendAvailableException;
import dev.spillway.Usage;
import dev.spillway.spi.AttemptResponse;
import dev.spillway.spi.AttemptTimeoutException;
import dev.spillway.spi.ResponseHeaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's attempt loop as a state machine, shared by the sync and the async driver: {@link
 * #next} decides the next step (an attempt, a wait, or the end), {@link #onResult} applies an
 * attempt's outcome (docs/design.md "Outcomes of an attempt") and decides whether the call goes on.
 *
 * <p>A driver calls {@code next} and {@code onResult} from one logical thread at a time; {@link
 * #cancel} and the completion of an admitted attempt may come from any thread.
 *
 * @param <R> the transport's response type
 */
final class Call<R> {
  private static final Logger LOG = LoggerFactory.getLogger(Call.class);

  /** Jitter keeps the laps of many failing calls from lining up: a delay in [½, 1] × backoff. */
  private static final double JITTER = 0.5;

  /** Backoff between laps doubles up to this many times its base (100 ms → 5 s). */
  private static final int LAP_BACKOFF_MAX_FACTOR = 50;

  enum Step {
    ATTEMPT,
    WAIT,
    DONE
  }

  enum Decision {
    /** The call got its answer: hand {@link #payload} to the caller. */
    RETURN,
    /** The call ended without success: {@link #payload} or {@link #failure} goes to the caller. */
    DONE,
    /** Go on with {@link #next}. */
    CONTINUE
  }

  final Engine engine;
  final CallRequest request;
  final String callId;
  final long cost;
  private final ModelRoutes routes;
  private final Selector.Selection selection;
  private final Consumer<R> discard;
  private final long startNanos;
  private final long deadlineNanos;
  private final int maxAttempts;
  private final Span span;
  private final List<AttemptRecord> attempts = new ArrayList<>();
  private final List<Throwable> causes = new ArrayList<>();
  private final AtomicBoolean finished = new AtomicBoolean();
  private int attemptsMade;
  private int lap;
  private R lastResponse;
  private Integer lastStatus;
  private volatile boolean cancelled;

  /** The attempt {@link #next} started. */
  volatile AttemptImpl current;

  /** How long {@link #next} asks the driver to wait. */
  long waitNanos;

  /** What goes back to the caller after {@link Decision#RETURN} or a {@link Step#DONE}. */
  R payload;

  /** The exception for the caller when the call ended without a response to return. */
  RuntimeException failure;

  Call(
      Engine engine, CallRequest request, ModelRoutes routes, Consumer<R> discard, Context parent) {
    this.engine = engine;
    this.request = request;
    this.routes = routes;
    this.discard = discard;
    this.callId = engine.nextCallId();
    long maxOutput =
        request.maxOutputTokens() > 0
            ? request.maxOutputTokens()
            : engine.settings.defaultMaxOutputTokens();
    this.cost = request.promptTokens() + maxOutput;
    this.selection = new Selector.Selection(routes.routes.length);
    this.startNanos = engine.ticker.read();
    Duration timeout = request.timeout() != null ? request.timeout() : engine.settings.timeout();
    this.deadlineNanos = Nanos.plus(startNanos, timeout.toNanos());
    int configured = engine.settings.maxAttempts();
    this.maxAttempts = configured > 0 ? configured : Math.max(1, 2 * routes.enabledCount());
    this.span = engine.telemetry.startCall(request, parent);
  }

  /** Decides the next step at {@code nowNanos}. */
  Step next(long nowNanos) {
    if (cancelled) {
      finishCancelled(nowNanos);
      return Step.DONE;
    }
    if (attemptsMade >= maxAttempts) {
      end("its " + maxAttempts + " attempts ran out", nowNanos);
      return Step.DONE;
    }
    if (nowNanos >= deadlineNanos) {
      end("its deadline passed", nowNanos);
      return Step.DONE;
    }
    for (int guard = 0; guard <= routes.routes.length; guard++) {
      int i = engine.selector.select(routes, selection, cost, nowNanos);
      if (i == Selector.NONE) {
        break;
      }
      RouteRuntime route = routes.routes[i];
      int flags = route.tryClaim(cost, nowNanos);
      if (flags == 0) {
        selection.markTried(i); // another call took the probe slot; look again
        continue;
      }
      engine.telemetry.outstanding(route, 1);
      long attemptTimeout =
          request.streaming()
              ? engine.settings.streamAttemptTimeout().toNanos()
              : engine.settings.attemptTimeout().toNanos();
      current =
          new AttemptImpl(
              this,
              route,
              i,
              ++attemptsMade,
              flags,
              nowNanos,
              Math.min(attemptTimeout, deadlineNanos - nowNanos),
              engine.telemetry.startAttempt(span, route));
      return Step.ATTEMPT;
    }
    return planWait(nowNanos);
  }

  private Step planWait(long nowNanos) {
    long earliest = selection.earliestNanos;
    boolean backoff = selection.triedAvailable;
    if (!backoff && earliest == RouteRuntime.NEVER) {
      end(null, nowNanos); // every route disabled: nothing to wait for
      return Step.DONE;
    }
    long wait = earliest == RouteRuntime.NEVER ? Long.MAX_VALUE : earliest - nowNanos;
    if (backoff) {
      wait = Math.min(wait, lapBackoff());
    }
    long limit = deadlineNanos - nowNanos;
    if (engine.settings.maxWait() != null) {
      limit = Math.min(limit, engine.settings.maxWait().toNanos());
    }
    if (wait > limit) {
      end(backoff ? "its deadline passed" : null, nowNanos);
      return Step.DONE;
    }
    lap++;
    selection.newLap();
    engine.telemetry.waited(span, wait);
    waitNanos = wait;
    return Step.WAIT;
  }

  private long lapBackoff() {
    long base = Nanos.doubled(engine.settings.lapBackoff().toNanos(), lap, LAP_BACKOFF_MAX_FACTOR);
    return (long) (base * (1 - JITTER + JITTER * engine.random.nextDouble()));
  }

  /** Applies the outcome of {@code attempt}: a response, or the exception of a failed send. */
  Decision onResult(
      AttemptImpl attempt, AttemptResponse<R> response, Throwable error, long nowNanos) {
    long latency = nowNanos - attempt.startNanos;
    RouteRuntime route = attempt.route;
    int flags = attempt.claimFlags;
    if (response == null) {
      return onFailure(attempt, error, latency, nowNanos);
    }
    int status = response.status();
    ResponseHeaders headers = response.headers();
    if (status >= 200 && status < 300) {
      route.onSuccess(latency, headers, flags, nowNanos);
      attempt.admittedStatus = status;
      attempt.latencyNanos = latency;
      payload = response.payload();
      discardLast();
      attempt.admit();
      return Decision.RETURN;
    }
    Classification kind =
        Classification.of(status, response.errorCode(), headers, engine.clock.millis());
    switch (kind.outcome) {
      case THROTTLED:
        {
          long applied =
              route.onThrottled(
                  latency,
                  headers,
                  kind.hintNanos,
                  engine.settings.throttleFallbackCoolDown().toNanos(),
                  flags,
                  nowNanos);
          settle(attempt, AttemptOutcome.THROTTLED, status, null, applied, latency);
          break;
        }
      case MISCONFIGURED:
        // ERROR once per state change (the circuit opening, the route starting to cool); the
        // calls that meet the same fault meanwhile are in the attempt's DEBUG line.
        if (kind.backendWide) {
          if (route.onBackendMisconfigured(flags, nowNanos)) {
            LOG.error(
                "backend '{}' refused the request with HTTP {}: check its credential and"
                    + " endpoint; its circuit is open",
                route.backendId(),
                status);
          }
          settle(attempt, AttemptOutcome.MISCONFIGURED, status, null, -1, latency);
        } else {
          boolean wasCooling = route.coolingAt(nowNanos);
          long applied =
              route.onMisconfigured(
                  engine.settings.misconfiguredCoolDown().toNanos(), flags, nowNanos);
          if (!wasCooling) {
            LOG.error(
                "backend '{}' deployment '{}' for model '{}' answered HTTP {} {}: check the"
                    + " deployment mapping; the route cools down",
                route.backendId(),
                route.deployment.name(),
                route.deployment.model(),
                status,
                response.errorCode());
          }
          settle(attempt, AttemptOutcome.MISCONFIGURED, status, null, applied, latency);
        }
        break;
      case CALLER_ERROR:
        route.onCallerError(headers, flags, nowNanos);
        settle(attempt, AttemptOutcome.CALLER_ERROR, status, null, -1, latency);
        payload = response.payload();
        discardLast();
        finish(status, null, zeroUsage(), route, null, nowNanos);
        return Decision.RETURN;
      default:
        route.onTransientFailure(latency, flags, nowNanos, false);
        settle(attempt, AttemptOutcome.FAILED, status, null, -1, latency);
        break;
    }
    selection.markTried(attempt.groupIndex);
    keepLast(response.payload(), status);
    return afterFailedAttempt(nowNanos);
  }

  private Decision onFailure(AttemptImpl attempt, Throwable error, long latency, long nowNanos) {
    RouteRuntime route = attempt.route;
    boolean cancellation =
        error instanceof CancellationException || error instanceof InterruptedException;
    if (cancellation && !attempt.timedOut) {
      route.onCancelled(attempt.claimFlags, nowNanos);
      settle(attempt, AttemptOutcome.CANCELLED, null, error.getClass().getName(), -1, latency);
      cancelled = true;
      finishCancelled(nowNanos);
      return Decision.DONE;
    }
    Throwable cause =
        attempt.timedOut
            ? new AttemptTimeoutException(route.backendId(), attempt.timeout())
            : error;
    boolean refused =
        !attempt.timedOut
            && latency < route.backend.refusalMaxNanos()
            && hasCause(error, ConnectException.class);
    route.onTransientFailure(latency, attempt.claimFlags, nowNanos, refused);
    settle(attempt, AttemptOutcome.FAILED, null, cause.getClass().getName(), -1, latency);
    causes.add(cause);
    selection.markTried(attempt.groupIndex);
    return afterFailedAttempt(nowNanos);
  }

  private Decision afterFailedAttempt(long nowNanos) {
    if (cancelled) {
      finishCancelled(nowNanos);
      return Decision.DONE;
    }
    return Decision.CONTINUE;
  }

  /** The transport settled an admitted attempt. */
  void onCompletion(AttemptImpl attempt, AttemptImpl.Settle settle) {
    long nowNanos = engine.ticker.read();
    RouteRuntime route = attempt.route;
    Usage usage =
        settle.usage() != null ? settle.usage() : Usage.estimated(request.promptTokens(), 0);
    switch (settle.kind()) {
      case COMPLETE:
        settle(
            attempt,
            AttemptOutcome.SUCCESS,
            attempt.admittedStatus,
            null,
            -1,
            attempt.latencyNanos);
        break;
      case FAIL:
        route.onTransientFailure(attempt.latencyNanos, 0, nowNanos, false);
        settle(
            attempt,
            AttemptOutcome.FAILED,
            attempt.admittedStatus,
            settle.error().getClass().getName(),
            -1,
            attempt.latencyNanos);
        break;
      default:
        settle(
            attempt,
            AttemptOutcome.CANCELLED,
            attempt.admittedStatus,
            null,
            -1,
            attempt.latencyNanos);
        break;
    }
    route.inputTokens.add(usage.inputTokens());
    route.outputTokens.add(usage.outputTokens());
    finish(
        attempt.admittedStatus,
        settle.kind() == AttemptImpl.Settle.Kind.FAIL ? settle.error() : null,
        usage,
        route,
        settle.responseModel(),
        nowNanos);
  }

  /** Cancels the call from any thread; the driver settles the attempt in flight. */
  void cancel() {
    cancelled = true;
  }

  boolean cancelled() {
    return cancelled;
  }

  /** Settles the attempt the call is abandoning because of an unexpected error of the driver. */
  void abort(Throwable error) {
    AttemptImpl attempt = current;
    long now = engine.ticker.read();
    if (attempt != null && attempt.release()) {
      attempt.close();
      attempt.route.onCancelled(attempt.claimFlags, now);
      attempt.span.end();
    }
    finish(lastStatus, error, zeroUsage(), null, null, now);
  }

  private void settle(
      AttemptImpl attempt,
      AttemptOutcome outcome,
      Integer status,
      String errorType,
      long coolDownNanos,
      long latencyNanos) {
    if (!attempt.release()) {
      return;
    }
    if ((outcome != AttemptOutcome.SUCCESS && outcome != AttemptOutcome.CANCELLED)
        || attempt.admittedStatus == 0) {
      attempt.close();
    }
    RouteRuntime route = attempt.route;
    AttemptRecord record =
        new AttemptRecord(
            attempt.number,
            route.backendId(),
            route.tier,
            route.deployment.name(),
            outcome,
            status,
            errorType,
            coolDownNanos >= 0 ? Duration.ofNanos(coolDownNanos) : null,
            Duration.ofNanos(attempt.startNanos - startNanos),
            Duration.ofNanos(latencyNanos));
    synchronized (attempts) {
      attempts.add(record);
    }
    engine.telemetry.endAttempt(attempt.span, record);
    engine.notifyAttempt(callId, record);
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "call {} attempt {} on '{}'/'{}': {} {}",
          callId,
          attempt.number,
          route.backendId(),
          route.deployment.name(),
          outcome,
          status != null ? status : errorType);
    }
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
  private void end(String reason, long nowNanos) {
    if (lastResponse != null && request.returnLastResponse()) {
      payload = lastResponse;
      lastResponse = null;
      finish(lastStatus, null, zeroUsage(), null, null, nowNanos);
      return;
    }
    discardLast();
    List<AttemptRecord> made = attemptsSoFar();
    if (reason == null) {
      long earliest = selection.earliestNanos;
      Duration retryAfter =
          earliest == RouteRuntime.NEVER
              ? null
              : Duration.ofNanos(Math.max(0, earliest - nowNanos));
      Instant at = retryAfter == null ? null : engine.clock.instant().plus(retryAfter);
      failure =
          new NoBackendAvailableException(
              request.model(), retryAfter, at, engine.backendSnapshots(routes), made, causes);
    } else {
      failure =
          new AttemptsExhaustedException(
              "call "
                  + callId
                  + " for model '"
                  + request.model()
                  + "' failed: "
                  + reason
                  + " after "
                  + made.size()
                  + " attempt(s)"
                  + describe(made),
              made,
              causes);
    }
    finish(lastStatus, failure, zeroUsage(), null, null, nowNanos);
  }

  private void finishCancelled(long nowNanos) {
    AttemptImpl attempt = current;
    if (attempt != null && attempt.release()) {
      // a wait or an attempt whose driver has not reported yet
      attempt.close();
      attempt.route.onCancelled(attempt.claimFlags, nowNanos);
      attempt.span.end();
    }
    discardLast();
    failure = new CancellationException("call " + callId + " cancelled");
    finish(lastStatus, failure, zeroUsage(), null, null, nowNanos);
  }

  private void finish(
      Integer status,
      Throwable error,
      Usage usage,
      RouteRuntime finalRoute,
      String responseModel,
      long nowNanos) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    CallOutcome outcome =
        new CallOutcome(
            callId,
            request.operation(),
            request.model(),
            request.consumerId(),
            request.tags(),
            request.streaming(),
            finalRoute != null ? finalRoute.backendId() : null,
            finalRoute != null ? finalRoute.deployment.name() : null,
            attemptsSoFar(),
            status,
            error,
            usage,
            Duration.ofNanos(Math.max(0, nowNanos - startNanos)));
    engine.telemetry.endCall(span, outcome, finalRoute, responseModel);
    engine.notifyCallComplete(outcome);
  }

  private Usage zeroUsage() {
    return Usage.estimated(0, 0);
  }

  private List<AttemptRecord> attemptsSoFar() {
    synchronized (attempts) {
      return List.copyOf(attempts);
    }
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

  private static String describe(List<AttemptRecord> made) {
    StringBuilder s = new StringBuilder();
    for (AttemptRecord a : made) {
      s.append(s.length() == 0 ? ": " : ", ")
          .append(a.backendId())
          .append('/')
          .append(a.deployment())
          .append(' ')
          .append(a.status() != null ? "HTTP " + a.status() : a.errorType());
    }
    return s.toString();
  }
}
