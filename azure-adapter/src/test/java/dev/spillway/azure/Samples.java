package dev.spillway.azure;

import com.azure.ai.openai.OpenAIAsyncClient;
import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.OpenAIServiceVersion;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.rest.RequestOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.spillway.Backend;
import dev.spillway.Deployment;
import dev.spillway.PoolSettings;
import dev.spillway.pool.Credential;
import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.SpillwayPool;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The snippets of azure-adapter/README.md, compiled so they stay true. */
final class Samples {
  private Samples() {}

  static ChatCompletions fromCode() {
    // --- README: from code
    SpillwayPool pool =
        SpillwayPool.builder()
            .backend(
                Backend.builder("sweden-ptu")
                    .endpoint("https://example-ptu.openai.azure.com")
                    .tier(0)
                    .deployment(Deployment.ptu("gpt-4o", "gpt4o-ptu", 300_000))
                    .build(),
                Credential.apiKey(() -> System.getenv("AOAI_PTU_KEY")))
            .backend(
                Backend.builder("eastus-paygo")
                    .endpoint("https://example-paygo.openai.azure.com")
                    .tier(1)
                    .deployment("gpt-4o", "gpt-4o")
                    .build(),
                Credential.entra(new DefaultAzureCredentialBuilder().build()))
            .settings(PoolSettings.builder().timeout(Duration.ofSeconds(60)).build())
            .build();

    OpenAIClient client =
        SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP)
            .serviceVersion(OpenAIServiceVersion.V2025_01_01_PREVIEW)
            .httpLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.BASIC))
            .buildClient();
    OpenAIAsyncClient asyncClient =
        SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP).buildAsyncClient();

    ChatCompletionsOptions options =
        new ChatCompletionsOptions(List.of(new ChatRequestUserMessage("Hello!")));
    ChatCompletions answer = client.getChatCompletions("gpt-4o", options); // logical model
    asyncClient.getChatCompletions("gpt-4o", options).block();
    // --- end
    return answer;
  }

  static SpillwayPool fromConfig(PoolConfig config) {
    // --- README: from the schema
    return SpillwayPool.fromConfig(config);
    // --- end
  }

  static void perCall(OpenAIClient client, ChatCompletionsOptions options) {
    // --- README: per-call settings
    RequestOptions requestOptions =
        SpillwayContext.requestOptions("billing-service", Map.of("team", "search"));
    client.getChatCompletionsWithResponse("gpt-4o", options, requestOptions);
    // --- end
  }
}
