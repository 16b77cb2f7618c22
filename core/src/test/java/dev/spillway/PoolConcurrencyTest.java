package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.spillway.spi.AsyncAttemptTransport;
import dev.spillway.spi.Attempt;
import dev.spillway.spi.AttemptResponse;
import dev.spillway.spi.AttemptTimeoutException;
import dev.spillway.spi.AttemptTransport;
import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import dev.spillway.spi.PoolStateStore.Ledger;
import dev.spillway.spi.ResponseHeaders;
import dev.spillway.testing.RecordingStateStore;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Hammers one pool from many threads, sync and async, on the real ticker and the pool's own
 * scheduler with millisecond time constants, over a transport that answers at random (seeded per
 * thread): plain 200s, streams the caller reads to their end on another thread (complete, fail,
 * stop reading) and that are closed when the engine discards them, 429s with and without small
 * hints, 503s, 500s, connection errors, attempt timeouts, caller 400s, 404/401 misconfigurations,
 * thread interrupts and future cancels. Afterwards every route's outstanding count and admission
 * ledger are back to zero, every call produced exactly one outcome, and the pool's counters, the
 * listener's attempt records, the outcomes' attempt records and the OpenTelemetry counters all add
 * up.
 *
 * <p>Excluded from mutation testing by its name.
 */
class PoolConcurrencyTest {
  static final int THREADS = Integer.getInteger("spillway.concurrency.threads", 64);
  static final int CALLS_PER_THREAD = Integer.getInteger("spillway.concurrency.calls", 10_000);

  /** Async calls a thread keeps in flight before it waits for the oldest. */
  static final int ASYNC_WINDOW = 8;

  static final long SEED = 0x5EED_2026L;

  static final String CHAT = "gpt-4o";
  static final String EMBED = "text-embedding-3-small";

  /** What a route answers to one attempt. */
  enum Kind {
    OK,
    THROTTLED_HINT,
    THROTTLED_NO_HINT,
    UNAVAILABLE_HINT,
    UNAVAILABLE,
    SERVER_ERROR,
    CONNECTION_RESET,
    CALLER_ERROR,
    TIMEOUT,
    DEPLOYMENT_NOT_FOUND,
    UNAUTHORIZED;

    /**
     * Per mille: mostly 200s, the rest spread over every other outcome of the table in
     * docs/design.md.
     */
    static Kind draw(SplittableRandom r) {
      int x = r.nextInt(1000);
      if (x < 565) {
        return OK;
      } else if (x < 685) {
        return THROTTLED_HINT;
      } else if (x < 715) {
        return THROTTLED_NO_HINT;
      } else if (x < 740) {
        return UNAVAILABLE_HINT;
      } else if (x < 765) {
        return UNAVAILABLE;
      } else if (x < 835) {
        return SERVER_ERROR;
      } else if (x < 895) {
        return CONNECTION_RESET;
      } else if (x < 965) {
        return CALLER_ERROR;
      } else if (x < 990) {
        return TIMEOUT;
      } else if (x < 995) {
        return DEPLOYMENT_NOT_FOUND;
      } else {
        return UNAUTHORIZED;
      }
    }
  }

  /**
   * What the caller gets: which call and route answered, and how; for a stream, the attempt whose
   * handle the reader settles when it is done with the body.
   */
  record Resp(String callId, String backendId, int status, Attempt stream) {}

  private static final ThreadLocal<SplittableRandom> RANDOM =
      ThreadLocal.withInitial(
          () -> new SplittableRandom(SEED ^ Thread.currentThread().getName().hashCode()));

  // helpers the transport and the callers share
  private final ScheduledThreadPoolExecutor io = executor("test-io", 2);
  private final ScheduledThreadPoolExecutor settler = executor("test-stream-settler", 2);
  private final ScheduledThreadPoolExecutor timer = executor("test-interrupter", 1);

  // what the listener saw
  private final Map<String, Integer> outcomeStatusByCall = new ConcurrentHashMap<>();
  private final LongAdder duplicateOutcomes = new LongAdder();
  private final Map<String, LongAdder> recordsInOutcomes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> recordsNotified = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> inputTokensByRoute = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> outputTokensByRoute = new ConcurrentHashMap<>();

  // what the callers saw
  private final LongAdder started = new LongAdder();
  private final Map<String, Integer> returnedStatusByCall = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> endings = new ConcurrentHashMap<>();
  private final List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
  private final LongAdder streamsOpened = new LongAdder();

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void manyThreadsLeaveNoOutstandingNoLedgerAndExactlyOneOutcomePerCall() throws Exception {
    Logger engineLogs = (Logger) LoggerFactory.getLogger("dev.spillway");
    Level savedLevel = engineLogs.getLevel();
    engineLogs.setLevel(Level.OFF); // thousands of circuit and misconfiguration lines otherwise
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().setSampler(Sampler.alwaysOff()).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();
    RecordingStateStore store = new RecordingStateStore();
    long startNanos = System.nanoTime();
    try (BackendPool pool =
        BackendPool.builder()
            .backend(backend("ptu-a", 0, true))
            .backend(backend("ptu-b", 0, false))
            .backend(backend("paygo-a", 1, true))
            .backend(backend("paygo-b", 1, false))
            .settings(
                PoolSettings.builder()
                    .timeout(Duration.ofMillis(300))
                    .attemptTimeout(Duration.ofMillis(5))
                    .streamAttemptTimeout(Duration.ofMillis(5))
                    .throttleFallbackCoolDown(Duration.ofMillis(1))
                    .lapBackoff(Duration.ofMillis(1))
                    .circuitBreakDuration(Duration.ofMillis(1))
                    .authBreakDuration(Duration.ofMillis(1))
                    .misconfiguredCoolDown(Duration.ofMillis(1))
                    .build())
            .stateStore(store)
            .openTelemetry(otel)
            .listener(new Recorder())
            .build()) {

      runCallers(pool);
      long callersDone = System.nanoTime();
      long calls = started.sum();
      awaitOutcomes(calls);
      long settled = System.nanoTime();
      System.out.printf(
          "PoolConcurrencyTest: %d threads x %d calls = %d calls (%d streams) in"
              + " %d ms, last stream settled %d ms later%n",
          THREADS,
          CALLS_PER_THREAD,
          calls,
          streamsOpened.sum(),
          TimeUnit.NANOSECONDS.toMillis(callersDone - startNanos),
          TimeUnit.NANOSECONDS.toMillis(settled - callersDone));
      System.out.println("PoolConcurrencyTest endings: " + new java.util.TreeMap<>(endings));

      assertThat(unexpected).as("unexpected exceptions").isEmpty();
      assertEveryCallHasExactlyOneOutcome(calls);
      assertNothingIsLeftInFlight(pool.snapshot(), store);
      assertCountersAddUp(pool.snapshot());
      assertOpenTelemetryCountersAddUp(metrics.collectAllMetrics());
    } finally {
      engineLogs.setLevel(savedLevel);
      io.shutdownNow();
      settler.shutdownNow();
      timer.shutdownNow();
      otel.close();
    }
  }

  // ---- the load ----

  private void runCallers(BackendPool pool) throws InterruptedException {
    SyncTransport sync = new SyncTransport();
    AsyncTransport async = new AsyncTransport();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int index = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  go.await();
                  new Caller(pool, sync, async, new SplittableRandom(SEED + index)).run();
                } catch (Throwable e) {
                  unexpected.add(e);
                }
              },
              "caller-" + t);
      callers.add(thread);
      thread.start();
    }
    go.countDown();
    for (Thread thread : callers) {
      thread.join(TimeUnit.MINUTES.toMillis(2));
      assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
    }
  }

  /** One caller thread: a mix of sync and async calls, some interrupted or cancelled. */
  private final class Caller {
    private final BackendPool pool;
    private final SyncTransport sync;
    private final AsyncTransport async;
    private final SplittableRandom random;
    private final Interrupter interrupter = new Interrupter(Thread.currentThread());
    private final Deque<CompletableFuture<Resp>> inFlight = new ArrayDeque<>();

    Caller(BackendPool pool, SyncTransport sync, AsyncTransport async, SplittableRandom random) {
      this.pool = pool;
      this.sync = sync;
      this.async = async;
      this.random = random;
    }

    void run() throws Exception {
      for (int i = 0; i < CALLS_PER_THREAD; i++) {
        CallRequest request =
            CallRequest.builder("chat", random.nextInt(4) == 0 ? EMBED : CHAT)
                .streaming(random.nextInt(4) == 0)
                .promptTokens(random.nextInt(2_000))
                .maxOutputTokens(random.nextInt(3) == 0 ? 0 : random.nextInt(1_000))
                .consumerId("consumer-" + random.nextInt(8))
                .build();
        started.increment();
        if (random.nextBoolean()) {
          callSync(request);
        } else {
          callAsync(request);
        }
      }
      while (!inFlight.isEmpty()) {
        awaitOldest();
      }
    }

    private void callSync(CallRequest request) {
      boolean interrupt = random.nextInt(100) == 0;
      if (interrupt) {
        interrupter.armAfter(random.nextInt(500));
      }
      try {
        Resp response = CallExecutor.of(pool).execute(request, sync);
        returned(response);
        ending("sync returned " + response.status() / 100 + "xx");
      } catch (CallInterruptedException e) {
        ending("sync interrupted");
      } catch (NoBackendAvailableException e) {
        ending("sync no backend available");
      } catch (AttemptsExhaustedException e) {
        ending("sync attempts exhausted");
      } catch (RuntimeException e) {
        unexpected.add(e);
      } finally {
        interrupter.disarm();
        Thread.interrupted(); // an interrupt that came too late for the call is not ours to keep
      }
    }

    private void callAsync(CallRequest request) throws Exception {
      CompletableFuture<Resp> f = CallExecutor.of(pool).executeAsync(request, async);
      int cancel = random.nextInt(100);
      if (cancel == 0) {
        f.cancel(true);
      } else if (cancel < 4) { // a few ms: often while the call waits or retries after a wait
        timer.schedule(() -> f.cancel(true), random.nextInt(3_000), TimeUnit.MICROSECONDS);
      }
      f.whenComplete(
          (response, error) -> {
            if (error == null) {
              returned(response);
              ending("async returned " + response.status() / 100 + "xx");
              return;
            }
            Throwable e =
                error instanceof CompletionException && error.getCause() != null
                    ? error.getCause()
                    : error;
            if (e instanceof CancellationException) {
              ending("async cancelled");
            } else if (e instanceof NoBackendAvailableException) {
              ending("async no backend available");
            } else if (e instanceof AttemptsExhaustedException) {
              ending("async attempts exhausted");
            } else {
              unexpected.add(e);
            }
          });
      inFlight.add(f);
      if (inFlight.size() > ASYNC_WINDOW) {
        awaitOldest();
      }
    }

    private void awaitOldest() throws Exception {
      CompletableFuture<Resp> oldest = inFlight.poll();
      try {
        oldest.handle((r, e) -> null).get(30, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("an async call never completed", e);
      }
    }
  }

  /** Interrupts its thread after a delay, but only while the same call is still running. */
  private final class Interrupter {
    private final Thread thread;
    private long armed = -1;
    private long sequence;

    Interrupter(Thread thread) {
      this.thread = thread;
    }

    synchronized void armAfter(long micros) {
      long call = ++sequence;
      armed = call;
      timer.schedule(() -> fire(call), micros, TimeUnit.MICROSECONDS);
    }

    synchronized void disarm() {
      armed = -1;
    }

    private synchronized void fire(long call) {
      if (armed == call) {
        thread.interrupt();
      }
    }
  }

  /** The caller got its response; a stream is read to its end on another thread. */
  private void returned(Resp response) {
    if (returnedStatusByCall.put(response.callId(), response.status()) != null) {
      unexpected.add(new AssertionError("call " + response.callId() + " returned twice"));
    }
    if (response.stream() != null) {
      settleLater(response.stream());
    }
  }

  /** The engine will not hand the response over: close it, as an adapter does. */
  private static void close(Resp response) {
    if (response.stream() != null) {
      response.stream().completion().cancelled();
    }
  }

  private void ending(String how) {
    endings.computeIfAbsent(how, k -> new LongAdder()).increment();
  }

  // ---- the transport ----

  private static SplittableRandom random() {
    return RANDOM.get();
  }

  /** The response for {@code kind}; settles a 2xx at once, or, for a stream, later elsewhere. */
  private AttemptResponse<Resp> respond(Attempt attempt, Kind kind) {
    SplittableRandom r = random();
    Map<String, String> headers = new HashMap<>();
    int status;
    String errorCode = null;
    switch (kind) {
      case OK:
        status = 200;
        break;
      case THROTTLED_HINT:
        status = 429;
        headers.put("retry-after-ms", Integer.toString(1 + r.nextInt(3)));
        break;
      case THROTTLED_NO_HINT:
        status = 429;
        break;
      case UNAVAILABLE_HINT:
        status = 503;
        headers.put("retry-after-ms", Integer.toString(1 + r.nextInt(2)));
        break;
      case UNAVAILABLE:
        status = 503;
        break;
      case SERVER_ERROR:
        status = 500;
        break;
      case CALLER_ERROR:
        status = 400;
        errorCode = "content_filter";
        break;
      case DEPLOYMENT_NOT_FOUND:
        status = 404;
        errorCode = "DeploymentNotFound";
        break;
      case UNAUTHORIZED:
        status = 401;
        break;
      default:
        throw new IllegalArgumentException(kind.name());
    }
    boolean stream = status == 200 && attempt.streaming();
    if (stream) {
      streamsOpened.increment(); // settled by whoever ends up with the response
    } else if (status == 200) {
      attempt.completion().complete(Usage.reported(1 + r.nextInt(500), r.nextInt(500)));
    }
    ResponseHeaders h = headers::get;
    return new AttemptResponse<>(
        status,
        h,
        errorCode,
        new Resp(attempt.callId(), attempt.backend().id(), status, stream ? attempt : null));
  }

  /** The caller reads the stream on another thread: it completes, fails or stops reading. */
  private void settleLater(Attempt attempt) {
    SplittableRandom r = random();
    int how = r.nextInt(10);
    Runnable settle =
        () -> {
          if (how < 6) {
            attempt
                .completion()
                .complete(how < 4 ? Usage.reported(10, 1 + random().nextInt(300)) : null);
          } else if (how < 8) {
            attempt.completion().fail(new IOException("stream reset"));
          } else {
            attempt.completion().cancelled();
          }
        };
    if (r.nextBoolean()) {
      settler.execute(settle);
    } else {
      settler.schedule(settle, r.nextInt(1_000), TimeUnit.MICROSECONDS);
    }
  }

  private final class SyncTransport implements AttemptTransport<Resp> {
    @Override
    public AttemptResponse<Resp> send(Attempt attempt) throws Exception {
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted before sending");
      }
      SplittableRandom r = random();
      if (r.nextInt(20) == 0) {
        LockSupport.parkNanos(50_000 + r.nextInt(200_000)); // a slow answer
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while waiting for the response");
        }
      }
      Kind kind = Kind.draw(r);
      switch (kind) {
        case CONNECTION_RESET:
          throw new IOException("connection reset");
        case TIMEOUT:
          throw new AttemptTimeoutException(attempt.backend().id(), attempt.timeout());
        default:
          return respond(attempt, kind);
      }
    }

    @Override
    public void discard(Resp response) {
      close(response);
    }
  }

  private final class AsyncTransport implements AsyncAttemptTransport<Resp> {
    @Override
    public CompletableFuture<AttemptResponse<Resp>> send(Attempt attempt) {
      SplittableRandom r = random();
      Kind kind = Kind.draw(r);
      CompletableFuture<AttemptResponse<Resp>> f = new CompletableFuture<>();
      if (kind == Kind.TIMEOUT) {
        return f; // no answer: the engine cancels it at the attempt timeout
      }
      Runnable answer =
          () -> {
            if (kind == Kind.CONNECTION_RESET) {
              f.completeExceptionally(new IOException("connection reset"));
            } else if (!f.isDone()) {
              f.complete(respond(attempt, kind));
            }
          };
      int delivery = r.nextInt(10);
      if (delivery < 3) {
        answer.run(); // already answered when send returns
      } else if (delivery < 7) {
        io.execute(answer);
      } else {
        io.schedule(answer, r.nextInt(500), TimeUnit.MICROSECONDS);
      }
      return f;
    }

    @Override
    public void discard(Resp response) {
      close(response);
    }
  }

  // ---- what the pool reports ----

  private final class Recorder implements PoolListener {
    @Override
    public void onAttempt(String callId, AttemptRecord attempt) {
      count(recordsNotified, recordKey(attempt), 1);
    }

    @Override
    public void onCallComplete(CallOutcome outcome) {
      Integer status = outcome.status() != null ? outcome.status() : -1;
      if (outcomeStatusByCall.putIfAbsent(outcome.callId(), status) != null) {
        duplicateOutcomes.increment();
      }
      for (AttemptRecord attempt : outcome.attempts()) {
        count(recordsInOutcomes, recordKey(attempt), 1);
      }
      if (outcome.backendId() != null) {
        String route = outcome.backendId() + "/" + outcome.deployment();
        count(inputTokensByRoute, route, outcome.usage().inputTokens());
        count(outputTokensByRoute, route, outcome.usage().outputTokens());
      }
    }
  }

  /** {@code backend/deployment/OUTCOME/2xx-or-other}. */
  private static String recordKey(AttemptRecord a) {
    boolean admitted = a.status() != null && a.status() >= 200 && a.status() < 300;
    return a.backendId()
        + "/"
        + a.deployment()
        + "/"
        + a.outcome()
        + "/"
        + (admitted ? "2xx" : "other");
  }

  private static void count(Map<String, LongAdder> counts, String key, long n) {
    counts.computeIfAbsent(key, k -> new LongAdder()).add(n);
  }

  private void awaitOutcomes(long calls) throws InterruptedException {
    await().atMost(Duration.ofSeconds(30)).until(() -> outcomeStatusByCall.size() >= calls);
    settler.shutdown();
    assertThat(settler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  // ---- the checks ----

  private void assertEveryCallHasExactlyOneOutcome(long calls) {
    assertThat(duplicateOutcomes.sum()).as("calls with a second outcome").isZero();
    assertThat((long) outcomeStatusByCall.size()).as("calls with an outcome").isEqualTo(calls);
    assertThat(endings.values().stream().mapToLong(LongAdder::sum).sum())
        .as("calls that returned or threw")
        .isEqualTo(calls);
    // what the caller got is what the outcome says
    returnedStatusByCall.forEach(
        (callId, status) ->
            assertThat(outcomeStatusByCall.get(callId))
                .as("outcome of " + callId)
                .isEqualTo(status));
  }

  private static void assertNothingIsLeftInFlight(
      PoolSnapshot snapshot, RecordingStateStore store) {
    for (BackendSnapshot backend : snapshot.backends()) {
      for (RouteSnapshot route : backend.routes()) {
        assertThat(route.outstanding())
            .as(backend.id() + "/" + route.deployment() + " outstanding")
            .isZero();
      }
    }
    Map<String, Ledger> ledgers = store.ledgers();
    // six routes, and each of the four backends' single route for stateful operations
    assertThat(ledgers).hasSize(6 + 4);
    ledgers.forEach(
        (route, ledger) -> {
          assertThat(ledger.tokens()).as(route + " ledger tokens").isZero();
          assertThat(ledger.requests()).as(route + " ledger requests").isZero();
        });
  }

  private void assertCountersAddUp(PoolSnapshot snapshot) {
    assertThat(totals(recordsInOutcomes))
        .as("attempt records in outcomes vs notified")
        .isEqualTo(totals(recordsNotified));
    long attemptsInOutcomes = 0;
    long routeAttempts = 0;
    for (BackendSnapshot backend : snapshot.backends()) {
      for (RouteSnapshot route : backend.routes()) {
        String prefix = backend.id() + "/" + route.deployment() + "/";
        Map<String, Long> mine = new HashMap<>();
        recordsInOutcomes.forEach(
            (key, n) -> {
              if (key.startsWith(prefix)) {
                mine.put(key.substring(prefix.length()), n.sum());
              }
            });
        long all = mine.values().stream().mapToLong(Long::longValue).sum();
        String name = prefix.substring(0, prefix.length() - 1);
        assertThat(route.attempts()).as(name + " attempts").isEqualTo(all);
        assertThat(route.successes())
            .as(name + " successes (admitted)")
            .isEqualTo(sum(mine, k -> k.endsWith("/2xx")));
        assertThat(route.throttled())
            .as(name + " throttled")
            .isEqualTo(sum(mine, k -> k.startsWith("THROTTLED/")));
        assertThat(route.failures())
            .as(name + " failures")
            .isEqualTo(sum(mine, k -> k.startsWith("FAILED/") || k.startsWith("MISCONFIGURED/")));
        assertThat(route.callerErrors())
            .as(name + " caller errors")
            .isEqualTo(sum(mine, k -> k.startsWith("CALLER_ERROR/")));
        assertThat(route.inputTokens())
            .as(name + " input tokens")
            .isEqualTo(sum(inputTokensByRoute, name));
        assertThat(route.outputTokens())
            .as(name + " output tokens")
            .isEqualTo(sum(outputTokensByRoute, name));
        assertThat(all).as(name + " took traffic").isPositive();
        attemptsInOutcomes += all;
        routeAttempts += route.attempts();
      }
    }
    assertThat(attemptsInOutcomes).isEqualTo(routeAttempts);
    System.out.println("PoolConcurrencyTest attempts: " + routeAttempts);
  }

  private void assertOpenTelemetryCountersAddUp(java.util.Collection<MetricData> all) {
    Map<String, MetricData> byName = new HashMap<>();
    all.forEach(m -> byName.put(m.getName(), m));
    AttributeKey<String> backendId = AttributeKey.stringKey("spillway.backend.id");
    AttributeKey<String> outcome = AttributeKey.stringKey("spillway.attempt.outcome");
    for (LongPointData p : byName.get("spillway.outstanding").getLongSumData().getPoints()) {
      assertThat(p.getValue()).as("spillway.outstanding " + p.getAttributes()).isZero();
    }
    Map<String, Long> counted = new HashMap<>();
    for (LongPointData p : byName.get("spillway.attempts").getLongSumData().getPoints()) {
      counted.merge(
          p.getAttributes().get(backendId)
              + "/"
              + p.getAttributes().get(outcome).toUpperCase(java.util.Locale.ROOT),
          p.getValue(),
          Long::sum);
    }
    Map<String, Long> recorded = new HashMap<>();
    recordsInOutcomes.forEach(
        (key, n) -> {
          String[] parts = key.split("/");
          recorded.merge(parts[0] + "/" + parts[2], n.sum(), Long::sum);
        });
    assertThat(counted).as("spillway.attempts by backend and outcome").isEqualTo(recorded);
    long durations =
        byName.get("gen_ai.client.operation.duration").getHistogramData().getPoints().stream()
            .mapToLong(p -> p.getCount())
            .sum();
    assertThat(durations).as("operation durations recorded").isEqualTo(started.sum());
  }

  private static Map<String, Long> totals(Map<String, LongAdder> counts) {
    Map<String, Long> result = new HashMap<>();
    counts.forEach((k, v) -> result.put(k, v.sum()));
    return result;
  }

  private static long sum(Map<String, Long> counts, java.util.function.Predicate<String> key) {
    return counts.entrySet().stream()
        .filter(e -> key.test(e.getKey()))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  private static long sum(Map<String, LongAdder> counts, String key) {
    LongAdder n = counts.get(key);
    return n == null ? 0 : n.sum();
  }

  // ---- set-up ----

  private static Backend backend(String id, int tier, boolean embeddings) {
    Backend.Builder b =
        Backend.builder(id)
            .endpoint("https://" + id + ".openai.azure.com")
            .tier(tier)
            .deployment(CHAT, id + "-chat");
    if (embeddings) {
      b.deployment(EMBED, id + "-embed");
    }
    return b.build();
  }

  private static ScheduledThreadPoolExecutor executor(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(threads, factory);
    e.setRemoveOnCancelPolicy(true);
    return e;
  }
}
