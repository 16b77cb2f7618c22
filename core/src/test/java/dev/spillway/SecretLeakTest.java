package dev.spillway;

import static dev.spillway.testing.ScriptedTransport.failure;
import static dev.spillway.testing.ScriptedTransport.ok;
import static dev.spillway.testing.ScriptedTransport.status;
import static dev.spillway.testing.ScriptedTransport.throttled;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import dev.spillway.spi.AsyncAttemptTransport;
import dev.spillway.spi.Attempt;
import dev.spillway.spi.AttemptResponse;
import dev.spillway.spi.AttemptTimeoutException;
import dev.spillway.spi.AttemptTransport;
import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import dev.spillway.testing.ManualTime;
import dev.spillway.testing.ScriptedTransport;
import dev.spillway.testing.ScriptedTransport.Reply;
import dev.spillway.testing.ScriptedTransport.Step;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Secrets never leave the transport that holds them: for every outcome of the table in
 * docs/design.md, sync and async, with every logger at TRACE and the real OpenTelemetry SDK
 * recording, a canary planted in API keys and in a bearer token appears in no log line, span,
 * metric point, exception, outcome, attempt record, snapshot or {@code toString()}. Each scenario
 * also checks that it drove the outcome it names and that the transport really read the canary, so
 * a scenario that silently did nothing fails.
 */
class SecretLeakTest {
  static final String CANARY = "CANARY-7f3a9";
  static final long TEN_MINUTES = TimeUnit.MINUTES.toNanos(10);

  enum Mode {
    SYNC,
    ASYNC
  }

  /**
   * Each backend's secret, keyed by backend id, as an SDK adapter keeps them (core holds none): two
   * API keys (one read from a supplier on every attempt, as a rotated key is) and a bearer token.
   */
  private final Map<String, Supplier<String>> authHeaders =
      Map.of(
          "ptu", () -> "api-key: " + CANARY + "-ptu-key",
          "paygo", () -> "api-key: " + CANARY + "-rotating-key",
          "entra", () -> "Authorization: Bearer " + CANARY + "-bearer-token");

  private final ManualTime time = new ManualTime();
  private final Backend ptu =
      Backend.builder("ptu")
          .endpoint("https://ptu.openai.azure.com")
          .tier(0)
          .deployment("gpt-4o", "gpt4o-ptu")
          .build();
  private final Backend paygo =
      Backend.builder("paygo")
          .endpoint("https://paygo.openai.azure.com")
          .tier(1)
          .deployment("gpt-4o", "gpt4o-paygo")
          .build();
  private final Backend entra =
      Backend.builder("entra")
          .endpoint("https://entra.openai.azure.com")
          .tier(1)
          .deployment("gpt-4o", "gpt4o-entra")
          .build();

  private final List<CallOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
  private final List<AttemptRecord> records = Collections.synchronizedList(new ArrayList<>());
  private final List<Throwable> thrown = new ArrayList<>();
  private final List<String> secretsSent = Collections.synchronizedList(new ArrayList<>());
  private final List<BackendPool> pools = new ArrayList<>();
  private final Map<Logger, Level> savedLevels = new HashMap<>();
  private ListAppender<ILoggingEvent> logs;
  private Appender<ILoggingEvent> console;
  private InMemorySpanExporter spans;
  private InMemoryMetricReader metrics;
  private OpenTelemetrySdk otel;
  private Mode mode;
  private ScriptedTransport script;
  private BackendPool pool;

  @BeforeEach
  void captureEverything() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    for (Logger logger : context.getLoggerList()) {
      if (logger.getLevel() != null) {
        savedLevels.put(logger, logger.getLevel());
        logger.setLevel(Level.TRACE);
      }
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    savedLevels.put(root, root.getLevel());
    root.setLevel(Level.TRACE);
    console = root.getAppender("CONSOLE");
    if (console != null) {
      root.detachAppender(console); // TRACE for every case would flood the build log
    }
    logs = new ListAppender<>();
    logs.setContext(context);
    logs.start();
    root.addAppender(logs);

    spans = InMemorySpanExporter.create();
    metrics = InMemoryMetricReader.create();
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    script = new ScriptedTransport(time);
  }

  @AfterEach
  void restore() {
    pools.forEach(BackendPool::close);
    otel.close();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(logs);
    if (console != null) {
      root.addAppender(console);
    }
    savedLevels.forEach(Logger::setLevel);
    Thread.interrupted();
  }

  // ---- scenarios: every outcome of the table in docs/design.md, and every way a call ends ----

  /** One scenario: drives calls on the pool, and names what it must have produced. */
  record Scenario(String name, Consumer<SecretLeakTest> run, Consumer<SecretLeakTest> expect) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> scenarios() {
    List<Scenario> all =
        List.of(
            new Scenario(
                "success", t -> t.call(chat()), t -> t.expectAttempt(AttemptOutcome.SUCCESS)),
            new Scenario(
                "429 then failover",
                t -> {
                  t.script.on("ptu", throttled(1500));
                  t.call(chat());
                },
                t -> t.expectAttempt(AttemptOutcome.THROTTLED)),
            new Scenario(
                "503 with a retry hint",
                t -> {
                  t.script.on("ptu", status(503).header("retry-after", "2"));
                  t.call(chat());
                },
                t -> t.expectAttempt(AttemptOutcome.THROTTLED)),
            new Scenario(
                "503 without a hint",
                t -> {
                  t.script.on("ptu", status(503));
                  t.call(chat());
                },
                t -> t.expectStatus(AttemptOutcome.FAILED, 503)),
            new Scenario(
                "500",
                t -> {
                  t.script.on("ptu", status(500));
                  t.call(chat());
                },
                t -> t.expectStatus(AttemptOutcome.FAILED, 500)),
            new Scenario(
                "connect exception",
                t -> {
                  t.script.on("ptu", failure(new ConnectException("connection refused")));
                  t.call(chat());
                },
                t -> t.expectError(ConnectException.class.getName())),
            new Scenario(
                "attempt timeout",
                t -> {
                  t.script.on(
                      "ptu",
                      t.mode == Mode.SYNC
                          ? failure(new AttemptTimeoutException("ptu", Duration.ofSeconds(60)))
                          : ok().latencyMillis(61_000));
                  t.call(chat());
                },
                t -> t.expectError(AttemptTimeoutException.class.getName())),
            new Scenario(
                "401",
                t -> {
                  t.script.on("ptu", status(401));
                  t.call(chat());
                },
                t -> t.expectStatus(AttemptOutcome.MISCONFIGURED, 401)),
            new Scenario(
                "403",
                t -> {
                  t.script.on("ptu", status(403));
                  t.call(chat());
                },
                t -> t.expectStatus(AttemptOutcome.MISCONFIGURED, 403)),
            new Scenario(
                "404 DeploymentNotFound",
                t -> {
                  t.script.on("ptu", status(404).errorCode("DeploymentNotFound"));
                  t.call(chat());
                },
                t -> t.expectStatus(AttemptOutcome.MISCONFIGURED, 404)),
            new Scenario(
                "400 OperationNotSupported",
                t -> {
                  t.script.on("ptu", status(400).errorCode("OperationNotSupported"));
                  t.call(chat());
                },
                t -> t.expectStatus(AttemptOutcome.MISCONFIGURED, 400)),
            new Scenario(
                "caller 400",
                t -> {
                  t.script.on("ptu", status(400).errorCode("content_filter"));
                  t.call(chat());
                },
                t -> t.expectStatus(AttemptOutcome.CALLER_ERROR, 400)),
            new Scenario(
                "cancel",
                SecretLeakTest::cancelOne,
                t -> t.expectAttempt(AttemptOutcome.CANCELLED)),
            new Scenario(
                "every route cooling",
                t -> {
                  t.build(b -> b.settings(PoolSettings.builder().maxWait(Duration.ZERO).build()));
                  t.everyBackend(a -> throttled(30_000));
                  t.call(chat());
                  t.call(chat()); // nothing to try at all
                },
                t -> t.expectThrown(NoBackendAvailableException.class, 2)),
            new Scenario(
                "attempts exhausted",
                t -> {
                  t.build(b -> b.settings(PoolSettings.builder().maxAttempts(3).build()));
                  t.everyBackend(
                      a -> failure(new ConnectException("refused by " + a.backend().id())));
                  t.call(chat());
                },
                t -> t.expectThrown(AttemptsExhaustedException.class, 1)),
            new Scenario(
                "circuit opens and recovers",
                t -> {
                  t.build(b -> b.settings(PoolSettings.builder().maxAttempts(6).build()));
                  t.everyBackend(a -> status(500));
                  for (int i = 0; i < 3; i++) {
                    t.call(chat());
                  }
                  t.time.advanceMillis(60_000);
                  t.everyBackend(a -> ok());
                  t.call(chat());
                },
                t -> t.expectLog("-> OPEN")),
            new Scenario(
                "disabled backend",
                t -> {
                  t.build(b -> b);
                  t.pool.disableBackend("ptu");
                  t.call(chat());
                  t.pool.enableBackend("ptu");
                },
                t -> t.expectLog("disabled")),
            new Scenario(
                "stream completes",
                t ->
                    t.stream(
                        a -> a.completion().complete(Usage.reported(5, 6), "gpt-4o-2024-11-20")),
                t -> t.expectAttempt(AttemptOutcome.SUCCESS)),
            new Scenario(
                "stream fails",
                t -> t.stream(a -> a.completion().fail(new IOException("reset mid-stream"))),
                t -> t.expectError(IOException.class.getName())),
            new Scenario(
                "stream cancelled",
                t -> t.stream(a -> a.completion().cancelled()),
                t -> t.expectAttempt(AttemptOutcome.CANCELLED)));
    return all.stream()
        .flatMap(s -> Stream.of(Arguments.of(s, Mode.SYNC), Arguments.of(s, Mode.ASYNC)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("scenarios")
  void noSecretAppearsAnywhere(Scenario scenario, Mode mode) {
    this.mode = mode;
    scenario.run().accept(this);
    build(b -> b); // for scenarios that failed before building (none should)
    time.runAll(TEN_MINUTES);

    scenario.expect().accept(this);
    assertThat(secretsSent)
        .as("the transport authenticated with the canary secrets")
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s).contains(CANARY));
    assertThat(logs.list)
        .as("TRACE capture works")
        .isNotEmpty()
        .anySatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.DEBUG));
    assertThat(outcomes).isNotEmpty();

    assertNoCanaryInLogs();
    assertNoCanaryInTelemetry();
    for (Throwable t : thrown) {
      assertNoCanary("exception thrown to the caller", stackText(t));
      if (t instanceof AttemptsExhaustedException e) {
        assertNoCanary("exception attempts", e.attempts().toString());
      }
      if (t instanceof NoBackendAvailableException e) {
        assertNoCanary("exception route states", e.routeStates().toString());
      }
    }
    for (CallOutcome outcome : List.copyOf(outcomes)) {
      assertNoCanary("CallOutcome", outcome.toString());
      if (outcome.error() != null) {
        assertNoCanary("CallOutcome error", stackText(outcome.error()));
      }
    }
    assertNoCanary("AttemptRecords", List.copyOf(records).toString());
    assertNoCanary("PoolSnapshot", pool.snapshot().toString());
    assertNoCanary("BackendPool", pool.toString());
    assertNoCanary("backends", pool.backends().toString());
    assertNoCanary("home backend", pool.homeBackend().toString());
    for (Backend b : List.of(ptu, paygo, entra)) {
      assertNoCanary("Backend", b.toString());
    }
    assertNoCanary("CallRequest", chat().toString() + stream().toString());
    assertNoCanary("settings", pool.settings().toString());
  }

  // ---- driving calls ----

  private static CallRequest chat() {
    return CallRequest.builder("chat", "gpt-4o")
        .promptTokens(40)
        .consumerId("team-a")
        .tag("feature", "summary")
        .build();
  }

  private static CallRequest stream() {
    return CallRequest.builder("chat", "gpt-4o").streaming(true).promptTokens(40).build();
  }

  private void build(Function<BackendPool.Builder, BackendPool.Builder> settings) {
    if (pool != null) {
      return;
    }
    BackendPool.Builder b =
        BackendPool.builder()
            .ticker(time)
            .scheduler(time)
            .randomSeed(7)
            .backend(ptu)
            .backend(paygo)
            .backend(entra)
            .openTelemetry(otel)
            .listener(
                new PoolListener() {
                  @Override
                  public void onAttempt(String callId, AttemptRecord attempt) {
                    records.add(attempt);
                  }

                  @Override
                  public void onCallComplete(CallOutcome outcome) {
                    outcomes.add(outcome);
                  }
                })
            .listener(
                new PoolListener() { // its failures are logged, with their stack traces
                  @Override
                  public void onAttempt(String callId, AttemptRecord attempt) {
                    throw new IllegalStateException("listener failed on " + attempt.backendId());
                  }

                  @Override
                  public void onCallComplete(CallOutcome outcome) {
                    throw new IllegalStateException("listener failed on " + outcome.callId());
                  }
                });
    pool = settings.apply(b).build();
    pools.add(pool);
  }

  private void everyBackend(Function<Attempt, Step> step) {
    for (String id : List.of("ptu", "paygo", "entra")) {
      script.byDefault(id, step);
    }
  }

  /** Runs a call to its end; what it throws is kept for inspection. */
  private Reply call(CallRequest request) {
    build(b -> b);
    try {
      if (mode == Mode.SYNC) {
        return CallExecutor.of(pool).execute(request, authenticating());
      }
      CompletableFuture<Reply> f =
          CallExecutor.of(pool).executeAsync(request, authenticatingAsync());
      time.runAll(TEN_MINUTES);
      assertThat(f).isDone();
      return f.join();
    } catch (CompletionException e) {
      thrown.add(e.getCause());
    } catch (RuntimeException e) {
      thrown.add(e);
    }
    Thread.interrupted(); // a cancelled sync call restores the interrupt
    return null;
  }

  private void cancelOne() {
    build(b -> b);
    if (mode == Mode.SYNC) {
      script.on("ptu", failure(new InterruptedException("caller interrupted")));
      call(chat());
      return;
    }
    script.on("ptu", ok().latencyMillis(5_000));
    CompletableFuture<Reply> f = CallExecutor.of(pool).executeAsync(chat(), authenticatingAsync());
    time.advanceMillis(1_000);
    f.cancel(true);
    time.runAll(TEN_MINUTES);
  }

  private void stream(Consumer<Attempt> settle) {
    script.on("ptu", ok().leaveOpen());
    assertThat(call(stream())).isNotNull();
    time.advanceMillis(700);
    settle.accept(script.openAttempts().get(0));
  }

  /** Reads the secret on every attempt, as an adapter setting the auth header does. */
  private void authenticate(Attempt attempt) {
    secretsSent.add(authHeaders.get(attempt.backend().id()).get());
  }

  private AttemptTransport<Reply> authenticating() {
    return new AttemptTransport<>() {
      @Override
      public AttemptResponse<Reply> send(Attempt attempt) throws Exception {
        authenticate(attempt);
        return script.send(attempt);
      }

      @Override
      public void discard(Reply response) {
        script.discard(response);
      }
    };
  }

  private AsyncAttemptTransport<Reply> authenticatingAsync() {
    AsyncAttemptTransport<Reply> async = script.async();
    return new AsyncAttemptTransport<>() {
      @Override
      public CompletableFuture<AttemptResponse<Reply>> send(Attempt attempt) {
        authenticate(attempt);
        return async.send(attempt);
      }

      @Override
      public void discard(Reply response) {
        async.discard(response);
      }
    };
  }

  // ---- expectations ----

  private void expectAttempt(AttemptOutcome outcome) {
    assertThat(records).extracting(AttemptRecord::outcome).contains(outcome);
  }

  private void expectStatus(AttemptOutcome outcome, int status) {
    assertThat(records)
        .anySatisfy(
            r -> {
              assertThat(r.outcome()).isEqualTo(outcome);
              assertThat(r.status()).isEqualTo(status);
            });
  }

  private void expectError(String errorType) {
    assertThat(records)
        .anySatisfy(
            r -> {
              assertThat(r.outcome()).isEqualTo(AttemptOutcome.FAILED);
              assertThat(r.errorType()).isEqualTo(errorType);
            });
  }

  private void expectThrown(Class<? extends Throwable> type, int count) {
    assertThat(thrown).hasSize(count).allSatisfy(e -> assertThat(e).isInstanceOf(type));
  }

  private void expectLog(String fragment) {
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).contains(fragment));
  }

  // ---- where a secret could go ----

  private void assertNoCanaryInLogs() {
    for (ILoggingEvent event : List.copyOf(logs.list)) {
      assertNoCanary("log line", event.getLoggerName() + " " + event.getFormattedMessage());
      if (event.getThrowableProxy() != null) {
        assertNoCanary("logged throwable", ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
      assertNoCanary("log MDC", String.valueOf(event.getMDCPropertyMap()));
      assertNoCanary("log key-values", String.valueOf(event.getKeyValuePairs()));
    }
  }

  private void assertNoCanaryInTelemetry() {
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).isNotEmpty();
    for (SpanData span : finished) {
      assertNoCanary("span name", span.getName());
      assertNoCanary("span attributes", span.getAttributes().toString());
      assertNoCanary("span status", span.getStatus().toString());
      for (EventData event : span.getEvents()) {
        assertNoCanary("span event", event.getName() + " " + event.getAttributes());
      }
    }
    for (MetricData metric : metrics.collectAllMetrics()) {
      for (PointData point : metric.getData().getPoints()) {
        assertNoCanary("metric " + metric.getName(), point.getAttributes().toString());
      }
    }
  }

  private static String stackText(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out)); // messages of the causes and suppressed too
    return out.toString();
  }

  private static void assertNoCanary(String where, String text) {
    assertThat(text).as("%s leaks the secret", where).doesNotContain(CANARY);
  }
}
