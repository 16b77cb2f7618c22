package dev.spillway.examples;

import static dev.spillway.examples.ExampleEnvironment.PTU_DEPLOYMENT;
import static dev.spillway.examples.ExampleEnvironment.PTU_ENDPOINT;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.spillway.Backend;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import java.util.List;

/**
 * Microsoft Entra ID instead of API keys: {@code DefaultAzureCredential} (managed identity,
 * workload identity, Azure CLI login…) gives each backend a bearer token for Azure OpenAI, cached
 * per backend until shortly before it expires.
 */
public final class EntraExample {
  private EntraExample() {}

  /**
   * Runs the example.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    try (ExampleEnvironment env = ExampleEnvironment.load()) {
      TokenCredential credential;
      if (env.simulated()) {
        // SIMULATOR ONLY: no Entra ID here, so a static bearer token the simulator accepts.
        credential = ExampleEnvironment.simulatorToken("key-ptu-a");
        System.out.println(
            "Entra ID: using a static simulator bearer token, not" + " DefaultAzureCredential.");
      } else {
        // tag::entra[]
        credential = new DefaultAzureCredentialBuilder().build();
        // end::entra[]
        System.out.println("Entra ID: using DefaultAzureCredential.");
      }
      // tag::entra-pool[]
      SpillwayPool pool =
          SpillwayPool.builder()
              .backend(
                  Backend.builder("sweden-ptu")
                      .endpoint(env.get(PTU_ENDPOINT))
                      .deployment("gpt-4o", env.get(PTU_DEPLOYMENT))
                      .build(),
                  Credential.entra(credential)) // scope cognitiveservices.azure.com
              .build();
      // end::entra-pool[]
      OpenAIClient client = SpillwayAzure.openAIClientBuilder(pool).buildClient();
      ChatCompletions answer =
          client.getChatCompletions(
              "gpt-4o",
              new ChatCompletionsOptions(List.of(new ChatRequestUserMessage("Say hello.")))
                  .setMaxTokens(30));
      System.out.println(answer.getChoices().get(0).getMessage().getContent());
      System.out.println("authenticated as " + pool.credentialKind("sweden-ptu"));
      pool.close();
    }
  }
}
