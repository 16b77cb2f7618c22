package dev.spillway.internal;

import dev.spillway.Usage;
import dev.spillway.spi.CompletionHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The completion handle of one attempt: the transport's first settle wins, and the call's {@link
 * Call#onCompletion} runs exactly once, when both the settle and the engine's admission of the 2xx
 * are in, whichever comes first (a transport may settle a plain response before returning it). Once
 * the engine has settled the attempt itself ({@link #close}), the handle ignores everything.
 *
 * <p>Thread-safe: the transport settles from any thread while the driver admits.
 */
final class AttemptCompletion implements CompletionHandle {
  private final Call<?> call;
  private final InFlightAttempt attempt;
  private final AtomicReference<Settle> settle = new AtomicReference<>();
  private volatile Admission admission;

  /** Set once the completion has run or the engine closed the handle. */
  private final AtomicBoolean over = new AtomicBoolean();

  AttemptCompletion(Call<?> call, InFlightAttempt attempt) {
    this.call = call;
    this.attempt = attempt;
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
    if (settle.compareAndSet(null, requested)) {
      Admission admitted = admission;
      if (admitted != null && over.compareAndSet(false, true)) {
        call.onCompletion(attempt, admitted, requested);
      }
    }
  }

  /** The engine admitted the attempt's 2xx: a settle already requested runs now. */
  void admit(Admission admitted) {
    admission = admitted;
    Settle requested = settle.get();
    if (requested != null && over.compareAndSet(false, true)) {
      call.onCompletion(attempt, admitted, requested);
    }
  }

  /** The engine settled the attempt itself; any later settle from the transport is ignored. */
  void close() {
    over.set(true);
  }

  /** What the engine saw of an admitted attempt, for its outcome at completion. */
  record Admission(int status, long latencyNanos) {}

  /** A settle requested by the transport. */
  record Settle(Kind kind, Usage usage, String responseModel, Throwable error) {
    enum Kind {
      COMPLETE,
      FAIL,
      CANCELLED
    }
  }
}
