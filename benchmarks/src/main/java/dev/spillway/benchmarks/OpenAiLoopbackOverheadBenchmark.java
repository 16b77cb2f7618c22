package dev.spillway.benchmarks;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.spillway.Backend;
import dev.spillway.openai.SpillwayOpenAI;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.simulator.DeploymentConfig;
import dev.spillway.simulator.LatencyModel;
import dev.spillway.simulator.ResourceConfig;
import dev.spillway.simulator.SimulatedResource;
import dev.spillway.simulator.Simulator;
import dev.spillway.simulator.SimulatorConfig;
import io.opentelemetry.api.OpenTelemetry;
import java.util.concurrent.TimeUnit;
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
 * Whole-call overhead through openai-java over real loopback HTTP (docs/benchmark.md §2): plain
 * openai-java vs Spillway's openai-java client (one backend), each on its own OkHttp transport as
 * openai-java builds it, against the zero-latency simulator deployment of {@link
 * LoopbackOverheadBenchmark} through the Azure v1 API; one call in flight.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class OpenAiLoopbackOverheadBenchmark {
  ChatCompletionCreateParams params;
  Simulator simulator;
  OpenAIClient plain;
  OpenAIClient spillway;
  SpillwayPool pool;

  @Setup(Level.Trial)
  public void setUp() {
    params = OpenAiCallOverheadBenchmark.request();
    simulator =
        Simulator.start(
            SimulatorConfig.of(
                ResourceConfig.of(
                    "loopback",
                    LoopbackOverheadBenchmark.KEY,
                    DeploymentConfig.ptu(LoopbackOverheadBenchmark.DEPLOYMENT, 1_000_000_000_000L)
                        .withLatency(LatencyModel.NONE)
                        .withMinOutputTokens(50))));
    SimulatedResource resource = simulator.resource("loopback");
    plain =
        OpenAiCallOverheadBenchmark.plainClient(
            resource.baseUrl(), LoopbackOverheadBenchmark.KEY, OkHttpClient.builder().build());
    pool =
        SpillwayPool.builder()
            .openTelemetry(OpenTelemetry.noop())
            .backend(
                Backend.builder("loopback")
                    .endpoint(resource.baseUrl())
                    .tier(0)
                    .deployment(
                        LoopbackOverheadBenchmark.DEPLOYMENT, LoopbackOverheadBenchmark.DEPLOYMENT)
                    .build(),
                Credential.apiKey(LoopbackOverheadBenchmark.KEY))
            .build();
    spillway = SpillwayOpenAI.client(pool);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    spillway.close();
    pool.close();
    simulator.close();
  }

  @Benchmark
  public ChatCompletion plain() {
    return plain.chat().completions().create(params);
  }

  @Benchmark
  public ChatCompletion spillway() {
    return spillway.chat().completions().create(params);
  }
}
