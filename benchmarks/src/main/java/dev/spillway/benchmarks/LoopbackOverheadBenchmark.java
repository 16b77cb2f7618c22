package dev.spillway.benchmarks;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import dev.spillway.Backend;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.simulator.DeploymentConfig;
import dev.spillway.simulator.LatencyModel;
import dev.spillway.simulator.ResourceConfig;
import dev.spillway.simulator.SimulatedResource;
import dev.spillway.simulator.Simulator;
import dev.spillway.simulator.SimulatorConfig;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
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
 * Whole-call overhead over real loopback HTTP (docs/benchmark.md §2): one chat completion through
 * the real {@code OpenAIClient}, plain vs built from a Spillway pool (one backend), against the
 * same zero-latency simulator deployment (a PTU deployment that drains far faster than it is asked,
 * so it never throttles; every answer 50 tokens), one call in flight, both clients on the same
 * Netty HTTP client. Beside the instant stub of {@link CallOverheadBenchmark}, this shows what the
 * library adds to a call that really goes through sockets, headers and JSON.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class LoopbackOverheadBenchmark {
  static final String DEPLOYMENT = "gpt-4o";
  static final String KEY = "loopback-key";
  static final HttpHeaderName API_KEY = HttpHeaderName.fromString("api-key");

  ChatCompletionsOptions options;
  Simulator simulator;
  OpenAIClient plain;
  OpenAIClient spillway;
  SpillwayPool pool;

  @Setup(Level.Trial)
  public void setUp() {
    options =
        new ChatCompletionsOptions(List.of(new ChatRequestUserMessage("How does a spillway work?")))
            .setMaxTokens(50);
    simulator =
        Simulator.start(
            SimulatorConfig.of(
                ResourceConfig.of(
                    "loopback",
                    KEY,
                    DeploymentConfig.ptu(DEPLOYMENT, 1_000_000_000_000L)
                        .withLatency(LatencyModel.NONE)
                        .withMinOutputTokens(50))));
    SimulatedResource resource = simulator.resource("loopback");
    HttpClient http = new NettyAsyncHttpClientBuilder().build();
    // The key goes in as a header: the SDK's key credential policy refuses plain-http endpoints.
    plain =
        new OpenAIClientBuilder()
            .endpoint(resource.baseUrl())
            .httpClient(http)
            .addPolicy(
                (context, next) -> {
                  context.getHttpRequest().setHeader(API_KEY, KEY);
                  return next.process();
                })
            .buildClient();
    pool =
        SpillwayPool.builder()
            .openTelemetry(OpenTelemetry.noop())
            .backend(
                Backend.builder("loopback")
                    .endpoint(resource.baseUrl())
                    .tier(0)
                    .deployment(DEPLOYMENT, DEPLOYMENT)
                    .build(),
                Credential.apiKey(KEY))
            .build();
    spillway = SpillwayAzure.openAIClientBuilder(pool, http).buildClient();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
    simulator.close();
  }

  @Benchmark
  public ChatCompletions plain() {
    return plain.getChatCompletions(DEPLOYMENT, options);
  }

  @Benchmark
  public ChatCompletions spillway() {
    return spillway.getChatCompletions(DEPLOYMENT, options);
  }
}
