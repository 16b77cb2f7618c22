package dev.spillway.benchmarks;

import com.azure.ai.openai.OpenAIAsyncClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.http.rest.RequestOptions;
import com.azure.core.util.Context;
import com.openai.client.OpenAIClientAsync;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.Backend;
import dev.spillway.CallOutcome;
import dev.spillway.ConsumerPolicy;
import dev.spillway.ConsumerSettings;
import dev.spillway.Deployment;
import dev.spillway.PoolListener;
import dev.spillway.PoolSettings;
import dev.spillway.Priority;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.azure.SpillwayContext;
import dev.spillway.openai.SpillwayOpenAI;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.simulator.SimulatedResource;
import dev.spillway.simulator.Simulator;
import dev.spillway.simulator.SimulatorConfigs;
import dev.spillway.spi.PoolStateStore;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

/**
 * Builds the five clients of docs/benchmark.md §1 against one simulator, every time constant scaled
 * by F.
 */
final class Clients {
  /** Client keys, in report order. */
  static final List<String> KEYS =
      List.of(
          "single",
          "round-robin",
          "weighted-random",
          "priority-cooldown",
          "spillway",
          "spillway-openai");

  /** The Azure SDK's default retry policy: 3 retries, 800 ms base, 8 s max (exponential). */
  static final int SDK_MAX_RETRIES = 3;

  static final Duration SDK_BASE_DELAY = Duration.ofMillis(800);
  static final Duration SDK_MAX_DELAY = Duration.ofSeconds(8);

  /** azure-core-http-netty's default response timeout. */
  static final Duration SDK_RESPONSE_TIMEOUT = Duration.ofSeconds(60);

  /** The {@code mixed} scenario's interactive consumer. */
  static final String INTERACTIVE_CONSUMER = "chat";

  /** The {@code mixed} scenario's batch consumer (priority batch: tier 0 only). */
  static final String BATCH_CONSUMER = "batch-jobs";

  /** The tag that carries a call's record index to the pool's listener. */
  static final String CALL_TAG = "bench-call";

  /** The call deadline every client gets. */
  static final Duration DEADLINE = Duration.ofSeconds(120);

  private Clients() {}

  /** The pool's backends as the clients see them (tier, capacity weight, port, key). */
  static List<Target> targets(Simulator simulator) {
    List<Target> targets = new ArrayList<>();
    for (SimulatedResource resource : simulator.resources()) {
      var deployment = resource.config().deployments().get(0);
      targets.add(
          new Target(
              resource.id(),
              deployment.ptu() ? 0 : 1,
              deployment.tpm(),
              deployment.ptu(),
              resource.port(),
              resource.config().apiKey()));
    }
    return targets;
  }

  static Duration scaled(Duration d, double timeScale) {
    return Duration.ofNanos((long) (d.toNanos() / timeScale));
  }

  /**
   * Builds a client.
   *
   * @param key one of {@link #KEYS}
   * @param simulator the pool
   * @param timeScale F
   * @param seed the run's seed
   */
  static LoadClient create(String key, Simulator simulator, double timeScale, long seed) {
    return create(key, simulator, timeScale, seed, false);
  }

  /**
   * Builds a client; with {@code consumers}, the {@code spillway} client declares the {@code mixed}
   * scenario's consumers ({@link #INTERACTIVE_CONSUMER}, {@link #BATCH_CONSUMER} with priority
   * batch) and sends each call as its record's consumer.
   */
  static LoadClient create(
      String key, Simulator simulator, double timeScale, long seed, boolean consumers) {
    List<Target> targets = targets(simulator);
    if (key.equals("spillway-openai")) {
      return new SpillwayOpenAiClient(targets, timeScale, seed);
    }
    ConnectionProvider connections =
        ConnectionProvider.builder("bench-" + key)
            .maxConnections(2048)
            .pendingAcquireMaxCount(-1)
            .build();
    HttpClient http =
        new NettyAsyncHttpClientBuilder()
            .connectionProvider(connections)
            .responseTimeout(scaled(SDK_RESPONSE_TIMEOUT, timeScale))
            .build();
    if (key.equals("spillway")) {
      return new SpillwayClient(targets, http, connections, timeScale, seed, consumers);
    }
    RoutingPolicy router =
        switch (key) {
          case "single" -> new RoutingPolicy.Single(targets, timeScale);
          case "round-robin" -> new RoutingPolicy.RoundRobin(targets, timeScale);
          case "weighted-random" -> new RoutingPolicy.WeightedRandom(targets, timeScale, seed);
          case "priority-cooldown" -> new RoutingPolicy.PriorityCooldown(targets, timeScale, seed);
          default -> throw new IllegalArgumentException("unknown client '" + key + "'");
        };
    return new SdkClient(key, targets, router, http, connections, timeScale);
  }

  /** A baseline: the plain SDK client with its default retry (scaled) and a routing policy. */
  static final class SdkClient implements LoadClient {
    private final String key;
    private final OpenAIAsyncClient client;
    private final ConnectionProvider connections;

    SdkClient(
        String key,
        List<Target> targets,
        RoutingPolicy router,
        HttpClient http,
        ConnectionProvider connections,
        double timeScale) {
      this.key = key;
      this.connections = connections;
      ExponentialBackoffOptions backoff =
          new ExponentialBackoffOptions()
              .setMaxRetries(SDK_MAX_RETRIES)
              .setBaseDelay(scaled(SDK_BASE_DELAY, timeScale))
              .setMaxDelay(scaled(SDK_MAX_DELAY, timeScale));
      // The key goes in per try from the router: the SDK's key policy refuses plain-http endpoints.
      this.client =
          new OpenAIClientBuilder()
              .endpoint(targets.get(0).baseUrl())
              .httpClient(http)
              .retryOptions(new RetryOptions(backoff))
              .addPolicy(router)
              .buildAsyncClient();
    }

    @Override
    public String key() {
      return key;
    }

    @Override
    public Mono<?> send(ChatCompletionsOptions options, CallRecord record) {
      RequestOptions requestOptions =
          new RequestOptions().setContext(new Context(RoutingPolicy.CALL_KEY, record));
      return client.getChatCompletionsWithResponse(
          SimulatorConfigs.BENCHMARK_DEPLOYMENT, options, requestOptions);
    }

    @Override
    public void close() {
      connections.dispose();
    }
  }

  /**
   * Spillway with its default settings, every time constant scaled by F: the pool and what both SDK
   * clients on it share (each call's outcome, found by its consumer id, the record's index).
   */
  abstract static class PooledClient implements LoadClient {
    final SpillwayPool pool;
    private final Map<String, CallOutcome> outcomes = new ConcurrentHashMap<>();

    PooledClient(List<Target> targets, double timeScale, long seed) {
      this(targets, timeScale, seed, false);
    }

    PooledClient(List<Target> targets, double timeScale, long seed, boolean consumers) {
      this(targets, timeScale, seed, consumers, null);
    }

    /**
     * @param store the pool's state store (the pool closes it), or null for the default in-memory
     */
    PooledClient(
        List<Target> targets,
        double timeScale,
        long seed,
        boolean consumers,
        PoolStateStore store) {
      SpillwayPool.Builder builder =
          SpillwayPool.builder()
              .openTelemetry(OpenTelemetry.noop())
              .streamIdleTimeout(scaled(SpillwayPool.DEFAULT_STREAM_IDLE_TIMEOUT, timeScale))
              .settings(
                  PoolSettings.builder()
                      .timeout(scaled(Clients.DEADLINE, timeScale))
                      .attemptTimeout(scaled(PoolSettings.DEFAULT_ATTEMPT_TIMEOUT, timeScale))
                      .streamAttemptTimeout(
                          scaled(PoolSettings.DEFAULT_STREAM_ATTEMPT_TIMEOUT, timeScale))
                      .maxAttempts(RoutingPolicy.ATTEMPT_CAP)
                      .maxWait(scaled(PoolSettings.DEFAULT_MAX_WAIT, timeScale))
                      .ewmaDecay(scaled(PoolSettings.DEFAULT_EWMA_DECAY, timeScale))
                      .circuitBreakDuration(scaled(PoolSettings.DEFAULT_CIRCUIT_BREAK, timeScale))
                      .authBreakDuration(scaled(PoolSettings.DEFAULT_AUTH_BREAK, timeScale))
                      .misconfiguredCoolDown(
                          scaled(PoolSettings.DEFAULT_MISCONFIGURED_COOL_DOWN, timeScale))
                      .throttleFallbackCoolDown(
                          scaled(PoolSettings.DEFAULT_THROTTLE_FALLBACK, timeScale))
                      .lapBackoff(scaled(PoolSettings.DEFAULT_LAP_BACKOFF, timeScale))
                      .quotaWindow(scaled(PoolSettings.DEFAULT_QUOTA_WINDOW, timeScale))
                      .build())
              .randomSeed(seed)
              .listener(
                  new PoolListener() {
                    @Override
                    public void onCallComplete(CallOutcome outcome) {
                      String call = outcome.tags().get(CALL_TAG);
                      String id = call != null ? call : outcome.consumerId();
                      if (id != null) {
                        outcomes.put(id, outcome);
                      }
                    }
                  });
      for (Target t : targets) {
        // What a user writes in the pool configuration: tier, capacity weight, the capacity hints.
        Deployment deployment =
            t.ptu()
                ? Deployment.ptu("gpt-4o", SimulatorConfigs.BENCHMARK_DEPLOYMENT, (long) t.weight())
                : Deployment.of("gpt-4o", SimulatorConfigs.BENCHMARK_DEPLOYMENT)
                    .withTpm((long) t.weight())
                    .withRpm((long) t.weight() * 6 / 1000);
        builder.backend(
            Backend.builder(t.id())
                .endpoint(t.baseUrl())
                .tier(t.tier())
                .weight(t.weight())
                .deployment(deployment)
                .build(),
            Credential.apiKey(t.apiKey()));
      }
      if (consumers) {
        builder.consumers(
            ConsumerSettings.of(
                ConsumerPolicy.of(BATCH_CONSUMER).withPriority(Priority.BATCH),
                ConsumerPolicy.of(INTERACTIVE_CONSUMER)));
      }
      if (store != null) {
        builder.stateStore(store);
      }
      this.pool = builder.build();
    }

    @Override
    public void settle(List<CallRecord> records) {
      for (CallRecord record : records) {
        CallOutcome outcome = outcomes.get(Integer.toString(record.index));
        if (outcome == null) {
          continue;
        }
        if (outcome.rejection() != null) {
          record.rejection = outcome.rejection().label();
        }
        record.poolAttempts = outcome.attempts();
        for (AttemptRecord attempt : outcome.attempts()) {
          if (Target.FAILING.equals(attempt.backendId())
              && attempt.outcome() == AttemptOutcome.FAILED) {
            record.failedOnPtuA = true;
          }
          if (attempt.outcome() == AttemptOutcome.SUCCESS && record.startedNanos != 0) {
            record.servedBy = attempt.backendId();
            record.servedTier = attempt.tier();
            record.tokens = outcome.usage() == null ? 0 : outcome.usage().totalTokens();
            record.servedSentNanos = record.startedNanos + attempt.start().toNanos();
          }
        }
      }
    }

    @Override
    public void close() {
      pool.close();
    }
  }

  /** The pool through azure-ai-openai's {@code OpenAIAsyncClient}, on the baselines' Netty. */
  static final class SpillwayClient extends PooledClient {
    private final OpenAIAsyncClient client;
    private final ConnectionProvider connections;
    private final boolean consumers;
    private final boolean tagOnly;

    SpillwayClient(
        List<Target> targets,
        HttpClient http,
        ConnectionProvider connections,
        double timeScale,
        long seed,
        boolean consumers) {
      this(targets, http, connections, timeScale, seed, consumers, null);
    }

    /**
     * With a {@code store} (the {@code fleet} scenario's pools): calls name no consumer (a consumer
     * id per call would give a fleet-wide store one consumer ledger per call); the record index
     * travels in a tag.
     */
    SpillwayClient(
        List<Target> targets,
        HttpClient http,
        ConnectionProvider connections,
        double timeScale,
        long seed,
        boolean consumers,
        PoolStateStore store) {
      super(targets, timeScale, seed, consumers, store);
      this.connections = connections;
      this.consumers = consumers;
      this.tagOnly = store != null;
      this.client = SpillwayAzure.openAIClientBuilder(pool, http).buildAsyncClient();
    }

    /**
     * An SDK client on a Netty client and connection pool of its own, as {@link #create} builds.
     */
    static SpillwayClient standalone(
        String name, List<Target> targets, double timeScale, long seed, PoolStateStore store) {
      ConnectionProvider connections =
          ConnectionProvider.builder("bench-" + name)
              .maxConnections(2048)
              .pendingAcquireMaxCount(-1)
              .build();
      HttpClient http =
          new NettyAsyncHttpClientBuilder()
              .connectionProvider(connections)
              .responseTimeout(scaled(SDK_RESPONSE_TIMEOUT, timeScale))
              .build();
      return new SpillwayClient(targets, http, connections, timeScale, seed, false, store);
    }

    @Override
    public String key() {
      return "spillway";
    }

    @Override
    public Mono<?> send(ChatCompletionsOptions options, CallRecord record) {
      String index = Integer.toString(record.index);
      RequestOptions requestOptions =
          consumers
              ? SpillwayContext.requestOptions(
                  record.batch ? BATCH_CONSUMER : INTERACTIVE_CONSUMER, Map.of(CALL_TAG, index))
              : tagOnly
                  ? SpillwayContext.requestOptions(null, Map.of(CALL_TAG, index))
                  : SpillwayContext.requestOptions(index, null);
      return client.getChatCompletionsWithResponse("gpt-4o", options, requestOptions);
    }

    @Override
    public void close() {
      super.close();
      connections.dispose();
    }
  }

  /**
   * The same pool through openai-java's {@code OpenAIClientAsync} (the Azure v1 API) on its own
   * OkHttp transport, as {@code SpillwayOpenAI.asyncClient} builds it: the request is the
   * harness's, translated message by message.
   */
  static final class SpillwayOpenAiClient extends PooledClient {
    private final OpenAIClientAsync client;

    SpillwayOpenAiClient(List<Target> targets, double timeScale, long seed) {
      super(targets, timeScale, seed);
      this.client = SpillwayOpenAI.asyncClient(pool);
    }

    @Override
    public String key() {
      return "spillway-openai";
    }

    @Override
    public Mono<?> send(ChatCompletionsOptions options, CallRecord record) {
      ChatCompletionCreateParams params =
          OpenAiRequests.of(options)
              .putAllAdditionalHeaders(
                  SpillwayOpenAI.callHeaders(Integer.toString(record.index), null))
              .build();
      return Mono.fromFuture(() -> client.chat().completions().create(params));
    }

    @Override
    public void close() {
      client.close();
      super.close();
    }
  }
}
