package dev.spillway.examples.langchain4j;

import com.azure.ai.openai.OpenAIAsyncClient;
import com.azure.ai.openai.OpenAIClient;
import dev.langchain4j.model.azure.AzureOpenAiChatModel;
import dev.langchain4j.model.azure.AzureOpenAiStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.examples.ExampleEnvironment;
import dev.spillway.pool.SpillwayPool;

/**
 * LangChain4j's {@code langchain4j-azure-open-ai} models (on azure-ai-openai) over the pool: every
 * call they make is load-balanced, failed over and counted by Spillway.
 */
public final class AzureOpenAiExample {
  private AzureOpenAiExample() {}

  /**
   * LangChain4j's Azure chat model on a Spillway azure-ai-openai client.
   *
   * @param client a client from {@link SpillwayAzure#openAIClientBuilder}
   * @return the model
   */
  // tag::models[]
  public static ChatModel chatModel(OpenAIClient client) {
    return AzureOpenAiChatModel.builder()
        .openAIClient(client) // SpillwayAzure.openAIClientBuilder(pool).buildClient()
        .deploymentName("gpt-4o") // the logical model
        .build();
  }

  /**
   * LangChain4j's Azure streaming chat model on a Spillway azure-ai-openai async client.
   *
   * @param client a client from {@link SpillwayAzure#openAIClientBuilder}
   * @return the model
   */
  public static StreamingChatModel streamingChatModel(OpenAIAsyncClient client) {
    return AzureOpenAiStreamingChatModel.builder()
        .openAIAsyncClient(client) // SpillwayAzure.openAIClientBuilder(pool).buildAsyncClient()
        .deploymentName("gpt-4o")
        .build();
  }

  // end::models[]

  /**
   * Runs the example: one answer, one streamed answer, and which backend served them.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    try (ExampleEnvironment env = ExampleEnvironment.load();
        SpillwayPool pool = env.pool()) {
      LangChain4jRun.run(
          chatModel(SpillwayAzure.openAIClientBuilder(pool).buildClient()),
          streamingChatModel(SpillwayAzure.openAIClientBuilder(pool).buildAsyncClient()),
          pool);
    }
  }
}
