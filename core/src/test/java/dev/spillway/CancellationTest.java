package dev.spillway;

import static dev.spillway.AttemptOutcome.CANCELLED;
import static dev.spillway.AttemptOutcome.THROTTLED;
import static dev.spillway.testing.ScriptedTransport.failure;
import static dev.spillway.testing.ScriptedTransport.ok;
import static dev.spillway.testing.ScriptedTransport.throttled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import dev.spillway.testing.ManualPoolTest;
import dev.spillway.testing.ManualTime;
import dev.spillway.testing.Pools;
import dev.spillway.testing.ScriptedTransport;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Cancellation stops the attempt loop at once and settles the attempt: async through {@code
 * future.cancel(true)}, sync through the thread's interrupt.
 */
class CancellationTest extends ManualPoolTest {
  private void ptuAndPaygo() {
    pool =
        Pools.manual(time, Pools.backend("ptu", 0), Pools.backend("paygo", 1))
            .listener(events)
            .build();
  }

  private static CallRequest chat() {
    return CallRequest.builder("chat", "gpt-4o").build();
  }

  private int outstanding() {
    return pool.snapshot().backends().stream().mapToInt(BackendSnapshot::outstanding).sum();
  }

  @Test
  void cancellingTheFutureDuringAnAttemptEndsTheCallAtOnceAndSettlesTheAttemptAsCancelled() {
    ptuAndPaygo();
    t.on("ptu", ok().latencyMillis(1000));
    CompletableFuture<ScriptedTransport.Reply> f =
        CallExecutor.of(pool).executeAsync(chat(), t.async());
    time.advanceMillis(500);
    assertThat(outstanding()).isEqualTo(1);
    assertThat(events.outcomes()).isEmpty();

    assertThat(f.cancel(true)).isTrue();

    assertThat(f).isCancelled();
    CallOutcome o = events.onlyOutcome();
    assertThat(o.error()).isInstanceOf(CancellationException.class);
    assertThat(o.backendId()).isNull();
    assertThat(o.attempts()).extracting(AttemptRecord::outcome).containsExactly(CANCELLED);
    assertThat(outstanding()).isZero();
    assertThat(pool.snapshot().backend("ptu").route("gpt-4o").headroomTokens()).isNull();
    // the response that arrives later changes nothing, and nothing fails over
    time.runAll(TimeUnit.HOURS.toNanos(1));
    assertThat(events.outcomes()).hasSize(1);
    assertThat(events.attempts()).hasSize(1);
    assertThat(t.sentBackends()).containsExactly("ptu");
    assertThat(outstanding()).isZero();
    assertThat(pool.snapshot().backend("ptu").route("gpt-4o").successes()).isZero();
  }

  @Test
  void cancellingTheFutureWhileTheCallWaitsEndsItAtOnceAndCancelsTheWait() {
    pool = Pools.manual(time, Pools.backend("only", 0)).listener(events).build();
    t.on("only", throttled(10_000));
    CompletableFuture<ScriptedTransport.Reply> f =
        CallExecutor.of(pool).executeAsync(chat(), t.async());
    time.advance(0); // the 429 arrives; the call now waits 10 s for the route
    assertThat(f).isNotDone();
    assertThat(time.pendingTasks()).isEqualTo(1);

    assertThat(f.cancel(true)).isTrue();

    CallOutcome o = events.onlyOutcome();
    assertThat(o.error()).isInstanceOf(CancellationException.class);
    assertThat(o.attempts()).extracting(AttemptRecord::outcome).containsExactly(THROTTLED);
    assertThat(time.pendingTasks()).isZero();
    time.advanceMillis(20_000);
    assertThat(t.sentBackends()).containsExactly("only");
    assertThat(events.outcomes()).hasSize(1);
    assertThat(outstanding()).isZero();
  }

  @Test
  void cancellingAnAlreadyCompletedCallChangesNothing() {
    ptuAndPaygo();
    CompletableFuture<ScriptedTransport.Reply> f =
        CallExecutor.of(pool).executeAsync(chat(), t.async());
    time.advance(0);
    assertThat(f).isCompleted();

    assertThat(f.cancel(true)).isFalse();

    assertThat(events.onlyOutcome().succeeded()).isTrue();
  }

  @Test
  void interruptDuringASyncAttemptThrowsCallInterruptedExceptionWithoutFailingOver() {
    ptuAndPaygo();
    t.on("ptu", failure(new InterruptedException("stop")));

    try {
      assertThatThrownBy(() -> CallExecutor.of(pool).execute(chat(), t))
          .isInstanceOf(CallInterruptedException.class)
          .hasCauseInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(t.sentBackends()).containsExactly("ptu");
    CallOutcome o = events.onlyOutcome();
    assertThat(o.attempts()).extracting(AttemptRecord::outcome).containsExactly(CANCELLED);
    assertThat(outstanding()).isZero();
  }

  /** Sleeps for real (until interrupted) so another thread can interrupt a sync call's wait. */
  private static final class BlockingSleep implements DelayScheduler {
    final ManualTime time;
    final CountDownLatch sleeping = new CountDownLatch(1);

    BlockingSleep(ManualTime time) {
      this.time = time;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
      return time.schedule(task, delayNanos);
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
      sleeping.countDown();
      new CountDownLatch(1).await(); // only an interrupt ends this wait
    }
  }

  @Test
  void interruptDuringASyncWaitThrowsCallInterruptedExceptionWithTheInterruptFlagSet()
      throws Exception {
    BlockingSleep scheduler = new BlockingSleep(time);
    pool =
        Pools.manual(time, Pools.backend("only", 0)).scheduler(scheduler).listener(events).build();
    t.on("only", throttled(10_000));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean flagSet = new AtomicBoolean();
    Thread caller =
        new Thread(
            () -> {
              try {
                CallExecutor.of(pool).execute(chat(), t);
              } catch (Throwable e) {
                thrown.set(e);
                flagSet.set(Thread.currentThread().isInterrupted());
              }
            },
            "sync-caller");
    caller.start();
    assertThat(scheduler.sleeping.await(10, TimeUnit.SECONDS)).isTrue();

    caller.interrupt();
    caller.join(TimeUnit.SECONDS.toMillis(10));

    assertThat(caller.isAlive()).isFalse();
    assertThat(thrown.get())
        .isInstanceOf(CallInterruptedException.class)
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(flagSet).isTrue();
    CallOutcome o = events.onlyOutcome();
    assertThat(o.error()).isInstanceOf(CancellationException.class);
    assertThat(o.attempts()).extracting(AttemptRecord::outcome).containsExactly(THROTTLED);
    assertThat(t.sentBackends()).containsExactly("only");
    assertThat(outstanding()).isZero();
  }
}
