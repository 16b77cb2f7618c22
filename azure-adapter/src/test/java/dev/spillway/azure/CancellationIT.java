package dev.spillway.azure;

import static dev.spillway.azure.Harness.MODEL;
import static dev.spillway.azure.Harness.PTU_DEPLOYMENT;
import static dev.spillway.azure.Harness.chatOptions;
import static dev.spillway.azure.Harness.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.CallInterruptedException;
import dev.spillway.CallOutcome;
import dev.spillway.pool.SpillwayPool;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;

/** A caller that gives up stops the call at once: no failover, the attempt settled. */
class CancellationIT {
  @RegisterExtension static final Harness H = new Harness();

  /** Timeouts far beyond the PTU's delay: only the caller ends these calls. */
  private static void patient(SpillwayPool.Builder b) {
    b.settings(s -> s.timeout(Duration.ofSeconds(60)).attemptTimeout(Duration.ofSeconds(30)));
  }

  @Test
  void disposingTheAsyncCallCancelsTheAttemptInFlight() throws Exception {
    // The PTU answers long after any wait for the attempt to be out, even on a loaded machine.
    SpillwayPool pool = H.pool(CancellationIT::patient);
    H.stubChat(H.ptu, PTU_DEPLOYMENT, Harness.ok().withFixedDelay(10_000));

    Disposable call =
        SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP)
            .buildAsyncClient()
            .getChatCompletions(MODEL, chatOptions())
            .subscribe();
    await().atMost(Duration.ofSeconds(20)).until(() -> count(H.ptu) == 1); // the attempt is out
    call.dispose();

    CallOutcome outcome = H.awaitOutcome(1);
    assertThat(outcome.attempts())
        .extracting(AttemptRecord::outcome)
        .containsExactly(AttemptOutcome.CANCELLED);
    assertThat(outcome.error()).isInstanceOf(CancellationException.class);
    assertThat(pool.snapshot().backend("sweden-ptu").outstanding()).isZero();
    // A failover would follow the cancelled attempt at once; none comes.
    await()
        .during(Duration.ofMillis(1200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> count(H.payg) == 0);
  }

  @Test
  void interruptingTheSyncCallerCancelsTheCall() throws Exception {
    SpillwayPool pool = H.pool(CancellationIT::patient);
    H.stubChat(H.ptu, PTU_DEPLOYMENT, Harness.ok().withFixedDelay(10_000));
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    Thread caller =
        new Thread(
            () -> {
              try {
                Harness.chat(pool, Mode.SYNC);
              } catch (RuntimeException e) {
                thrown.set(e);
              }
            });
    caller.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> count(H.ptu) == 1); // the attempt is out
    caller.interrupt();
    caller.join(10_000);

    assertThat(thrown.get()).isInstanceOf(CallInterruptedException.class);
    CallOutcome outcome = H.awaitOutcome(1);
    assertThat(outcome.attempts())
        .extracting(AttemptRecord::outcome)
        .containsExactly(AttemptOutcome.CANCELLED);
    assertThat(count(H.payg)).isZero();
  }
}
