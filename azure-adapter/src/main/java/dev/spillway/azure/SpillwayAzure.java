package dev.spillway.azure;

import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.core.credential.KeyCredential;
import com.azure.core.http.HttpClient;
import dev.spillway.azure.internal.NoRetryPolicy;
import dev.spillway.azure.internal.SpillwayHttpClient;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.spi.AdapterSupport;
import java.util.Objects;

/**
 * The Azure adapter: azure-ai-openai's standard {@code OpenAIClient} and {@code OpenAIAsyncClient}
 * over a {@link SpillwayPool}.
 *
 * <pre>{@code
 * OpenAIClient client = SpillwayAzure.openAIClientBuilder(pool).buildClient();
 * client.getChatCompletions("gpt-4o", options);   // "gpt-4o" is the logical model
 * }</pre>
 *
 * <p>The deployment name in the SDK call is the <em>logical model</em>: each attempt goes to a
 * route serving it, with that route's deployment name and the backend's own credential. Calls
 * outside {@code /openai/deployments/{model}/…} (files, batches, assistants…) go to the pool's home
 * backend only. Per-call settings travel under the keys of {@link SpillwayContext}.
 *
 * <p>Thread-safe (stateless).
 */
public final class SpillwayAzure {
  /** The endpoint the returned client builders carry; every attempt replaces it. */
  static final String PLACEHOLDER_ENDPOINT = "https://spillway.invalid";

  /** The key the returned client builders carry; every attempt replaces its header. */
  static final String PLACEHOLDER_KEY = "spillway-placeholder-key";

  private SpillwayAzure() {}

  /**
   * A new {@link OpenAIClientBuilder} bound to {@code pool}, sending attempts through azure-core's
   * default HTTP client (Netty).
   *
   * @param pool the pool
   * @return a new builder, one per call
   * @see #openAIClientBuilder(SpillwayPool, HttpClient)
   */
  public static OpenAIClientBuilder openAIClientBuilder(SpillwayPool pool) {
    return openAIClientBuilder(pool, HttpClient.createDefault());
  }

  /**
   * A new {@link OpenAIClientBuilder} bound to {@code pool}: a placeholder https endpoint, an HTTP
   * client that runs the pool's attempts over {@code httpClient}, the SDK's retry step replaced by
   * a silent pass-through (Spillway retries: exactly one HTTP request per attempt) and a
   * placeholder key whose header each attempt replaces with the chosen backend's credential.
   *
   * <p>Every other SDK option ({@code serviceVersion}, {@code httpLogOptions}, {@code addPolicy},
   * {@code clientOptions}, {@code configuration}) remains available. Do not call {@code endpoint},
   * {@code credential}, {@code httpClient}, {@code pipeline}, {@code retryOptions} or {@code
   * retryPolicy} on it: they would take the client out of the pool.
   *
   * @param pool the pool
   * @param httpClient the real HTTP client that sends each attempt; its own retries, if any, should
   *     be off
   * @return a new builder, one per call
   * @throws NullPointerException if an argument is null
   */
  public static OpenAIClientBuilder openAIClientBuilder(SpillwayPool pool, HttpClient httpClient) {
    AdapterSupport support = AdapterSupport.of(pool);
    Objects.requireNonNull(httpClient, "'httpClient' cannot be null.");
    return new OpenAIClientBuilder()
        .endpoint(PLACEHOLDER_ENDPOINT)
        .credential(new KeyCredential(PLACEHOLDER_KEY))
        .httpClient(new SpillwayHttpClient(support, httpClient))
        .retryPolicy(new NoRetryPolicy());
  }
}
