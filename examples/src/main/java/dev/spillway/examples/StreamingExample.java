package dev.spillway.examples;

import static dev.spillway.examples.ExampleEnvironment.PAYGO_DEPLOYMENT;
import static dev.spillway.examples.ExampleEnvironment.PAYGO_ENDPOINT;
import static dev.spillway.examples.ExampleEnvironment.PAYGO_KEY;
import static dev.spillway.examples.ExampleEnvironment.PTU_DEPLOYMENT;
import static dev.spillway.examples.ExampleEnvironment.PTU_ENDPOINT;
import static dev.spillway.examples.ExampleEnvironment.PTU_KEY;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.models.ChatCompletionStreamOptions;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.ai.openai.models.CompletionsUsage;
import com.azure.core.util.IterableStream;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.pool.BackendConfig;
import dev.spillway.pool.DeploymentConfig;
import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.SpillwayPool;
import java.util.List;

/**
 * Streaming through the pool, with the token usage of the stream: the pool fails over only before
 * the first chunk, and the last chunk carries the usage when the call asks for it.
 */
public final class StreamingExample {
  private StreamingExample() {}

  /**
   * Runs the example.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    try (ExampleEnvironment env = ExampleEnvironment.load();
        SpillwayPool pool =
            SpillwayPool.fromConfig(
                PoolConfig.of(
                    List.of(
                        new BackendConfig(
                            "sweden-ptu",
                            env.get(PTU_ENDPOINT),
                            0,
                            null,
                            null,
                            env.get(PTU_KEY),
                            null,
                            null,
                            null,
                            List.of(
                                new DeploymentConfig(
                                    "gpt-4o", env.get(PTU_DEPLOYMENT), true, null, null))),
                        new BackendConfig(
                            "eastus-paygo",
                            env.get(PAYGO_ENDPOINT),
                            1,
                            null,
                            null,
                            env.get(PAYGO_KEY),
                            null,
                            null,
                            null,
                            List.of(DeploymentConfig.of("gpt-4o", env.get(PAYGO_DEPLOYMENT)))))))) {
      OpenAIClient client = SpillwayAzure.openAIClientBuilder(pool).buildClient();
      // tag::streaming[]
      ChatCompletionsOptions options =
          new ChatCompletionsOptions(List.of(new ChatRequestUserMessage("Tell a short story.")))
              .setMaxTokens(80);
      IterableStream<ChatCompletions> chunks =
          client.getChatCompletionsStream(
              "gpt-4o",
              options,
              new ChatCompletionStreamOptions().setIncludeUsage(true)); // a last chunk with usage
      CompletionsUsage usage = null;
      for (ChatCompletions chunk : chunks) {
        if (!chunk.getChoices().isEmpty()
            && chunk.getChoices().get(0).getDelta() != null
            && chunk.getChoices().get(0).getDelta().getContent() != null) {
          System.out.print(chunk.getChoices().get(0).getDelta().getContent());
        }
        if (chunk.getUsage() != null) {
          usage = chunk.getUsage(); // the last chunk: no choices, the stream's usage
        }
      }
      System.out.println();
      System.out.println(
          "usage: "
              + usage.getPromptTokens()
              + " prompt + "
              + usage.getCompletionTokens()
              + " completion tokens");
      // end::streaming[]
    }
  }
}
