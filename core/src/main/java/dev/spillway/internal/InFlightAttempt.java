package dev.spillway.internal;

import dev.spillway.Backend;
import dev.spillway.Deployment;
import dev.spillway.spi.Attempt;
import dev.spillway.spi.CompletionHandle;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * One attempt of a call while it holds a claim on its route: what the transport is told ({@link
 * Attempt}), what the call needs to judge the result, and the claim (outstanding count and ledger
 * entry) it gives back exactly once. Its {@link AttemptCompletion} is the separate handle a
 * transport settles after a 2xx.
 *
 * <p>Thread-safe: a driver's timer and the transport's threads may touch it concurrently.
 */
final class InFlightAttempt implements Attempt {
  final RouteRuntime route;
  final int groupIndex;
  final int number;
  final int claimFlags;

  /** The route's send counts including this attempt's claim ({@link QuotaMemory#claimed}). */
  final long[] marks;

  final long startNanos;
  final long timeoutNanos;
  final Span span;
  final AttemptCompletion completion;
  private final String callId;
  private final boolean streaming;
  private final long cost;
  private final EventSink events;
  private final AtomicBoolean released = new AtomicBoolean();
  private volatile boolean timedOut;

  InFlightAttempt(
      Call<?> call,
      RouteRuntime route,
      int groupIndex,
      int number,
      int claimFlags,
      long[] claimMarks,
      long startNanos,
      long timeoutNanos,
      Span span,
      EventSink events) {
    this.callId = call.callId;
    this.streaming = call.request.streaming();
    this.cost = call.cost;
    this.route = route;
    this.groupIndex = groupIndex;
    this.number = number;
    this.claimFlags = claimFlags;
    this.marks = claimMarks.clone();
    this.startNanos = startNanos;
    this.timeoutNanos = timeoutNanos;
    this.span = span;
    this.events = events;
    this.completion = new AttemptCompletion(call, this);
  }

  @Override
  public String callId() {
    return callId;
  }

  @Override
  public int number() {
    return number;
  }

  @Override
  public Backend backend() {
    return route.backend.backend;
  }

  @Override
  public Deployment deployment() {
    return route.deployment;
  }

  @Override
  public boolean streaming() {
    return streaming;
  }

  @Override
  public Duration timeout() {
    return Duration.ofNanos(timeoutNanos);
  }

  @Override
  public CompletionHandle completion() {
    return completion;
  }

  @Override
  public void injectTraceContext(BiConsumer<String, String> header) {
    events.injectTraceContext(span, header);
  }

  /** A driver's timer gave up on the attempt; the failure it then reports is a timeout. */
  void markTimedOut() {
    timedOut = true;
  }

  boolean timedOut() {
    return timedOut;
  }

  /** Whether the attempt has been settled (its claim given back). */
  boolean released() {
    return released.get();
  }

  /** Gives back the route's outstanding count and ledger entry; true only the first time. */
  boolean release() {
    if (!released.compareAndSet(false, true)) {
      return false;
    }
    route.release(cost);
    events.attemptReleased(route);
    return true;
  }
}
