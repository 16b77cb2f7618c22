package dev.spillway.benchmarks;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.core.http.rest.RequestOptions;
import dev.spillway.Backend;
import dev.spillway.CoolDownReason;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.azure.SpillwayContext;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.redis.RedisStateStore;
import dev.spillway.spi.PoolStateStore;
import dev.spillway.spi.PoolStateStore.Cell;
import dev.spillway.spi.PoolStateStore.CoolDown;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Redis store's own figures in the {@code fleet} scenario (docs/benchmark.md §1), measured on
 * loopback after the fleet's run, on the same {@code redis-server}:
 *
 * <ul>
 *   <li>{@link #propagation()}: two stores with one key prefix, each on its own connections; a
 *       cool-down is compare-and-set on one store's cell, and the time until the other store's cell
 *       of the same route holds it is measured by spinning on it.
 *   <li>{@link #addedLatency()}: a closed loop of chat completions through the real SDK client
 *       against the in-process instant stub, on a pool with a Redis store and on one with the
 *       in-memory store, interleaved, each call naming one consumer (so the fleet-wide consumer
 *       ledger is on the call path); with Redis up, then paused ({@code SIGSTOP}), then killed.
 * </ul>
 */
final class FleetStoreProbes {
  private static final String ENDPOINT = "https://stub.openai.azure.com";
  private static final String CONSUMER = "bench-overhead";
  private static final long SEEN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** Propagation samples of the test suite's tiny run. */
  static final int SMOKE_PROPAGATION_SAMPLES = 20;

  private final RedisLauncher redis;
  private final int propagationSamples;
  private final int warmupCalls;
  private final int minCalls;
  private final long minStateNanos;

  FleetStoreProbes(RedisLauncher redis, boolean smoke) {
    this.redis = redis;
    this.propagationSamples = smoke ? SMOKE_PROPAGATION_SAMPLES : 200;
    this.warmupCalls = smoke ? 200 : 3000;
    this.minCalls = smoke ? 100 : 3000;
    this.minStateNanos = TimeUnit.MILLISECONDS.toNanos(smoke ? 150 : 2000);
  }

  /**
   * @return {@code p50}, {@code max} (ms), {@code samples} and {@code lost} (not seen within 2 s)
   */
  Map<String, Object> propagation() {
    RedisStateStore writer =
        RedisStateStore.builder(redis.uri()).keyPrefix("bench-propagation").build();
    RedisStateStore reader =
        RedisStateStore.builder(redis.uri()).keyPrefix("bench-propagation").build();
    try {
      Cell<CoolDown> from = writer.coolDown("ptu-a", "probe");
      Cell<CoolDown> to = reader.coolDown("ptu-a", "probe");
      int warmup = Math.min(20, propagationSamples / 4);
      long[] samples = new long[propagationSamples];
      int n = 0;
      int lost = 0;
      for (int i = 0; i < warmup + propagationSamples; i++) {
        CoolDown next =
            new CoolDown(
                System.currentTimeMillis() + 60_000 + i, i + 1, true, CoolDownReason.THROTTLED);
        long t0 = System.nanoTime();
        if (!from.compareAndSet(from.get(), next)) {
          throw new IllegalStateException("the writer's cell changed under the probe");
        }
        long seen = -1;
        while (System.nanoTime() - t0 < SEEN_TIMEOUT_NANOS) {
          if (next.equals(to.get())) {
            seen = System.nanoTime() - t0;
            break;
          }
          Thread.onSpinWait();
        }
        if (i < warmup) {
          continue;
        }
        if (seen < 0) {
          lost++;
        } else {
          samples[n++] = seen;
        }
      }
      long[] sorted = java.util.Arrays.copyOf(samples, n);
      java.util.Arrays.sort(sorted);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("p50", n == 0 ? null : Figures.round(sorted[(n - 1) / 2] / 1e6, 3));
      m.put("max", n == 0 ? null : Figures.round(sorted[n - 1] / 1e6, 3));
      m.put("samples", n);
      m.put("lost", lost);
      return m;
    } finally {
      writer.close();
      reader.close();
    }
  }

  /** One state's loop: the Redis pool's and the in-memory pool's per-call times. */
  private record StateRun(long[] redis, long[] local, long redisFailures, long localFailures) {}

  /**
   * Runs the loop with Redis up, paused and killed (in that order; Redis is gone afterwards).
   *
   * @return {@code added_latency_us} (state → p50 difference, µs), {@code added_latency_failures}
   *     (state → failed calls of the Redis pool) and {@code added_latency_detail}
   */
  Map<String, Object> addedLatency() {
    Map<String, Object> added = new LinkedHashMap<>();
    Map<String, Object> failures = new LinkedHashMap<>();
    Map<String, Object> detail = new LinkedHashMap<>();
    InstantStubHttpClient stub = new InstantStubHttpClient();
    SpillwayPool local = pool(PoolStateStore.inMemory());
    SpillwayPool shared =
        pool(RedisStateStore.builder(redis.uri()).keyPrefix("bench-overhead").build());
    try {
      OpenAIClient localClient = SpillwayAzure.openAIClientBuilder(local, stub).buildClient();
      OpenAIClient redisClient = SpillwayAzure.openAIClientBuilder(shared, stub).buildClient();
      ChatCompletionsOptions options =
          new ChatCompletionsOptions(
                  List.of(new ChatRequestUserMessage("How does a spillway work?")))
              .setMaxTokens(50);
      loop(localClient, redisClient, options, warmupCalls, 0); // JIT and connections
      for (String state : List.of("up", "paused", "down")) {
        switch (state) {
          case "paused" -> redis.pause();
          case "down" -> {
            redis.resume();
            redis.kill();
          }
          default -> {}
        }
        StateRun run = loop(localClient, redisClient, options, minCalls, minStateNanos);
        double p50 = p50Us(run.redis());
        double base = p50Us(run.local());
        added.put(state, Figures.round(p50 - base, 1));
        failures.put(state, run.redisFailures());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("redis_p50_us", Figures.round(p50, 1));
        d.put("in_memory_p50_us", Figures.round(base, 1));
        d.put("redis_p99_us", Figures.round(quantileUs(run.redis(), 0.99), 1));
        d.put("in_memory_p99_us", Figures.round(quantileUs(run.local(), 0.99), 1));
        d.put("redis_calls_ok", run.redis().length);
        d.put("in_memory_calls_ok", run.local().length);
        d.put("in_memory_failures", run.localFailures());
        detail.put(state, d);
      }
    } catch (IOException e) {
      detail.put("error", "could not signal redis-server: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      detail.put("error", "interrupted");
    } finally {
      shared.close();
      local.close();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("added_latency_us", added);
    m.put("added_latency_failures", failures);
    m.put("added_latency_detail", detail);
    return m;
  }

  /**
   * Interleaved rounds of 50 calls on each pool (alternating which goes first) until each has made
   * {@code calls} calls and {@code minNanos} have passed.
   */
  private static StateRun loop(
      OpenAIClient local,
      OpenAIClient shared,
      ChatCompletionsOptions options,
      int calls,
      long minNanos) {
    List<Long> redisTimes = new ArrayList<>();
    List<Long> localTimes = new ArrayList<>();
    long[] fails = new long[2];
    long start = System.nanoTime();
    int round = 0;
    int sent = 0;
    while (sent < calls || System.nanoTime() - start < minNanos) {
      sent += 50;
      boolean redisFirst = (round++ & 1) == 0;
      for (int side = 0; side < 2; side++) {
        boolean isRedis = (side == 0) == redisFirst;
        OpenAIClient client = isRedis ? shared : local;
        List<Long> times = isRedis ? redisTimes : localTimes;
        for (int i = 0; i < 50; i++) {
          long t0 = System.nanoTime();
          try {
            RequestOptions ro = SpillwayContext.requestOptions(CONSUMER, null);
            client.getChatCompletionsWithResponse("gpt-4o", options, ro);
            times.add(System.nanoTime() - t0);
          } catch (RuntimeException e) {
            fails[isRedis ? 0 : 1]++;
          }
        }
      }
    }
    // 'sent' counts each pool's calls, failed or not
    return new StateRun(
        redisTimes.stream().mapToLong(Long::longValue).sorted().toArray(),
        localTimes.stream().mapToLong(Long::longValue).sorted().toArray(),
        fails[0],
        fails[1]);
  }

  private static double p50Us(long[] sorted) {
    return quantileUs(sorted, 0.5);
  }

  private static double quantileUs(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e3;
  }

  private static SpillwayPool pool(PoolStateStore store) {
    return SpillwayPool.builder()
        .openTelemetry(OpenTelemetry.noop())
        .stateStore(store)
        .backend(
            Backend.builder("stub")
                .endpoint(ENDPOINT)
                .tier(0)
                .deployment("gpt-4o", "gpt-4o")
                .build(),
            Credential.apiKey("stub-key"))
        .build();
  }
}
