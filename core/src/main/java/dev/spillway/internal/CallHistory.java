package dev.spillway.internal;

import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.AttemptsExhaustedException;
import dev.spillway.CallOutcome;
import dev.spillway.Priority;
import dev.spillway.RejectionReason;
import dev.spillway.Usage;
import dev.spillway.spi.CallRequest;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one call has done so far: the record of each attempt, the causes of failed sends, and its
 * one outcome. Each entry is reported to the {@link EventSink} as it is made; {@link Call} decides,
 * this keeps the account.
 *
 * <p>Thread-safe: an admitted attempt is recorded from the transport's thread.
 */
final class CallHistory {
  private final String callId;
  private final CallRequest request;
  private final long startNanos;
  private final Span span;
  private final EventSink events;
  private final List<AttemptRecord> attempts = new ArrayList<>();
  private final List<Throwable> causes = new ArrayList<>();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final Instant startedAt;

  private final Priority priority;
  private final ConsumerAccount account;

  /** The admitted call's estimate on its consumer's ledger, to reconcile with actual usage. */
  private volatile long admittedCost;

  private volatile long admittedAtMillis = Long.MIN_VALUE;
  private volatile long admittedPeriodStart = Long.MIN_VALUE;
  private volatile RejectionReason rejection;

  /** When the last response's headers came, or -1 before any; written by the call's driver. */
  private volatile long respondedNanos = -1;

  CallHistory(
      String callId,
      CallRequest request,
      long startNanos,
      Instant startedAt,
      Span span,
      EventSink events,
      Priority priority,
      ConsumerAccount account) {
    this.priority = priority;
    this.account = account;
    this.callId = callId;
    this.request = request;
    this.startNanos = startNanos;
    this.startedAt = startedAt;
    this.span = span;
    this.events = events;
  }

  /** The consumer's ledger counted {@code cost} for this call at {@code atMillis}. */
  void admitted(long cost, long atMillis, long periodStart) {
    this.admittedCost = cost;
    this.admittedPeriodStart = periodStart;
    this.admittedAtMillis = atMillis;
  }

  /** The pool rejected the call; {@link #finish} records why. */
  void rejected(RejectionReason reason) {
    this.rejection = reason;
  }

  /** A response's headers came at {@code nowNanos}: the call's first byte, if it is the last. */
  void responded(long nowNanos) {
    respondedNanos = nowNanos;
  }

  /** Records how {@code attempt} ended; {@code coolDownNanos} is negative when none applied. */
  void attempt(
      InFlightAttempt attempt,
      AttemptOutcome outcome,
      Integer status,
      String errorType,
      long coolDownNanos,
      long latencyNanos) {
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
    events.attemptEnded(callId, attempt.span, record);
  }

  /** Keeps the exception of a failed send, for the caller's exception. */
  void cause(Throwable cause) {
    causes.add(cause);
  }

  List<Throwable> causes() {
    return causes;
  }

  List<AttemptRecord> attempts() {
    synchronized (attempts) {
      return List.copyOf(attempts);
    }
  }

  /** The exception of a call that ran out of attempts or time for {@code reason}. */
  AttemptsExhaustedException exhausted(String reason) {
    List<AttemptRecord> made = attempts();
    StringBuilder message =
        new StringBuilder("call ")
            .append(callId)
            .append(" for model '")
            .append(request.model())
            .append("' failed: ")
            .append(reason)
            .append(" after ")
            .append(made.size())
            .append(" attempt(s)");
    String separator = ": ";
    for (AttemptRecord a : made) {
      message
          .append(separator)
          .append(a.backendId())
          .append('/')
          .append(a.deployment())
          .append(' ')
          .append(a.status() != null ? "HTTP " + a.status() : a.errorType());
      separator = ", ";
    }
    return new AttemptsExhaustedException(message.toString(), made, causes);
  }

  /**
   * Reports the call's outcome, once; later calls do nothing.
   *
   * @param finalRoute the route that answered, or {@code null}
   * @param responseModel the model the response named, or {@code null}
   */
  void finish(
      Integer status,
      Throwable error,
      Usage usage,
      RouteRuntime finalRoute,
      String responseModel,
      long nowNanos) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    long responded = status == null ? -1 : respondedNanos;
    CallOutcome outcome =
        CallOutcome.builder(callId, request.operation(), request.model())
            .consumerId(request.consumerId())
            .tags(request.tags())
            .streamed(request.streaming())
            .finalRoute(
                finalRoute != null ? finalRoute.backendId() : null,
                finalRoute != null ? finalRoute.deployment.name() : null)
            .attempts(attempts())
            .status(status)
            .error(error)
            .usage(usage)
            .latency(Duration.ofNanos(Math.max(0, nowNanos - startNanos)))
            .startedAt(startedAt)
            .timeToFirstByte(
                responded < 0 ? null : Duration.ofNanos(Math.max(0, responded - startNanos)))
            .contentFilter(events.contentFilter(request.observer()))
            .priority(priority)
            .rejection(rejection)
            .build();
    if (account != null) {
      long at = admittedAtMillis;
      if (at != Long.MIN_VALUE) {
        long actual = usage.inputTokens() + usage.outputTokens();
        account.ledger.reconcile(at, admittedPeriodStart, actual - admittedCost);
      }
      account.settled(outcome, finalRoute != null ? finalRoute.tier : -1);
    }
    events.observed(request.observer(), outcome);
    events.callEnded(span, outcome, finalRoute, responseModel, account != null && account.declared);
  }
}
