package dev.spillway.examples;

import static dev.spillway.examples.ExampleEnvironment.PAYGO_DEPLOYMENT;
import static dev.spillway.examples.ExampleEnvironment.PAYGO_ENDPOINT;
import static dev.spillway.examples.ExampleEnvironment.PAYGO_KEY;
import static dev.spillway.examples.ExampleEnvironment.PTU_DEPLOYMENT;
import static dev.spillway.examples.ExampleEnvironment.PTU_ENDPOINT;
import static dev.spillway.examples.ExampleEnvironment.PTU_KEY;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.core.util.BinaryData;
import dev.spillway.Backend;
import dev.spillway.Deployment;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.azure.SpillwayContext;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import java.util.List;
import java.util.Map;

/**
 * Chargeback: each call carries a consumer id and tags, and an {@link AuditListener} writes one
 * record per call with the tokens to charge to that consumer.
 */
public final class AuditExample {
  private AuditExample() {}

  /**
   * Runs the example.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    try (ExampleEnvironment env = ExampleEnvironment.load();
        // tag::audit-pool[]
        SpillwayPool pool =
            SpillwayPool.builder()
                .backend(
                    Backend.builder("sweden-ptu")
                        .endpoint(env.get(PTU_ENDPOINT))
                        .tier(0)
                        .deployment(Deployment.ptu("gpt-4o", env.get(PTU_DEPLOYMENT), 0))
                        .build(),
                    Credential.apiKey(env.get(PTU_KEY)))
                .backend(
                    Backend.builder("eastus-paygo")
                        .endpoint(env.get(PAYGO_ENDPOINT))
                        .tier(1)
                        .deployment("gpt-4o", env.get(PAYGO_DEPLOYMENT))
                        .build(),
                    Credential.apiKey(env.get(PAYGO_KEY)))
                .listener(new AuditListener(line -> System.out.println("AUDIT " + line)))
                .build()
        // end::audit-pool[]
        ) {
      OpenAIClient client = SpillwayAzure.openAIClientBuilder(pool).buildClient();
      for (String team : List.of("search", "support", "search")) {
        // tag::consumer[]
        ChatCompletionsOptions options =
            new ChatCompletionsOptions(List.of(new ChatRequestUserMessage("Summarize the ticket.")))
                .setMaxTokens(40);
        ChatCompletions answer =
            client
                .getChatCompletionsWithResponse(
                    "gpt-4o",
                    BinaryData.fromObject(options),
                    SpillwayContext.requestOptions("billing-service", Map.of("team", team)))
                .getValue()
                .toObject(ChatCompletions.class);
        // end::consumer[]
        System.out.println(team + ": " + answer.getUsage().getTotalTokens() + " tokens");
      }
    }
  }
}
