package dev.spillway.testing;

import dev.spillway.BackendPool;
import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The two drivers of the attempt loop. {@link #call} runs one call through {@link
 * CallExecutor#execute} or {@link CallExecutor#executeAsync} on {@link ManualTime} and returns what
 * the caller got, so one test body covers both paths.
 */
public enum Mode {
  SYNC,
  ASYNC;

  /** What the async driver may take at most, in manual time, before a call must have ended. */
  private static final long MAX_CALL_NANOS = TimeUnit.HOURS.toNanos(1);

  /** What the caller got: a reply, or the exception the call ended with (unwrapped). */
  public record Result(ScriptedTransport.Reply reply, Throwable error) {
    @Override
    public ScriptedTransport.Reply reply() {
      if (error != null) {
        throw new AssertionError("the call failed", error);
      }
      return reply;
    }
  }

  /** Runs one call to its end (async: running manual time until the future is done). */
  public Result call(
      BackendPool pool, CallRequest request, ScriptedTransport transport, ManualTime time) {
    if (this == SYNC) {
      try {
        return new Result(CallExecutor.of(pool).execute(request, transport), null);
      } catch (RuntimeException e) {
        return new Result(null, e);
      }
    }
    CompletableFuture<ScriptedTransport.Reply> f =
        CallExecutor.of(pool).executeAsync(request, transport.async());
    time.runAll(MAX_CALL_NANOS);
    if (!f.isDone()) {
      throw new AssertionError("the async call did not end within an hour of manual time");
    }
    try {
      return new Result(f.join(), null);
    } catch (CompletionException e) {
      return new Result(null, e.getCause());
    } catch (CancellationException e) {
      return new Result(null, e);
    }
  }

  /** A chat call for {@code gpt-4o}. */
  public Result call(BackendPool pool, ScriptedTransport transport, ManualTime time) {
    return call(pool, CallRequest.builder("chat", "gpt-4o").build(), transport, time);
  }
}
