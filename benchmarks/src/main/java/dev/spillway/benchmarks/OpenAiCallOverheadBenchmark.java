package dev.spillway.benchmarks;

import com.openai.azure.AzureUrlPathMode;
import com.openai.azure.credential.AzureApiKeyCredential;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.spillway.openai.SpillwayOpenAI;
import dev.spillway.pool.SpillwayPool;
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
 * Whole-call overhead through openai-java (docs/benchmark.md §2): one chat completion through its
 * real {@code OpenAIClient}, plain vs Spillway's (one backend, the Azure v1 API), against the same
 * in-process instant stub transport.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class OpenAiCallOverheadBenchmark {
  ChatCompletionCreateParams params;
  OpenAIClient plain;
  OpenAIClient spillway;
  SpillwayPool pool;

  @Setup(Level.Trial)
  public void setUp() {
    params = request();
    OpenAiInstantStub stub = new OpenAiInstantStub();
    plain = plainClient(CallOverheadBenchmark.ENDPOINT, "stub-key", stub);
    pool = CallOverheadBenchmark.pool(OpenTelemetry.noop());
    spillway =
        new OpenAIClientImpl(
            SpillwayOpenAI.clientOptions(pool, AzureUrlPathMode.UNIFIED, stub).build());
  }

  /** The chat request of {@link CallOverheadBenchmark}, in openai-java's types. */
  static ChatCompletionCreateParams request() {
    return ChatCompletionCreateParams.builder()
        .model("gpt-4o")
        .addUserMessage("How does a spillway work?")
        .maxCompletionTokens(50)
        .build();
  }

  /** openai-java's client as its users set it up for Azure's v1 API with a key, retries off. */
  static OpenAIClient plainClient(
      String endpoint, String key, com.openai.core.http.HttpClient transport) {
    return new OpenAIClientImpl(
        ClientOptions.builder()
            .httpClient(transport)
            .baseUrl(endpoint + "/openai/v1")
            .azureUrlPathMode(AzureUrlPathMode.UNIFIED)
            .credential(AzureApiKeyCredential.create(key))
            .maxRetries(0)
            .build());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    spillway.close();
    pool.close();
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
