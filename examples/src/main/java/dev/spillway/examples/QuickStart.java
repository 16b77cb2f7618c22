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
import dev.spillway.Backend;
import dev.spillway.Deployment;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import java.util.List;

/**
 * Plain Java: a PTU backend with a pay-as-you-go backend behind it, API keys from the environment,
 * and the standard {@code OpenAIClient} on top.
 */
public final class QuickStart {
  private QuickStart() {}

  /**
   * Runs the example.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    try (ExampleEnvironment env = ExampleEnvironment.load()) {
      SpillwayPool pool =
          SpillwayPool.builder()
              .backend(
                  Backend.builder("sweden-ptu")
                      .endpoint(env.get(PTU_ENDPOINT))
                      .tier(0)
                      .deployment(Deployment.ptu("gpt-4o", env.get(PTU_DEPLOYMENT), 0))
                      .build(),
                  Credential.apiKey(() -> env.get(PTU_KEY))) // read on every attempt
              .backend(
                  Backend.builder("eastus-paygo")
                      .endpoint(env.get(PAYGO_ENDPOINT))
                      .tier(1)
                      .deployment("gpt-4o", env.get(PAYGO_DEPLOYMENT))
                      .build(),
                  Credential.apiKey(() -> env.get(PAYGO_KEY)))
              .build();
      OpenAIClient client =
          SpillwayAzure.openAIClientBuilder(pool).buildClient(); // one pool per application

      ChatCompletions answer =
          client.getChatCompletions(
              "gpt-4o", // the logical model
              new ChatCompletionsOptions(List.of(new ChatRequestUserMessage("Say hello.")))
                  .setMaxTokens(60));
      System.out.println(answer.getChoices().get(0).getMessage().getContent());
      System.out.println(
          "tokens: "
              + answer.getUsage().getPromptTokens()
              + " in, "
              + answer.getUsage().getCompletionTokens()
              + " out");
      pool.snapshot()
          .backends()
          .forEach(
              backend ->
                  System.out.println(
                      "backend "
                          + backend.id()
                          + ": "
                          + backend.routes().get(0).successes()
                          + " answered"));
      pool.close();
    }
  }
}
