package dev.spillway.openai;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.openai.azure.AzureOpenAIServiceVersion;
import com.openai.azure.AzureUrlPathMode;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.client.OpenAIClientAsyncImpl;
import com.openai.client.okhttp.OkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.spillway.Backend;
import dev.spillway.Deployment;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import java.util.Map;

/** The snippets of openai-adapter/README.md, compiled so they stay true. */
final class Samples {
  private Samples() {}

  static ChatCompletion fromCode() {
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
            .build();

    OpenAIClient client = SpillwayOpenAI.client(pool); // the Azure v1 API, over OkHttp
    ChatCompletion answer =
        client
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model("gpt-4o") // the logical model
                    .addUserMessage("Say hello.")
                    .build());
    // --- end
    return answer;
  }

  static OpenAIClientAsync legacyPaths(SpillwayPool pool) {
    // --- README: legacy paths
    return new OpenAIClientAsyncImpl(
        SpillwayOpenAI.clientOptions(pool, AzureUrlPathMode.LEGACY, OkHttpClient.builder().build())
            .azureServiceVersion(AzureOpenAIServiceVersion.fromString("2024-10-21"))
            .build());
    // --- end
  }

  static ChatCompletion consumerAndTags(OpenAIClient client) {
    // --- README: consumer and tags
    OpenAIClient billing = // every call of this client is for the consumer "billing"
        client.withOptions(o -> o.putAllHeaders(SpillwayOpenAI.callHeaders("billing", null)));
    return billing
        .chat()
        .completions()
        .create(
            ChatCompletionCreateParams.builder()
                .model("gpt-4o")
                .addUserMessage("Summarise the invoice.")
                .putAllAdditionalHeaders( // tags of this one call
                    SpillwayOpenAI.callHeaders(null, Map.of("feature", "invoice-summary")))
                .build());
    // --- end
  }
}
