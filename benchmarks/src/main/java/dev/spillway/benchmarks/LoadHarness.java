package dev.spillway.benchmarks;

import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestMessage;
import com.azure.ai.openai.models.ChatRequestSystemMessage;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.core.exception.HttpResponseException;
import com.openai.errors.OpenAIServiceException;
import dev.spillway.simulator.Faults;
import dev.spillway.simulator.SimulatedResource;
import dev.spillway.simulator.Simulator;
import dev.spillway.simulator.SimulatorConfigs;
import dev.spillway.simulator.SimulatorStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs one scenario with one client against a fresh in-process simulator: for scenarios above the
 * PTU drain, the PTU buckets are set to their saturated steady state first; then a warm-up at the
 * scenario's steady rate (the clients' own state), the measured window with open-loop Poisson
 * arrivals, faults in the middle third, and the wait for the calls still open (up to the deadline).
 */
final class LoadHarness {
  /** Output tokens asked for per call (docs/benchmark.md §1). */
  static final int MAX_TOKENS = 300;

  private final BenchOptions options;
  private final ChatCompletionsOptions request;

  LoadHarness(BenchOptions options) {
    this.options = options;
    this.request = request();
  }

  /**
   * A chat request of about 500 prompt tokens (as the simulator counts them) and {@code max_tokens}
   * 300.
   */
  static ChatCompletionsOptions request() {
    StringBuilder text = new StringBuilder(3000);
    String[] words = {
      "river", "stone", "water", "flow", "gate", "basin", "level", "spill", "over", "bank"
    };
    for (int i = 0; i < 478; i++) {
      text.append(words[i % words.length]).append(' ');
    }
    List<ChatRequestMessage> messages =
        List.of(
            new ChatRequestSystemMessage("You are a helpful assistant."),
            new ChatRequestUserMessage(text.toString().trim()));
    return new ChatCompletionsOptions(messages).setMaxTokens(MAX_TOKENS);
  }

  RunResult run(Scenario scenario, String clientKey) throws InterruptedException {
    return start(scenario, clientKey).finish();
  }

  Pending start(Scenario scenario, String clientKey) throws InterruptedException {
    return start(scenario, clientKey, false);
  }

  /** The interactive stream of {@code mixed}: 0.4 C from the interactive consumer. */
  static final double MIXED_INTERACTIVE_RATE = 0.4;

  /** The batch stream of {@code mixed}: 0.4 C from the batch consumer. */
  static final double MIXED_BATCH_RATE = 0.4;

  /**
   * The arrivals of a scenario and which of them are batch calls: for {@code mixed} the interactive
   * stream (the same with or without the batch one) merged with the batch stream.
   */
  private double[][] arrivals(Scenario scenario, boolean interactiveOnly, double from, double len) {
    boolean warmup = from < 0;
    if (scenario != Scenario.MIXED) {
      double[] at = Arrivals.schedule(options.seed(), scenario, from, len, warmup);
      return new double[][] {at, new double[at.length]};
    }
    double[] interactive = Arrivals.stream(options.seed(), 0, MIXED_INTERACTIVE_RATE, from, len);
    double[] batch =
        interactiveOnly
            ? new double[0]
            : Arrivals.stream(options.seed(), 1, MIXED_BATCH_RATE, from, len);
    double[] at = new double[interactive.length + batch.length];
    double[] isBatch = new double[at.length];
    int i = 0;
    int b = 0;
    for (int n = 0; n < at.length; n++) {
      if (b < batch.length && (i == interactive.length || batch[b] < interactive[i])) {
        at[n] = batch[b++];
        isBatch[n] = 1;
      } else {
        at[n] = interactive[i++];
      }
    }
    return new double[][] {at, isBatch};
  }

  /**
   * Runs the warm-up and the measured window; the calls still open are waited for by {@link
   * Pending#finish()}, so the next run can start meanwhile (the open calls are few and mostly
   * waiting for a retry).
   */
  Pending start(Scenario scenario, String clientKey, boolean interactiveOnly)
      throws InterruptedException {
    double f = options.timeScale(scenario);
    long deadlineNanos = Clients.scaled(Clients.DEADLINE, f).toNanos();
    double warmup = options.warmupSeconds(scenario);
    double[][] warmArrivals = arrivals(scenario, interactiveOnly, -warmup, warmup);
    double[] warm = warmArrivals[0];
    double windowSeconds = scenario.windowSeconds(options);
    double[][] measuredArrivals = arrivals(scenario, interactiveOnly, 0, windowSeconds);
    double[] measured = measuredArrivals[0];
    ScheduledExecutorService events =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-events");
              t.setDaemon(true);
              return t;
            });
    long simulatorStart = System.nanoTime(); // the simulator's quota minutes count from its start
    Simulator simulator =
        Simulator.start(
            SimulatorConfigs.benchmarkPool(options.seed(), f)
                .withSlidingWindow(scenario.slidingWindow()));
    LoadClient client;
    try {
      client =
          FleetClient.KEYS.contains(clientKey)
              ? new FleetClient(
                  clientKey,
                  Clients.targets(simulator),
                  f,
                  options.seed(),
                  options.mode().equals("smoke"))
              : Clients.create(clientKey, simulator, f, options.seed(), scenario == Scenario.MIXED);
    } catch (RuntimeException e) {
      events.shutdownNow();
      simulator.close();
      throw e;
    }
    try {
      // Preset once the client exists (building one may take longer than the warm-up): the
      // buckets then drain for at most the warm-up before the window starts. Mixed's
      // interactive-only baseline (0.4 C) fits on the PTUs: it starts cold, its steady state.
      long presetNanos = interactiveOnly ? 0 : presetSaturatedBuckets(scenario, simulator);
      // The window starts after whole quota minutes of warm-up, aligned with the standard
      // deployments' minute counters (without warm-up: right away, within a few simulated seconds
      // of the start).
      long lead = TimeUnit.MILLISECONDS.toNanos(20);
      long origin =
          warmup > 0
              ? Math.max(simulatorStart + toNanos(warmup, f), System.nanoTime() + lead)
              : System.nanoTime() + lead;
      long windowNanos = toNanos(windowSeconds, f);
      long[] fault = new long[2];
      AtomicReference<SimulatorStats> windowStats = new AtomicReference<>();
      Map<String, Double> ptuAtStart = new ConcurrentHashMap<>();
      AtomicReference<Double> presetAge = new AtomicReference<>();
      schedule(
          events,
          origin,
          () -> {
            simulator.resetStats();
            if (presetNanos != 0) {
              presetAge.set(Figures.round((System.nanoTime() - presetNanos) * f / 1e9, 3));
            }
            for (SimulatedResource resource : simulator.resources()) {
              if (resource.config().deployments().get(0).ptu()) {
                ptuAtStart.put(
                    resource.id(),
                    Figures.round(
                        simulator.utilization(resource.id(), SimulatorConfigs.BENCHMARK_DEPLOYMENT),
                        3));
              }
            }
          });
      if (scenario.hasFault()) {
        fault[0] = origin + windowNanos / 3;
        fault[1] = origin + 2 * windowNanos / 3;
        schedule(events, fault[0], () -> startFault(scenario, simulator));
        schedule(events, fault[1], () -> endFault(scenario, simulator));
      }
      schedule(events, origin + windowNanos, () -> windowStats.set(simulator.stats()));

      List<CallRecord> records = new ArrayList<>(measured.length);
      CountDownLatch open = new CountDownLatch(measured.length);
      for (int i = 0; i < warm.length; i++) {
        long at = origin + toNanos(warm[i], f);
        CallRecord record = new CallRecord(-1, at);
        record.batch = warmArrivals[1][i] != 0;
        parkUntil(at);
        send(client, record, deadlineNanos, null);
      }
      for (int i = 0; i < measured.length; i++) {
        long at = origin + toNanos(measured[i], f);
        CallRecord record = new CallRecord(i, at);
        record.batch = measuredArrivals[1][i] != 0;
        records.add(record);
        parkUntil(at);
        send(client, record, deadlineNanos, open);
      }
      parkUntil(origin + windowNanos + TimeUnit.MILLISECONDS.toNanos(5));
      while (windowStats.get() == null) {
        Thread.sleep(1);
      }
      events.shutdown();
      return new Pending(
          scenario,
          clientKey,
          interactiveOnly,
          simulator,
          client,
          records,
          open,
          windowStats.get(),
          new TreeMap<>(ptuAtStart),
          presetAge.get(),
          origin,
          windowNanos,
          fault,
          records.isEmpty()
              ? origin
              : records.get(records.size() - 1).scheduledNanos + deadlineNanos);
    } catch (InterruptedException | RuntimeException e) {
      events.shutdownNow();
      client.close();
      simulator.close();
      throw e;
    }
  }

  /**
   * Steady state from the first second: a PTU bucket under more load than it drains sits at 100 %;
   * a client that sends it less drains it below that within the warm-up.
   */
  /** Presets the PTU buckets of a scenario above their drain; returns when, or 0 for none. */
  private static long presetSaturatedBuckets(Scenario scenario, Simulator simulator) {
    if (!scenario.saturatesPtu()) {
      return 0;
    }
    for (SimulatedResource resource : simulator.resources()) {
      if (resource.config().deployments().get(0).ptu()) {
        simulator.setUtilization(
            resource.id(), SimulatorConfigs.BENCHMARK_DEPLOYMENT, Scenario.SATURATED_UTILIZATION);
      }
    }
    return System.nanoTime();
  }

  /** A run whose window is over; {@link #finish()} waits for its open calls and closes it. */
  static final class Pending {
    private final Scenario scenario;
    private final String clientKey;
    private final boolean interactiveOnly;
    private final Simulator simulator;
    private final LoadClient client;
    private final List<CallRecord> records;
    private final CountDownLatch open;
    private final SimulatorStats windowStats;
    private final Map<String, Double> ptuAtStart;
    private final Double presetAge;
    private final long origin;
    private final long windowNanos;
    private final long[] fault;
    private final long lastDeadline;

    Pending(
        Scenario scenario,
        String clientKey,
        boolean interactiveOnly,
        Simulator simulator,
        LoadClient client,
        List<CallRecord> records,
        CountDownLatch open,
        SimulatorStats windowStats,
        Map<String, Double> ptuAtStart,
        Double presetAge,
        long origin,
        long windowNanos,
        long[] fault,
        long lastDeadline) {
      this.scenario = scenario;
      this.clientKey = clientKey;
      this.interactiveOnly = interactiveOnly;
      this.simulator = simulator;
      this.client = client;
      this.records = records;
      this.open = open;
      this.windowStats = windowStats;
      this.ptuAtStart = ptuAtStart;
      this.presetAge = presetAge;
      this.origin = origin;
      this.windowNanos = windowNanos;
      this.fault = fault;
      this.lastDeadline = lastDeadline;
    }

    /**
     * Waits for the open calls up to the deadline (then they count as errors) and closes the run.
     */
    RunResult finish() throws InterruptedException {
      try {
        long wait = lastDeadline + TimeUnit.MILLISECONDS.toNanos(500) - System.nanoTime();
        open.await(Math.max(0, wait), TimeUnit.NANOSECONDS);
        for (CallRecord record : records) {
          if (record.end == null) {
            record.end = CallRecord.End.TIMEOUT;
            record.endNanos = System.nanoTime();
          }
        }
        SimulatorStats finalStats = simulator.stats();
        client.settle(records);
        Map<String, Object> extra = client.extraFigures(origin);
        return new RunResult(
            scenario,
            clientKey,
            interactiveOnly,
            records,
            windowStats,
            finalStats,
            ptuAtStart,
            presetAge,
            origin,
            windowNanos,
            fault[0],
            fault[1],
            extra);
      } finally {
        client.close();
        simulator.close();
      }
    }
  }

  private void send(LoadClient client, CallRecord record, long deadlineNanos, CountDownLatch open) {
    try {
      // Subscribed on a worker, so a slow subscribe never delays the next arrival (open loop); any
      // queueing there still counts, as latency runs from the scheduled send time.
      Mono.defer(
              () -> {
                record.startedNanos = System.nanoTime();
                long remaining =
                    Math.max(1, record.scheduledNanos + deadlineNanos - record.startedNanos);
                return client.send(request, record).timeout(Duration.ofNanos(remaining));
              })
          .subscribeOn(Schedulers.parallel())
          .subscribe(
              ok -> finish(record, CallRecord.End.OK, open),
              error -> {
                record.error = describe(error);
                finish(record, classify(error, record), open);
              });
    } catch (RuntimeException e) {
      finish(record, classify(e, record), open);
    }
  }

  private static void finish(CallRecord record, CallRecord.End end, CountDownLatch open) {
    if (record.end != null) {
      return;
    }
    record.endNanos = System.nanoTime();
    record.end = end;
    if (open != null) {
      open.countDown();
    }
  }

  static String describe(Throwable error) {
    error = unwrap(error);
    String d = error.getClass().getSimpleName();
    if (error instanceof HttpResponseException http && http.getResponse() != null) {
      d += " " + http.getResponse().getStatusCode();
    } else if (error instanceof OpenAIServiceException service) {
      d += " " + service.statusCode();
    }
    Throwable cause = error.getCause();
    return cause == null ? d : d + " <- " + cause.getClass().getSimpleName();
  }

  /**
   * What openai-java's async client failed with, inside the future's {@code CompletionException}.
   */
  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  static CallRecord.End classify(Throwable error, CallRecord record) {
    error = unwrap(error);
    if (error instanceof OpenAIServiceException service) {
      return service.statusCode() == 429 ? CallRecord.End.THROTTLED : CallRecord.End.ERROR;
    }
    if (error instanceof TimeoutException) {
      return CallRecord.End.TIMEOUT;
    }
    if (error instanceof HttpResponseException http && http.getResponse() != null) {
      return http.getResponse().getStatusCode() == 429
          ? CallRecord.End.THROTTLED
          : CallRecord.End.ERROR;
    }
    if (error instanceof RoutingPolicy.AttemptCapException cap) {
      return cap.lastStatus == 429 ? CallRecord.End.THROTTLED : CallRecord.End.ERROR;
    }
    return CallRecord.End.ERROR;
  }

  private static void startFault(Scenario scenario, Simulator simulator) {
    if (scenario == Scenario.FAILURE) {
      simulator.refuseConnections(scenario.faultTarget());
    } else {
      simulator.setFaults(
          scenario.faultTarget(),
          SimulatorConfigs.BENCHMARK_DEPLOYMENT,
          Faults.NONE.withLatencyMultiplier(10));
    }
  }

  private static void endFault(Scenario scenario, Simulator simulator) {
    if (scenario == Scenario.FAILURE) {
      simulator.acceptConnections(scenario.faultTarget());
    } else {
      simulator.setFaults(
          scenario.faultTarget(), SimulatorConfigs.BENCHMARK_DEPLOYMENT, Faults.NONE);
    }
  }

  private static void schedule(ScheduledExecutorService events, long atNanos, Runnable action) {
    events.schedule(action, Math.max(0, atNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  static long toNanos(double simulatedSeconds, double timeScale) {
    return (long) (simulatedSeconds * 1e9 / timeScale);
  }

  private static void parkUntil(long atNanos) {
    long wait;
    while ((wait = atNanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
    }
  }
}
