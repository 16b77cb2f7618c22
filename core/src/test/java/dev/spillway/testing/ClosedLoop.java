package dev.spillway.testing;

import dev.spillway.BackendPool;
import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A closed-loop load on manual time: {@code users} virtual users each issue their next async call
 * as soon as the previous one completes, until {@code calls} calls have been issued. Latency comes
 * from the transport's script, so throughput per route follows from latency and load, as it would
 * for a real service. Runs on the test thread; no real time passes.
 */
public final class ClosedLoop {
  private final BackendPool pool;
  private final ScriptedTransport transport;
  private final ManualTime time;
  private final Supplier<CallRequest> request;
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private int limit;

  public ClosedLoop(
      BackendPool pool,
      ScriptedTransport transport,
      ManualTime time,
      Supplier<CallRequest> request) {
    this.pool = pool;
    this.transport = transport;
    this.time = time;
    this.request = request;
  }

  public ClosedLoop(BackendPool pool, ScriptedTransport transport, ManualTime time) {
    this(pool, transport, time, () -> CallRequest.builder("chat", "gpt-4o").build());
  }

  /** Starts {@code users} users and runs manual time until {@code calls} more calls completed. */
  public ClosedLoop run(int users, int calls) {
    limit = issued.get() + calls;
    for (int i = 0; i < users; i++) {
      issue();
    }
    time.runAll(Long.MAX_VALUE / 4);
    return this;
  }

  /** Starts {@code users} users and runs manual time for {@code nanos}, then stops issuing. */
  public ClosedLoop runFor(int users, long nanos) {
    limit = Integer.MAX_VALUE;
    for (int i = 0; i < users; i++) {
      issue();
    }
    time.advance(nanos);
    limit = 0;
    time.runAll(Long.MAX_VALUE / 4);
    return this;
  }

  private void issue() {
    if (issued.get() >= limit) {
      return;
    }
    issued.incrementAndGet();
    CallExecutor.of(pool)
        .executeAsync(request.get(), transport.async())
        .whenComplete(
            (r, e) -> {
              completed.incrementAndGet();
              if (e != null) {
                failed.incrementAndGet();
              }
              issue();
            });
  }

  public int completed() {
    return completed.get();
  }

  public int failed() {
    return failed.get();
  }
}
