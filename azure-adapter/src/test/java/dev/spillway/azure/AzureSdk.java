package dev.spillway.azure;

import com.azure.ai.openai.OpenAIAsyncClient;
import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.ai.openai.models.ChatResponseMessage;
import com.azure.ai.openai.models.EmbeddingsOptions;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.rest.RequestOptions;
import com.azure.core.util.IterableStream;
import dev.spillway.Priority;
import dev.spillway.adaptertests.Sdk;
import dev.spillway.adaptertests.SdkClient;
import dev.spillway.pool.SpillwayPool;
import java.util.List;
import java.util.stream.Stream;
import reactor.core.publisher.Flux;

/** azure-ai-openai's real clients, as the adapter-neutral scenarios drive them. */
final class AzureSdk implements Sdk {
  @Override
  public String name() {
    return "azure-ai-openai";
  }

  @Override
  public boolean callsTransportOnCallersThread(boolean async) {
    return true; // the reactor chain is subscribed on the caller's thread
  }

  @Override
  public SdkClient client(SpillwayPool pool, boolean async) {
    OpenAIClientBuilder builder = SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP);
    return async ? new Async(builder.buildAsyncClient()) : new Sync(builder.buildClient());
  }

  private static ChatCompletionsOptions options(String prompt, int maxTokens) {
    return new ChatCompletionsOptions(List.of(new ChatRequestUserMessage(prompt)))
        .setMaxTokens(maxTokens);
  }

  private static String text(ChatCompletions completions) {
    if (completions.getChoices() == null || completions.getChoices().isEmpty()) {
      return "";
    }
    ChatResponseMessage message = completions.getChoices().get(0).getMessage();
    if (message != null) {
      return message.getContent() == null ? "" : message.getContent();
    }
    ChatResponseMessage delta = completions.getChoices().get(0).getDelta();
    return delta == null || delta.getContent() == null ? "" : delta.getContent();
  }

  private static SdkClient.Streamed read(Iterable<ChatCompletions> chunks) {
    StringBuilder text = new StringBuilder();
    int count = 0;
    int usage = 0;
    for (ChatCompletions chunk : chunks) {
      count++;
      usage += chunk.getUsage() == null ? 0 : 1;
      text.append(text(chunk));
    }
    return new SdkClient.Streamed(text.toString(), count, usage);
  }

  private abstract static class Base implements SdkClient {
    @Override
    public int status(Throwable error) {
      return error instanceof HttpResponseException e ? e.getResponse().getStatusCode() : -1;
    }

    @Override
    public String header(Throwable error, String name) {
      return error instanceof HttpResponseException e
          ? e.getResponse()
              .getHeaders()
              .getValue(com.azure.core.http.HttpHeaderName.fromString(name))
          : null;
    }

    @Override
    public void close() {}
  }

  private static final class Sync extends Base {
    private final OpenAIClient client;

    Sync(OpenAIClient client) {
      this.client = client;
    }

    @Override
    public String chat(String model, String prompt, int maxTokens) {
      return text(client.getChatCompletions(model, options(prompt, maxTokens)));
    }

    @Override
    public String chatAs(
        String consumerId, Priority priority, String model, String prompt, int maxTokens) {
      return text(
          client
              .getChatCompletionsWithResponse(
                  model,
                  options(prompt, maxTokens),
                  SpillwayContext.requestOptions(consumerId, priority, null))
              .getValue());
    }

    @Override
    public Streamed stream(String model, String prompt, int maxTokens) {
      return read(client.getChatCompletionsStream(model, options(prompt, maxTokens)));
    }

    @Override
    public String streamFirstChunkThenClose(String model, String prompt) {
      IterableStream<ChatCompletions> chunks =
          client.getChatCompletionsStream(model, options(prompt, 100));
      // one subscription; closing the java Stream cancels it
      try (Stream<ChatCompletions> stream = chunks.stream()) {
        return text(stream.findFirst().orElseThrow());
      }
    }

    @Override
    public int embed(String model, String input) {
      return client.getEmbeddings(model, new EmbeddingsOptions(List.of(input))).getData().size();
    }

    @Override
    public void listFiles() {
      client.listFilesWithResponse(new RequestOptions());
    }
  }

  private static final class Async extends Base {
    private final OpenAIAsyncClient client;

    Async(OpenAIAsyncClient client) {
      this.client = client;
    }

    @Override
    public String chat(String model, String prompt, int maxTokens) {
      return text(client.getChatCompletions(model, options(prompt, maxTokens)).block());
    }

    @Override
    public String chatAs(
        String consumerId, Priority priority, String model, String prompt, int maxTokens) {
      return text(
          client
              .getChatCompletionsWithResponse(
                  model,
                  options(prompt, maxTokens),
                  SpillwayContext.requestOptions(consumerId, priority, null))
              .block()
              .getValue());
    }

    @Override
    public Streamed stream(String model, String prompt, int maxTokens) {
      return read(client.getChatCompletionsStream(model, options(prompt, maxTokens)).toIterable());
    }

    @Override
    public String streamFirstChunkThenClose(String model, String prompt) {
      Flux<ChatCompletions> stream = client.getChatCompletionsStream(model, options(prompt, 100));
      return text(stream.take(1).blockFirst());
    }

    @Override
    public int embed(String model, String input) {
      return client
          .getEmbeddings(model, new EmbeddingsOptions(List.of(input)))
          .block()
          .getData()
          .size();
    }

    @Override
    public void listFiles() {
      client.listFilesWithResponse(new RequestOptions()).block();
    }
  }
}
