package dev.spillway.simulator;

import com.azure.ai.openai.OpenAIAsyncClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.AddHeadersPolicy;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;
import java.time.Duration;

/**
 * Builds the real Azure OpenAI clients against a simulated resource, with the SDK's retries off.
 */
final class AzureClients {
  private AzureClients() {}

  /**
   * A builder for a simulated resource. The key goes in as a plain {@code api-key} header because
   * the SDK's key credential policy refuses plain-http endpoints.
   */
  static OpenAIClientBuilder builder(SimulatedResource resource, Duration responseTimeout) {
    com.azure.core.http.HttpHeaders key =
        new com.azure.core.http.HttpHeaders()
            .set(HttpHeaderName.fromString("api-key"), resource.config().apiKey());
    HttpClient http = new NettyAsyncHttpClientBuilder().responseTimeout(responseTimeout).build();
    return new OpenAIClientBuilder()
        .endpoint(resource.baseUrl())
        .httpClient(http)
        .addPolicy(new AddHeadersPolicy(key))
        .retryOptions(new RetryOptions(new FixedDelayOptions(0, Duration.ofMillis(1))));
  }

  static com.azure.ai.openai.OpenAIClient sync(SimulatedResource resource) {
    return builder(resource, Duration.ofSeconds(20)).buildClient();
  }

  static OpenAIAsyncClient async(SimulatedResource resource) {
    return builder(resource, Duration.ofSeconds(20)).buildAsyncClient();
  }
}
