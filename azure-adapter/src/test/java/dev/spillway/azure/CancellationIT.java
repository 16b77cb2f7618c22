package dev.spillway.azure;

import static dev.spillway.azure.Harness.MODEL;
import static dev.spillway.azure.Harness.PTU_DEPLOYMENT;
import static dev.spillway.azure.Harness.chatOptions;
import static dev.spillway.azure.Harness.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.CallInterruptedException;
import dev.spillway.CallOutcome;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/** A caller that gives up stops the call at once: no failover, the attempt settled. */
class CancellationIT {
  private static final Harness H = new Harness();

  @BeforeEach
  void reset() {
    H.reset();
  }

  @AfterAll
  static void close() {
    H.close();
  }

  @Test
  void disposingTheAsyncCallCancelsTheAttemptInFlight() throws Exception {
    SpillwayPool pool = H.pool();
    H.stubChat(H.ptu, PTU_DEPLOYMENT, Harness.ok().withFixedDelay(1000));

    Disposable call =
        pool.openAIClientBuilder()
            .buildAsyncClient()
            .getChatCompletions(MODEL, chatOptions())
            .subscribe();
    Thread.sleep(200);
    call.dispose();

    CallOutcome outcome = H.awaitOutcome(1);
    assertThat(outcome.attempts())
        .extracting(AttemptRecord::outcome)
        .containsExactly(AttemptOutcome.CANCELLED);
    assertThat(outcome.error()).isInstanceOf(CancellationException.class);
    assertThat(pool.snapshot().backend("sweden-ptu").outstanding()).isZero();
    Thread.sleep(1000);
    assertThat(count(H.payg)).isZero();
  }

  @Test
  void interruptingTheSyncCallerCancelsTheCall() throws Exception {
    SpillwayPool pool = H.pool();
    H.stubChat(H.ptu, PTU_DEPLOYMENT, Harness.ok().withFixedDelay(1000));
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
    Thread.sleep(200);
    caller.interrupt();
    caller.join(3000);

    assertThat(thrown.get()).isInstanceOf(CallInterruptedException.class);
    CallOutcome outcome = H.awaitOutcome(1);
    assertThat(outcome.attempts())
        .extracting(AttemptRecord::outcome)
        .containsExactly(AttemptOutcome.CANCELLED);
    assertThat(count(H.payg)).isZero();
  }
}
