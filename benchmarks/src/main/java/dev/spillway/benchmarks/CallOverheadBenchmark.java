package dev.spillway.benchmarks;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.core.credential.KeyCredential;
import dev.spillway.Backend;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
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
 * Whole-call overhead (docs/benchmark.md §2): one chat completion through the real {@code
 * OpenAIClient}, plain vs built from a Spillway pool (one backend), against the same in-process
 * instant stub; and the same Spillway call with the OpenTelemetry SDK exporting spans and metrics
 * to memory.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class CallOverheadBenchmark {
  static final String ENDPOINT = "https://stub.openai.azure.com";

  ChatCompletionsOptions options;
  OpenAIClient plain;
  OpenAIClient spillway;
  OpenAIClient spillwayTelemetry;
  SpillwayPool pool;
  SpillwayPool telemetryPool;
  OpenTelemetrySdk sdk;
  InMemorySpanExporter spans;

  @Setup(Level.Trial)
  public void setUp() {
    options =
        new ChatCompletionsOptions(List.of(new ChatRequestUserMessage("How does a spillway work?")))
            .setMaxTokens(50);
    InstantStubHttpClient stub = new InstantStubHttpClient();
    plain =
        new OpenAIClientBuilder()
            .endpoint(ENDPOINT)
            .credential(new KeyCredential("stub-key"))
            .httpClient(stub)
            .buildClient();
    pool = pool(OpenTelemetry.noop());
    spillway = SpillwayAzure.openAIClientBuilder(pool, stub).buildClient();
    spans = InMemorySpanExporter.create();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setMeterProvider(
                SdkMeterProvider.builder()
                    .registerMetricReader(InMemoryMetricReader.create())
                    .build())
            .build();
    telemetryPool = pool(sdk);
    spillwayTelemetry = SpillwayAzure.openAIClientBuilder(telemetryPool, stub).buildClient();
  }

  static SpillwayPool pool(OpenTelemetry openTelemetry) {
    return SpillwayPool.builder()
        .openTelemetry(openTelemetry)
        .backend(
            Backend.builder("stub")
                .endpoint(ENDPOINT)
                .tier(0)
                .deployment("gpt-4o", "gpt-4o")
                .build(),
            Credential.apiKey("stub-key"))
        .build();
  }

  /** Keeps the in-memory span list from growing through a trial. */
  @TearDown(Level.Iteration)
  public void clearSpans() {
    spans.reset();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
    telemetryPool.close();
    sdk.close();
  }

  @Benchmark
  public ChatCompletions plain() {
    return plain.getChatCompletions("gpt-4o", options);
  }

  @Benchmark
  public ChatCompletions spillway() {
    return spillway.getChatCompletions("gpt-4o", options);
  }

  @Benchmark
  public ChatCompletions spillwayTelemetry() {
    return spillwayTelemetry.getChatCompletions("gpt-4o", options);
  }
}
