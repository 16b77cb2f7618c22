package dev.spillway.benchmarks;

import com.azure.ai.openai.models.ChatCompletionsOptions;
import dev.spillway.redis.RedisStateStore;
import dev.spillway.spi.PoolStateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import reactor.core.publisher.Mono;

/**
 * The clients of the {@code fleet} scenario (docs/benchmark.md §1): {@code spillway-single}, one
 * pool carrying all of 1.2 C; {@code spillway-local}, four pools in this JVM, each with its own
 * in-memory state and its own SDK client and Netty connections, each sent a quarter of the calls;
 * {@code spillway-redis}, the same four pools each on its own {@link RedisStateStore} (its own
 * connections) with one key prefix, on a {@code redis-server} this client starts. Every pool's
 * store is wrapped in a {@link ProbeCountingStore}, so the route probes of all pools are counted.
 *
 * <p>The calls are split by a seeded hash of their index: each pool gets an independent Poisson
 * stream at a quarter of the rate, and every row gets the same arrivals.
 */
final class FleetClient implements LoadClient {
  /** The rows of {@code fleet}, in report order. */
  static final List<String> KEYS = List.of("spillway-single", "spillway-local", "spillway-redis");

  /** The row that needs {@code redis-server}. */
  static final String REDIS = "spillway-redis";

  /** Pool instances of the local and Redis rows. */
  static final int INSTANCES = 4;

  private final String key;
  private final long seed;
  private final boolean smoke;
  private final List<Clients.SpillwayClient> pools = new ArrayList<>();
  private final Queue<ProbeCountingStore.Probe> probes = ProbeCountingStore.newLog();
  private final Queue<ProbeCountingStore.Probe> clearedEarly = ProbeCountingStore.newLog();
  private final RedisLauncher redis;
  private boolean poolsClosed;
  private List<CallRecord> records = List.of();

  /**
   * @param key one of {@link #KEYS}
   * @param targets the backends
   * @param timeScale F (the fleet's own, {@link Scenario#FLEET_TIME_SCALE})
   * @param seed the run's seed
   * @param smoke whether this is the test suite's tiny run (fewer store samples)
   */
  FleetClient(String key, List<Target> targets, double timeScale, long seed, boolean smoke) {
    if (!KEYS.contains(key)) {
      throw new IllegalArgumentException("unknown fleet client '" + key + "'");
    }
    this.key = key;
    this.seed = seed;
    this.smoke = smoke;
    try {
      this.redis = key.equals(REDIS) ? RedisLauncher.start() : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int n = key.equals("spillway-single") ? 1 : INSTANCES;
    try {
      for (int i = 0; i < n; i++) {
        PoolStateStore store =
            redis == null
                ? PoolStateStore.inMemory()
                : RedisStateStore.builder(redis.uri()).keyPrefix("bench-fleet").build();
        // Each instance its own random seed: four pools picking in lockstep would be no fleet.
        pools.add(
            Clients.SpillwayClient.standalone(
                key + "-" + i,
                targets,
                timeScale,
                seed + i,
                new ProbeCountingStore(store, probes, clearedEarly, i)));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public String key() {
    return key;
  }

  /** The instance a call goes to: a seeded hash of its index (warm-up calls: of their time). */
  int instanceOf(CallRecord record) {
    if (pools.size() == 1) {
      return 0;
    }
    long x = record.index >= 0 ? record.index : record.scheduledNanos;
    return (int) Math.floorMod(mix(seed * 0x9E3779B97F4A7C15L + x), (long) pools.size());
  }

  /** SplitMix64's finalizer. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public Mono<?> send(ChatCompletionsOptions options, CallRecord record) {
    return pools.get(instanceOf(record)).send(options, record);
  }

  @Override
  public void settle(List<CallRecord> records) {
    for (Clients.SpillwayClient pool : pools) {
      pool.settle(records); // each fills in the calls it served
    }
    this.records = records;
  }

  /**
   * Backend 429s of the window's calls that another instance could have told the sender about: sent
   * while a cool-down that another instance had applied on the same route, after a 429 answered at
   * least {@link #KNOWN_AFTER_NANOS} earlier, had not yet ended. From the pools' attempt records
   * (times are the call's subscription plus the attempt's offset). 0 for one instance by
   * definition; with a working shared store close to 0.
   */
  long throttlesInOthersCoolDown() {
    record Throttle(long answered, long until, int instance) {}
    Map<String, List<Throttle>> byRoute = new java.util.HashMap<>();
    List<long[]> sent429 = new ArrayList<>(); // sent, route index, instance
    List<String> routes = new ArrayList<>();
    for (CallRecord r : records) {
      List<dev.spillway.AttemptRecord> attempts = r.poolAttempts;
      if (attempts == null || r.startedNanos == 0) {
        continue;
      }
      int instance = instanceOf(r);
      for (dev.spillway.AttemptRecord a : attempts) {
        if (a.status() == null || a.status() != 429) {
          continue;
        }
        String route = a.backendId() + "/" + a.deployment();
        long sent = r.startedNanos + a.start().toNanos();
        long answered = sent + (a.latency() == null ? 0 : a.latency().toNanos());
        if (a.coolDown() != null) {
          byRoute
              .computeIfAbsent(route, k -> new ArrayList<>())
              .add(new Throttle(answered, answered + a.coolDown().toNanos(), instance));
        }
        int idx = routes.indexOf(route);
        if (idx < 0) {
          routes.add(route);
          idx = routes.size() - 1;
        }
        sent429.add(new long[] {sent, idx, instance});
      }
    }
    long count = 0;
    for (long[] s : sent429) {
      for (Throttle t : byRoute.getOrDefault(routes.get((int) s[1]), List.of())) {
        if (t.instance() != s[2] && t.answered() + KNOWN_AFTER_NANOS <= s[0] && s[0] < t.until()) {
          count++;
          break;
        }
      }
    }
    return count;
  }

  /** How long after a 429's answer another instance counts as able to know of it: 1 ms. */
  static final long KNOWN_AFTER_NANOS = 1_000_000;

  /**
   * The route probes of all pools whose outcome came after the window started, and for {@code
   * spillway-redis} the store's own measurements (after the pools are closed): propagation between
   * two stores and the added latency on the call path with Redis up, paused and down.
   */
  @Override
  public Map<String, Object> extraFigures(long windowStartNanos) {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Long> byBackend = new TreeMap<>();
    Map<String, Long> byInstance = new TreeMap<>();
    long count = 0;
    for (ProbeCountingStore.Probe p : probes) {
      if (p.endedNanos() >= windowStartNanos) {
        count++;
        byBackend.merge(p.backendId(), 1L, Long::sum);
        byInstance.merge(Integer.toString(p.pool()), 1L, Long::sum);
      }
    }
    m.put("instances", pools.size());
    m.put("probes_after_cooldown", count);
    m.put("probes_after_cooldown_by_backend", byBackend);
    m.put("probes_after_cooldown_by_instance", byInstance);
    m.put(
        "cooldowns_cleared_early",
        clearedEarly.stream().filter(p -> p.endedNanos() >= windowStartNanos).count());
    m.put("backend_429_in_others_cooldown", pools.size() == 1 ? 0L : throttlesInOthersCoolDown());
    if (redis != null) {
      closePools();
      FleetStoreProbes probe = new FleetStoreProbes(redis, smoke);
      m.put("propagation_ms", probe.propagation());
      m.putAll(probe.addedLatency());
    }
    return m;
  }

  private void closePools() {
    if (poolsClosed) {
      return;
    }
    poolsClosed = true;
    for (Clients.SpillwayClient pool : pools) {
      pool.close();
    }
  }

  @Override
  public void close() {
    try {
      closePools();
    } finally {
      if (redis != null) {
        redis.close();
      }
    }
  }
}
