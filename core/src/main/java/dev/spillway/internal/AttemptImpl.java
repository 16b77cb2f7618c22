package dev.spillway.internal;

import dev.spillway.Backend;
import dev.spillway.Deployment;
import dev.spillway.Usage;
import dev.spillway.spi.Attempt;
import dev.spillway.spi.CompletionHandle;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * One attempt, and its completion handle. The handle's first settle wins; a settle that arrives
 * before the engine has classified the response (a transport settling a plain response before
 * returning it) is held until the engine admits the attempt.
 */
final class AttemptImpl implements Attempt, CompletionHandle {
  private static final int PENDING = 0;
  private static final int ADMITTED = 1;
  private static final int SETTLE_REQUESTED = 2;
  private static final int DONE = 3;

  final Call<?> call;
  final RouteRuntime route;
  final int groupIndex;
  final int number;
  final int claimFlags;
  final long startNanos;
  final long timeoutNanos;
  final Span span;

  /** Set by the async driver when it cancels the attempt for its timeout. */
  volatile boolean timedOut;

  /** Status of the admitted response, for the outcome at completion. */
  volatile int admittedStatus;

  volatile long latencyNanos;

  private final AtomicInteger state = new AtomicInteger(PENDING);
  private final AtomicReference<Settle> settle = new AtomicReference<>();
  private final AtomicBoolean released = new AtomicBoolean();

  AttemptImpl(
      Call<?> call,
      RouteRuntime route,
      int groupIndex,
      int number,
      int claimFlags,
      long startNanos,
      long timeoutNanos,
      Span span) {
    this.call = call;
    this.route = route;
    this.groupIndex = groupIndex;
    this.number = number;
    this.claimFlags = claimFlags;
    this.startNanos = startNanos;
    this.timeoutNanos = timeoutNanos;
    this.span = span;
  }

  @Override
  public String callId() {
    return call.callId;
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
    return call.request.streaming();
  }

  @Override
  public Duration timeout() {
    return Duration.ofNanos(timeoutNanos);
  }

  @Override
  public CompletionHandle completion() {
    return this;
  }

  @Override
  public void injectTraceContext(BiConsumer<String, String> header) {
    call.engine.telemetry.inject(span, header);
  }

  @Override
  public void complete(Usage usage) {
    complete(usage, null);
  }

  @Override
  public void complete(Usage usage, String responseModel) {
    request(new Settle(Settle.Kind.COMPLETE, usage, responseModel, null));
  }

  @Override
  public void fail(Throwable error) {
    request(new Settle(Settle.Kind.FAIL, null, null, error));
  }

  @Override
  public void cancelled() {
    request(new Settle(Settle.Kind.CANCELLED, null, null, null));
  }

  private void request(Settle requested) {
    if (!settle.compareAndSet(null, requested)) {
      return;
    }
    while (true) {
      int s = state.get();
      if (s == PENDING && state.compareAndSet(PENDING, SETTLE_REQUESTED)) {
        return;
      }
      if (s == ADMITTED) {
        if (state.compareAndSet(ADMITTED, DONE)) {
          call.onCompletion(this, requested);
        }
        return;
      }
      if (s == DONE) {
        return;
      }
    }
  }

  /** The engine classified the response as 2xx: a held settle runs now. */
  void admit() {
    if (state.compareAndSet(PENDING, ADMITTED)) {
      return;
    }
    if (state.compareAndSet(SETTLE_REQUESTED, DONE)) {
      call.onCompletion(this, settle.get());
    }
  }

  /** The engine settled the attempt itself; any later settle from the transport is ignored. */
  void close() {
    state.set(DONE);
  }

  /** Releases outstanding and ledger exactly once. */
  boolean release() {
    if (!released.compareAndSet(false, true)) {
      return false;
    }
    route.release(call.cost);
    call.engine.telemetry.outstanding(route, -1);
    return true;
  }

  /** A settle requested by the transport. */
  record Settle(Kind kind, Usage usage, String responseModel, Throwable error) {
    enum Kind {
      COMPLETE,
      FAIL,
      CANCELLED
    }
  }
}
