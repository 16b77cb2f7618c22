package dev.spillway;

import static dev.spillway.AttemptOutcome.CANCELLED;
import static dev.spillway.AttemptOutcome.FAILED;
import static dev.spillway.AttemptOutcome.SUCCESS;
import static dev.spillway.testing.ScriptedTransport.ok;
import static dev.spillway.testing.ScriptedTransport.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.spi.AsyncAttemptTransport;
import dev.spillway.spi.Attempt;
import dev.spillway.spi.AttemptResponse;
import dev.spillway.spi.AttemptTransport;
import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import dev.spillway.spi.ResponseHeaders;
import dev.spillway.testing.ManualPoolTest;
import dev.spillway.testing.Mode;
import dev.spillway.testing.Pools;
import dev.spillway.testing.ScriptedTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Streams: an admitted attempt stays open (outstanding, ledger, outcome) until the transport
 * settles its completion handle, once.
 */
class CompletionHandleTest extends ManualPoolTest {
  private void ptuAndPaygo() {
    pool =
        Pools.manual(time, Pools.backend("ptu", 0), Pools.backend("paygo", 1))
            .listener(events)
            .build();
  }

  private static CallRequest stream() {
    return CallRequest.builder("chat", "gpt-4o")
        .streaming(true)
        .promptTokens(300)
        .maxOutputTokens(200)
        .build();
  }

  private RouteSnapshot ptu() {
    return pool.snapshot().backend("ptu").route("gpt-4o");
  }

  /** Opens one stream on ptu and returns its attempt, still unsettled. */
  private Attempt openStream(Mode mode) {
    t.on("ptu", ok().leaveOpen());
    ScriptedTransport.Reply reply = mode.call(pool, stream(), t, time).reply();
    assertThat(reply.backendId()).isEqualTo("ptu");
    return t.openAttempts().get(t.openAttempts().size() - 1);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anOpenStreamStaysOutstandingWithNoOutcomeUntilCompleted(Mode mode) {
    ptuAndPaygo();

    Attempt attempt = openStream(mode);

    assertThat(ptu().outstanding()).isEqualTo(1);
    assertThat(events.outcomes()).isEmpty();
    assertThat(events.attempts()).isEmpty();
    time.advanceMillis(1500);
    attempt.completion().complete(Usage.reported(310, 180), "gpt-4o-2024-11-20");

    CallOutcome o = events.onlyOutcome();
    assertThat(o.succeeded()).isTrue();
    assertThat(o.streamed()).isTrue();
    assertThat(o.usage()).isEqualTo(Usage.reported(310, 180));
    assertThat(o.latency()).isEqualTo(Duration.ofMillis(1500));
    assertThat(o.attempts()).extracting(AttemptRecord::outcome).containsExactly(SUCCESS);
    assertThat(ptu().outstanding()).isZero();
    assertThat(ptu().inputTokens()).isEqualTo(310);
    assertThat(ptu().outputTokens()).isEqualTo(180);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void failingAnOpenStreamReportsTheErrorWithoutFailoverAndCountsABackendFailure(Mode mode) {
    ptuAndPaygo();
    IOException reset = new IOException("reset mid-stream");

    openStream(mode).completion().fail(reset);

    CallOutcome o = events.onlyOutcome();
    assertThat(o.error()).isSameAs(reset);
    assertThat(o.status()).isEqualTo(200);
    assertThat(o.succeeded()).isFalse();
    assertThat(o.attempts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.outcome()).isEqualTo(FAILED);
              assertThat(a.errorType()).isEqualTo(IOException.class.getName());
            });
    assertThat(t.sentBackends()).containsExactly("ptu"); // never resumed elsewhere
    assertThat(ptu().failures()).isEqualTo(1);
    assertThat(ptu().outstanding()).isZero();
    // it is the first of five consecutive backend failures: four 500s now open the circuit
    t.on("ptu", status(500), status(500), status(500), status(500));
    for (int i = 0; i < 4; i++) {
      mode.call(pool, t, time);
    }
    assertThat(pool.snapshot().backend("ptu").circuit()).isEqualTo(CircuitState.OPEN);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aStreamTheCallerStoppedReadingSettlesWithEstimatedUsage(Mode mode) {
    ptuAndPaygo();

    openStream(mode).completion().cancelled();

    CallOutcome o = events.onlyOutcome();
    assertThat(o.usage()).isEqualTo(Usage.estimated(300, 0));
    assertThat(o.attempts()).extracting(AttemptRecord::outcome).containsExactly(CANCELLED);
    assertThat(ptu().outstanding()).isZero();
    assertThat(ptu().failures()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void completingWithoutUsageEstimatesItFromTheRequest(Mode mode) {
    ptuAndPaygo();

    openStream(mode).completion().complete(null);

    assertThat(events.onlyOutcome().usage()).isEqualTo(Usage.estimated(300, 0));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void settlingTwiceHasNoEffect(Mode mode) {
    ptuAndPaygo();
    Attempt attempt = openStream(mode);

    attempt.completion().complete(Usage.reported(1, 2));
    attempt.completion().complete(Usage.reported(3, 4));
    attempt.completion().fail(new IOException("late"));
    attempt.completion().cancelled();

    assertThat(events.onlyOutcome().usage()).isEqualTo(Usage.reported(1, 2));
    assertThat(events.attempts()).hasSize(1);
    assertThat(ptu().failures()).isZero();
    assertThat(ptu().outstanding()).isZero();
    assertThat(ptu().inputTokens()).isEqualTo(1);
  }

  /** A transport that settles the handle with {@code settle} before it returns the 200. */
  private static final class SettlesFirst implements AttemptTransport<String> {
    private final Consumer<Attempt> settle;

    SettlesFirst(Consumer<Attempt> settle) {
      this.settle = settle;
    }

    @Override
    public AttemptResponse<String> send(Attempt attempt) {
      settle.accept(attempt);
      return new AttemptResponse<>(200, ResponseHeaders.NONE, null, attempt.backend().id());
    }

    CompletableFuture<AttemptResponse<String>> sendAsync(Attempt attempt) {
      return CompletableFuture.completedFuture(send(attempt));
    }
  }

  private String run(Mode mode, SettlesFirst transport) {
    if (mode == Mode.SYNC) {
      return CallExecutor.of(pool).execute(stream(), (AttemptTransport<String>) transport);
    }
    AsyncAttemptTransport<String> async = transport::sendAsync;
    return CallExecutor.of(pool).executeAsync(stream(), async).join();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aHandleCompletedBeforeTheTransportReturnsSettlesTheCallWhenItIsAdmitted(Mode mode) {
    ptuAndPaygo();

    String reply = run(mode, new SettlesFirst(a -> a.completion().complete(Usage.reported(7, 8))));

    assertThat(reply).isEqualTo("ptu");
    assertThat(events.onlyOutcome().usage()).isEqualTo(Usage.reported(7, 8));
    assertThat(events.onlyOutcome().succeeded()).isTrue();
    assertThat(ptu().outstanding()).isZero();
    assertThat(ptu().successes()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aHandleFailedBeforeTheTransportReturnsStillReturnsTheResponseAndRecordsTheFailure(
      Mode mode) {
    ptuAndPaygo();
    IOException error = new IOException("broken body");

    String reply = run(mode, new SettlesFirst(a -> a.completion().fail(error)));

    assertThat(reply).isEqualTo("ptu");
    assertThat(events.onlyOutcome().error()).isSameAs(error);
    assertThat(ptu().outstanding()).isZero();
    assertThat(ptu().failures()).isEqualTo(1);
  }
}
