package dev.spillway.examples.langchain4j;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openaiofficial.OpenAiOfficialChatModel;
import dev.langchain4j.model.openaiofficial.OpenAiOfficialStreamingChatModel;
import dev.spillway.examples.ExampleEnvironment;
import dev.spillway.openai.SpillwayOpenAI;
import dev.spillway.pool.SpillwayPool;

/**
 * LangChain4j's {@code langchain4j-open-ai-official} models (on openai-java) over the pool: every
 * call they make is load-balanced, failed over and counted by Spillway.
 */
public final class OpenAiOfficialExample {
  /** Where LangChain4j's own client would go; it is replaced and never sends anything. */
  static final String PLACEHOLDER_URL = "https://spillway.invalid/openai/v1";

  /** The key of that unused client. */
  static final String PLACEHOLDER_KEY = "unused";

  private OpenAiOfficialExample() {}

  /**
   * LangChain4j's chat model on a Spillway openai-java client.
   *
   * <p>langchain4j-open-ai-official 1.11.0-beta19, the newest release of that module here, skips
   * its own set-up when {@code .openAIClient(…)} is given, and its first call then fails with a
   * {@code NullPointerException} (langchain4j issue 5545, fixed by pull request 5548 in a later
   * release). Until that release, build the model with a placeholder endpoint and key (no request
   * ever goes there) and hand it the pool's client: its set-up runs, and every call goes through
   * Spillway.
   *
   * @param spillwayClient a client from {@link SpillwayOpenAI#client}; the parameter's name must
   *     differ from the model's own {@code client} field, which the block below assigns
   * @return the model
   */
  // tag::models[]
  public static ChatModel chatModel(OpenAIClient spillwayClient) {
    return new OpenAiOfficialChatModel(
        OpenAiOfficialChatModel.builder()
            .baseUrl(PLACEHOLDER_URL) // never called: see the javadoc
            .apiKey(PLACEHOLDER_KEY)
            .modelName("gpt-4o")) { // the logical model
      {
        this.client = spillwayClient; // SpillwayOpenAI.client(pool)
      }
    };
  }

  /**
   * LangChain4j's streaming chat model on a Spillway openai-java async client, with the same set-up
   * as {@link #chatModel}.
   *
   * @param spillwayClient a client from {@link SpillwayOpenAI#asyncClient}
   * @return the model
   */
  public static StreamingChatModel streamingChatModel(OpenAIClientAsync spillwayClient) {
    return new OpenAiOfficialStreamingChatModel(
        OpenAiOfficialStreamingChatModel.builder()
            .baseUrl(PLACEHOLDER_URL)
            .apiKey(PLACEHOLDER_KEY)
            .modelName("gpt-4o")) {
      {
        this.asyncClient = spillwayClient; // SpillwayOpenAI.asyncClient(pool)
      }
    };
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
      OpenAIClient client = SpillwayOpenAI.client(pool);
      OpenAIClientAsync asyncClient = SpillwayOpenAI.asyncClient(pool);
      try {
        LangChain4jRun.run(chatModel(client), streamingChatModel(asyncClient), pool);
      } finally {
        client.close(); // openai-java's clients own their HTTP transport
        asyncClient.close();
      }
    }
  }
}
