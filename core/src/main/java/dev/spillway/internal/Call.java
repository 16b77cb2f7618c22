package dev.spillway.internal;

import dev.spillway.AttemptOutcome;
import dev.spillway.CallRejectedException;
import dev.spillway.ConsumerPolicy;
import dev.spillway.NoBackendAvailableException;
import dev.spillway.PoolSettings;
import dev.spillway.Priority;
import dev.spillway.PriorityPolicy;
import dev.spillway.QuotaExceededException;
import dev.spillway.RejectionReason;
import dev.spillway.Usage;
import dev.spillway.spi.AttemptResponse;
import dev.spillway.spi.AttemptTimeoutException;
import dev.spillway.spi.CallRequest;
import dev.spillway.spi.PoolStateStore;
import dev.spillway.spi.ResponseHeaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

  /**
   * An attempt is hedged once it outlives this many times the success latency of the fastest route
   * in its tier. The peak EWMA of successes sits near the top of a route's latencies, so at twice
   * it an attempt is late beyond what the tier can do. Measured against the tier, not the attempt's
   * own route: a route that has turned slow has a slow estimate of its own.
   */
  static final double HEDGE_DELAY_FACTOR = 2;

  /** Backoff between laps doubles up to this many times its base (100 ms → 5 s). */
  private static final int LAP_BACKOFF_MAX_FACTOR = 50;

  final CallRequest request;
  final String callId;
  final long cost;
  private final CallServices services;
  private final PoolSettings settings;
  private final ModelRoutes routes;
  private final Selector.Selection selection;

  /** Until when the call may wait for headroom (settings' maxWait from its start). */
  private final long waitUntilNanos;

  /** The send counts of the route the last claim took (see {@link RouteRuntime#tryClaim}). */
  private final long[] claimMarks = new long[QuotaMemory.MARKS];

  private final Consumer<R> discard;
  private final long deadlineNanos;
  private final int maxAttempts;
  private final Span span;
  private final CallHistory history;
  private final Priority priority;
  private final PriorityPolicy priorityPolicy;
  private final ConsumerAccount account;

  /** Until when the call waits for a cooling tier 0 rather than spill; MIN_VALUE for never. */
  private final long spillUntilNanos;

  private boolean admitted;

  /** Whether the call is counted as an interactive waiter of its model. */
  private boolean interactiveWaiting;

  /** The call's place in its model's wait queue, once it had to wait for headroom. */
  private WaitQueue.Waiter waiter;

  private int attemptsMade;
  private int lap;
  private R lastResponse;
  private Integer lastStatus;
  private volatile boolean cancelled;

  /** The attempt {@link #next} started last, which a cancel or an abort settles. */
  private volatile InFlightAttempt current;

  /** The attempt a hedge raced, which a cancel or an abort settles too; null before a hedge. */
  private volatile InFlightAttempt hedgedAttempt;

  /** Whether the call's driver can race a hedge (async, not streamed, not pinned). */
  private boolean hedging;

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
    Duration maxWait = settings.maxWait();
    // a bound at least the deadline is the deadline (and keeps toNanos() from overflowing)
    this.waitUntilNanos =
        maxWait == null || maxWait.compareTo(timeout) >= 0
            ? deadlineNanos
            : Nanos.plus(startNanos, maxWait.toNanos());
    int configured = settings.maxAttempts();
    this.maxAttempts =
        request.pinnedBackend() != null
            ? 1
            : configured > 0 ? configured : Math.max(1, 2 * routes.enabledCount());
    this.account = services.consumers.account(request.consumerId());
    Priority asked = request.priority();
    if (asked == null && account != null) {
      asked = account.policy.priority();
    }
    this.priority = asked != null ? asked : Priority.INTERACTIVE;
    this.priorityPolicy = services.consumers.settings().policy(priority);
    Duration spill =
        account != null && account.policy.spillAfter() != null
            ? account.policy.spillAfter()
            : priorityPolicy.spillAfter();
    this.spillUntilNanos =
        spill.isZero() || request.pinnedBackend() != null
            ? Long.MIN_VALUE
            : Nanos.plus(startNanos, spill.toNanos());
    this.span = services.events.callStarted(request, parent);
    this.history =
        new CallHistory(
            callId,
            request,
            startNanos,
            services.clock.instant(),
            span,
            services.events,
            priority,
            account);
  }

  /** The consumer's admission, once, before any attempt: {@code null} when admitted. */
  private Step<R> admit(long nowNanos) {
    admitted = true;
    if (account == null || request.pinnedBackend() != null) {
      return null;
    }
    ConsumerPolicy policy = account.policy;
    if (!policy.models().isEmpty() && !policy.models().contains(request.model())) {
      return reject(
          new CallRejectedException(
              RejectionReason.MODEL_NOT_ALLOWED,
              account.id,
              priority,
              null,
              null,
              "model '" + request.model() + "' is not in its models " + sorted(policy.models())),
          nowNanos);
    }
    if (!account.limited()) {
      return null;
    }
    Instant wallNow = services.clock.instant();
    long nowMillis = wallNow.toEpochMilli();
    long periodStart =
        policy.tokenQuota() > 0
            ? policy.tokenQuotaPeriod().start(wallNow).toEpochMilli()
            : Long.MIN_VALUE;
    PoolStateStore.Admission a =
        account.ledger.tryAdmit(
            nowMillis,
            cost,
            policy.tpmLimit(),
            policy.rpmLimit(),
            policy.tokenQuota(),
            periodStart);
    if (a.admitted()) {
      history.admitted(cost, nowMillis, periodStart);
      return null;
    }
    if (a.reason() == RejectionReason.QUOTA_EXCEEDED) {
      Instant resets = policy.tokenQuotaPeriod().next(wallNow);
      return reject(
          new QuotaExceededException(
              account.id,
              priority,
              policy.tokenQuota(),
              a.used(),
              policy.tokenQuotaPeriod(),
              Duration.between(wallNow, resets),
              resets),
          nowNanos);
    }
    Duration retryAfter = Duration.ofMillis(Math.max(0, a.retryAtEpochMillis() - nowMillis));
    long limit = "rpm-limit".equals(a.limitName()) ? policy.rpmLimit() : policy.tpmLimit();
    return reject(
        new CallRejectedException(
            RejectionReason.CONSUMER_LIMIT,
            account.id,
            priority,
            retryAfter,
            Instant.ofEpochMilli(a.retryAtEpochMillis()),
            a.limitName()
                + " "
                + limit
                + " per minute, "
                + a.used()
                + " counted, this call "
                + ("rpm-limit".equals(a.limitName()) ? "1 request" : cost + " tokens")),
        nowNanos);
  }

  private static List<String> sorted(java.util.Set<String> models) {
    return models.stream().sorted().toList();
  }

  /** Ends the call with a rejection of the pool's own: nothing more is sent. */
  private Step<R> reject(CallRejectedException failure, long nowNanos) {
    leaveQueue();
    discardLast();
    history.rejected(failure.reason());
    history.finish(null, failure, zeroUsage(), null, null, nowNanos);
    return Step.Done.failed(failure);
  }

  private void endInteractiveWait() {
    if (interactiveWaiting) {
      interactiveWaiting = false;
      routes.queue.endInteractiveWait();
    }
  }

  /** Leaves the wait queue, if the call is in it, and lets the next waiter look. */
  private void leaveQueue() {
    endInteractiveWait();
    WaitQueue.Waiter w = waiter;
    if (w != null) {
      waiter = null;
      routes.queue.remove(w);
      routes.queue.signal();
    }
  }

  /** Decides the next step at {@code nowNanos}. */
  Step<R> next(long nowNanos) {
    if (cancelled) {
      return settleCancelled(nowNanos);
    }
    if (!admitted) {
      Step<R> rejected = admit(nowNanos);
      if (rejected != null) {
        return rejected;
      }
    }
    if (attemptsMade >= maxAttempts) {
      return end("its " + maxAttempts + " attempts ran out", nowNanos);
    }
    if (nowNanos >= deadlineNanos) {
      return waiter != null ? rejectDeadline(nowNanos) : end("its deadline passed", nowNanos);
    }
    if (priority == Priority.BATCH) {
      WaitQueue q = routes.queue;
      boolean behind =
          q.interactiveWaiting()
              || (waiter != null ? !q.isHead(waiter) : q.hasWaiterAtOrAbove(priority));
      if (behind) {
        return queue(deadlineNanos - nowNanos, nowNanos); // the calls ahead go first
      }
    }
    int maxTier = priorityPolicy.maxTier();
    if (spillUntilNanos != Long.MIN_VALUE && nowNanos < spillUntilNanos) {
      int firstTier = routes.routes[0].tier;
      if (maxTier > firstTier) {
        Step<R> first = trySend(Math.min(maxTier, firstTier), nowNanos);
        if (first != null) {
          return first;
        }
        long back = selection.earliestNanos;
        if (back != RouteRuntime.NEVER && back <= spillUntilNanos && back < deadlineNanos) {
          lap++;
          selection.newLap();
          services.events.waited(span, back - nowNanos);
          return new Step.Wait<>(back - nowNanos, null); // tier 0 returns soon: wait, not spill
        }
      }
    }
    Step<R> send = trySend(maxTier, nowNanos);
    return send != null ? send : planWait(nowNanos);
  }

  /** Claims a route of a tier up to {@code maxTier} and starts an attempt, or {@code null}. */
  private Step<R> trySend(int maxTier, long nowNanos) {
    double reserve = priorityPolicy.reserve();
    for (int guard = 0; guard <= routes.routes.length; guard++) {
      int i = services.selector.select(routes, selection, cost, reserve, maxTier, nowNanos);
      if (i == Selector.NONE) {
        return null;
      }
      RouteRuntime route = routes.routes[i];
      int flags = route.tryClaim(cost, nowNanos, claimMarks);
      if (flags == 0) {
        selection.markTried(i); // another call took the probe slot; look again
        continue;
      }
      leaveQueue(); // got a route: the next waiter may look for one too
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
              claimMarks,
              nowNanos,
              Math.min(attemptTimeout, deadlineNanos - nowNanos),
              attemptSpan,
              services.events);
      current = attempt;
      return new Step.Send<>(attempt);
    }
    return null;
  }

  private Step<R> planWait(long nowNanos) {
    long earliest = selection.earliestNanos;
    boolean backoff = selection.triedAvailable;
    boolean batch = priority == Priority.BATCH;
    if (!backoff && earliest == RouteRuntime.NEVER && !batch) {
      leaveQueue();
      return end(null, nowNanos); // every route disabled: nothing to wait for
    }
    long wait = earliest == RouteRuntime.NEVER ? Long.MAX_VALUE : earliest - nowNanos;
    if (backoff) {
      wait = Math.min(wait, lapBackoff());
    }
    long limit = deadlineNanos - nowNanos;
    if (!backoff && !batch) {
      // how long into the call it may still wait for headroom: under sustained overload a call
      // gets its 429 rather than a place in a line that only grows
      limit = Math.min(limit, waitUntilNanos - nowNanos);
    }
    if (wait > limit) {
      if (batch && !backoff) {
        // a batch call waits for headroom within its deadline, whatever the estimate says: the
        // routes' claims coming back wake it earlier than any estimate
        return queue(limit, nowNanos);
      }
      leaveQueue();
      return end(backoff ? "its deadline passed" : null, nowNanos);
    }
    lap++;
    selection.newLap();
    if (backoff) {
      services.events.waited(span, wait);
      return new Step.Wait<>(wait, waiter);
    }
    return queue(wait, nowNanos);
  }

  /** Waits in the model's queue for up to {@code nanos}, or is rejected when it is full. */
  private Step<R> queue(long nanos, long nowNanos) {
    routes.queue.noteWait(nowNanos);
    WaitQueue.Waiter w = null;
    boolean room;
    if (priority == Priority.BATCH) {
      w = routes.queue.enqueue(waiter, priority, priorityPolicy.queueCapacity());
      room = w != null;
    } else {
      room =
          interactiveWaiting || routes.queue.startInteractiveWait(priorityPolicy.queueCapacity());
      interactiveWaiting = room;
    }
    if (!room) {
      long earliest = selection.earliestNanos;
      Duration retryAfter =
          earliest == RouteRuntime.NEVER
              ? null
              : Duration.ofNanos(Math.max(0, earliest - nowNanos));
      return reject(
          new CallRejectedException(
              RejectionReason.QUEUE_FULL,
              request.consumerId(),
              priority,
              retryAfter,
              retryAfter == null ? null : services.clock.instant().plus(retryAfter),
              "queue-capacity "
                  + priorityPolicy.queueCapacity()
                  + " for model '"
                  + request.model()
                  + "'"),
          nowNanos);
    }
    waiter = w;
    selection.newLap();
    long wait = Math.max(0, Math.min(nanos, deadlineNanos - nowNanos));
    services.events.waited(span, wait);
    return new Step.Wait<>(wait, w);
  }

  private Step<R> rejectDeadline(long nowNanos) {
    long earliest = selection.earliestNanos;
    Duration retryAfter =
        earliest == RouteRuntime.NEVER || earliest <= nowNanos
            ? null
            : Duration.ofNanos(earliest - nowNanos);
    return reject(
        new CallRejectedException(
            RejectionReason.DEADLINE,
            request.consumerId(),
            priority,
            retryAfter,
            retryAfter == null ? null : services.clock.instant().plus(retryAfter),
            "no allowed route for model '"
                + request.model()
                + "' had headroom before the call's deadline"),
        nowNanos);
  }

  private long lapBackoff() {
    long base = Nanos.doubled(settings.lapBackoff().toNanos(), lap, LAP_BACKOFF_MAX_FACTOR);
    return (long) (base * (1 - JITTER + JITTER * services.random.nextDouble()));
  }

  /**
   * The driver can race a second attempt against a late one (the async driver, for a call that is
   * neither streamed nor pinned, with hedging on): the call adds its share to the model's hedge
   * budget.
   */
  void allowHedging() {
    if (routes.hedges.enabled() && !request.streaming() && request.pinnedBackend() == null) {
      hedging = true;
      routes.hedges.deposit();
    }
  }

  /**
   * When to hedge {@code attempt}, in nanoseconds after its start: {@value #HEDGE_DELAY_FACTOR}
   * times the success latency of the fastest route in its tier; -1 for never (hedging is off, the
   * call has hedged once or has no attempt left, no route of the tier has succeeded yet, or the
   * attempt would time out first).
   */
  long hedgeDelayNanos(InFlightAttempt attempt) {
    if (!hedging || hedgedAttempt != null || attemptsMade >= maxAttempts) {
      return -1;
    }
    double fastest = routes.fastestInTier(attempt.groupIndex);
    if (!(fastest > 0)) {
      return -1;
    }
    long delay = (long) Math.ceil(HEDGE_DELAY_FACTOR * fastest);
    return delay < attempt.timeoutNanos ? delay : -1;
  }

  /**
   * {@code attempt} outlived its hedge delay: its route's latency estimate learns of it ({@link
   * RouteRuntime#onLate}), and, if no call of the model has had to wait for headroom within a quota
   * window, the hedge budget has one and another route of the same tier (or a lower one) can take
   * the call now, the call's second attempt goes there. The first answer wins; the other attempt is
   * then cancelled. A call waiting for headroom says the quota is scarce: a hedge's duplicate would
   * then cost some other call its place, and the quota a window resets is spent by the window's end
   * anyway.
   *
   * @return the hedge to send, or {@code null} for none
   */
  Step<R> hedge(InFlightAttempt attempt, long nowNanos) {
    if (attempt.released() || cancelled || attempt != current) {
      return null;
    }
    attempt.route.onLate(nowNanos - attempt.startNanos, nowNanos);
    if (hedgedAttempt != null
        || attemptsMade >= maxAttempts
        || nowNanos >= deadlineNanos
        || routes.queue.waitedWithin(settings.quotaWindow().toNanos(), nowNanos)
        || !routes.hedges.tryTake()) {
      return null;
    }
    selection.markTried(attempt.groupIndex);
    Step<R> send = trySend(Math.min(priorityPolicy.maxTier(), attempt.route.tier), nowNanos);
    if (send == null) {
      routes.hedges.giveBack();
      return null;
    }
    hedgedAttempt = attempt;
    services.events.hedged(span, attempt.route, nowNanos - attempt.startNanos);
    return send;
  }

  /** The call's other attempt still in flight beside {@code attempt}, or {@code null}. */
  private InFlightAttempt sibling(InFlightAttempt attempt) {
    InFlightAttempt h = hedgedAttempt;
    if (h == null) {
      return null;
    }
    InFlightAttempt other = attempt == h ? current : h;
    return other != attempt && !other.released() ? other : null;
  }

  /** After {@code attempt} failed: wait for its sibling if one is in flight, else go on. */
  private Step<R> afterFailure(InFlightAttempt attempt, long nowNanos) {
    return sibling(attempt) != null ? new Step.Pending<>() : next(nowNanos);
  }

  /**
   * The result of an attempt that came after the call ended (the loser of a hedge): settles it, if
   * nothing has, as cancelled.
   */
  void lateResult(InFlightAttempt attempt, long nowNanos) {
    loseRace(attempt, nowNanos);
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
      route.onSuccess(latency, headers, attempt, nowNanos);
      loseRace(sibling(attempt), nowNanos);
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
      return afterFailure(attempt, nowNanos);
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
                  attempt,
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
        route.onCallerError(headers, attempt, nowNanos);
        settle(attempt, AttemptOutcome.CALLER_ERROR, status, null, -1, latency);
        loseRace(sibling(attempt), nowNanos);
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
    return afterFailure(attempt, nowNanos);
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
    return afterFailure(attempt, nowNanos);
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
    leaveQueue();
    abandonCurrent(nowNanos);
    discardLast();
    CancellationException failure = new CancellationException("call " + callId + " cancelled");
    history.finish(lastStatus, failure, zeroUsage(), null, null, nowNanos);
    return Step.Done.cancelled(failure);
  }

  /** Settles the attempt the call is abandoning because of an unexpected error of the driver. */
  void abort(Throwable error) {
    long nowNanos = services.ticker.read();
    leaveQueue();
    abandonCurrent(nowNanos);
    history.finish(lastStatus, error, zeroUsage(), null, null, nowNanos);
  }

  private void abandonCurrent(long nowNanos) {
    abandon(current, nowNanos);
    abandon(hedgedAttempt, nowNanos);
  }

  private void abandon(InFlightAttempt attempt, long nowNanos) {
    if (attempt != null && attempt.release()) {
      attempt.completion.close();
      attempt.route.onCancelled(attempt.claimFlags, nowNanos);
      services.events.attemptAbandoned(attempt.span);
    }
  }

  /**
   * Settles the attempt that lost a hedge's race, if still in flight: cancelled, recorded with the
   * time it had run; its driver cancels its send.
   */
  private void loseRace(InFlightAttempt attempt, long nowNanos) {
    if (attempt != null && !attempt.released()) {
      settle(attempt, AttemptOutcome.CANCELLED, null, null, -1, nowNanos - attempt.startNanos);
      attempt.route.onCancelled(attempt.claimFlags, nowNanos);
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
    leaveQueue();
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
