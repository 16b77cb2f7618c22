package dev.spillway.benchmarks;

import dev.spillway.Backend;
import dev.spillway.BackendPool;
import dev.spillway.Deployment;
import dev.spillway.spi.AttemptResponse;
import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import dev.spillway.spi.ResponseHeaders;
import dev.spillway.testing.SelectionProbes;
import io.opentelemetry.api.OpenTelemetry;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One route pick over 8 routes in 2 tiers (4 PTU routes in tier 0, 4 PAYG routes in tier 1, mixed
 * weights, every route with a latency sample), beside a plain weighted-random pick over the same
 * weights as the in-run reference (docs/benchmark.md §2).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SelectBenchmark {
  static final int ROUTES = 8;
  static final double[] WEIGHTS = {3, 2, 1, 1, 2, 2, 1, 1};

  /** The pool, shared by the benchmark threads as a pool is shared by callers. */
  @State(Scope.Benchmark)
  public static class Pool {
    BackendPool pool;

    @Setup(Level.Trial)
    public void setUp() {
      BackendPool.Builder builder = BackendPool.builder().openTelemetry(OpenTelemetry.noop());
      for (int i = 0; i < ROUTES; i++) {
        boolean ptu = i < ROUTES / 2;
        builder.backend(
            Backend.builder("b" + i)
                .endpoint("https://b" + i + ".openai.azure.com")
                .tier(ptu ? 0 : 1)
                .weight(WEIGHTS[i])
                .deployment(
                    ptu ? Deployment.ptu("gpt-4o", "d" + i, 0) : Deployment.of("gpt-4o", "d" + i))
                .build());
      }
      pool = builder.build();
      // Give every tier-0 route latency samples, as a warm pool has.
      CallExecutor calls = CallExecutor.of(pool);
      for (int i = 0; i < 200; i++) {
        calls.execute(
            CallRequest.builder("chat", "gpt-4o").maxOutputTokens(100).build(),
            attempt -> {
              attempt.completion().complete(null);
              return new AttemptResponse<>(200, ResponseHeaders.NONE, null, attempt);
            });
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      pool.close();
    }
  }

  /** Per-thread selection state, as each call has its own. */
  @State(Scope.Thread)
  public static class Caller {
    IntSupplier probe;

    @Setup(Level.Trial)
    public void setUp(Pool pool) {
      probe = SelectionProbes.firstPick(pool.pool, "gpt-4o", 800);
    }
  }

  @Benchmark
  public int select(Caller caller) {
    return caller.probe.getAsInt();
  }

  /** The reference: a weighted-random pick over the same 8 weights, no state consulted. */
  @Benchmark
  public int plainWeightedRandom() {
    double total = 0;
    for (double w : WEIGHTS) {
      total += w;
    }
    double target = ThreadLocalRandom.current().nextDouble() * total;
    for (int i = 0; i < WEIGHTS.length; i++) {
      target -= WEIGHTS[i];
      if (target < 0) {
        return i;
      }
    }
    return WEIGHTS.length - 1;
  }
}
