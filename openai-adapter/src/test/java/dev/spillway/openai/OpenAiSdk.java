package dev.spillway.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.files.FileListParams;
import dev.spillway.Priority;
import dev.spillway.adaptertests.Sdk;
import dev.spillway.adaptertests.SdkClient;
import dev.spillway.pool.SpillwayPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** openai-java's real clients, as the adapter-neutral scenarios drive them. */
final class OpenAiSdk implements Sdk {
  @Override
  public String name() {
    return "openai-java";
  }

  @Override
  public boolean callsTransportOnCallersThread(boolean async) {
    return !async; // its async services use thenComposeAsync on the common pool
  }

  @Override
  public SdkClient client(SpillwayPool pool, boolean async) {
    return async
        ? new Async(SpillwayOpenAI.asyncClient(pool))
        : new Sync(SpillwayOpenAI.client(pool));
  }

  private static ChatCompletionCreateParams params(String model, String prompt, int maxTokens) {
    return ChatCompletionCreateParams.builder()
        .model(model)
        .addUserMessage(prompt)
        .maxCompletionTokens(maxTokens)
        .build();
  }

  private static ChatCompletionCreateParams params(
      String consumerId, Priority priority, String model, String prompt, int maxTokens) {
    return params(model, prompt, maxTokens).toBuilder()
        .putAllAdditionalHeaders(SpillwayOpenAI.callHeaders(consumerId, priority, null))
        .build();
  }

  private static EmbeddingCreateParams embedding(String model, String input) {
    return EmbeddingCreateParams.builder().model(model).input(input).build();
  }

  private static String text(ChatCompletion completion) {
    return completion.choices().get(0).message().content().orElse("");
  }

  private static String text(ChatCompletionChunk chunk) {
    return chunk.choices().isEmpty() ? "" : chunk.choices().get(0).delta().content().orElse("");
  }

  private static SdkClient.Streamed read(List<ChatCompletionChunk> chunks) {
    StringBuilder text = new StringBuilder();
    int usage = 0;
    for (ChatCompletionChunk chunk : chunks) {
      usage += chunk.usage().isPresent() ? 1 : 0;
      text.append(text(chunk));
    }
    return new SdkClient.Streamed(text.toString(), chunks.size(), usage);
  }

  /** The SDK's own exception from a future, unwrapped as the sync client would throw it. */
  private static <T> T join(Future<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer within 30 s", e);
    }
  }

  private abstract static class Base implements SdkClient {
    @Override
    public int status(Throwable error) {
      return error instanceof OpenAIServiceException e ? e.statusCode() : -1;
    }

    @Override
    public String header(Throwable error, String name) {
      if (error instanceof OpenAIServiceException e) {
        List<String> values = e.headers().values(name);
        return values.isEmpty() ? null : values.get(0);
      }
      return null;
    }
  }

  private static final class Sync extends Base {
    private final OpenAIClient client;

    Sync(OpenAIClient client) {
      this.client = client;
    }

    @Override
    public String chat(String model, String prompt, int maxTokens) {
      return text(client.chat().completions().create(params(model, prompt, maxTokens)));
    }

    @Override
    public String chatAs(
        String consumerId, Priority priority, String model, String prompt, int maxTokens) {
      return text(
          client
              .chat()
              .completions()
              .create(params(consumerId, priority, model, prompt, maxTokens)));
    }

    @Override
    public Streamed stream(String model, String prompt, int maxTokens) {
      try (StreamResponse<ChatCompletionChunk> stream =
          client.chat().completions().createStreaming(params(model, prompt, maxTokens))) {
        return read(stream.stream().toList());
      }
    }

    @Override
    public String streamFirstChunkThenClose(String model, String prompt) {
      try (StreamResponse<ChatCompletionChunk> stream =
          client.chat().completions().createStreaming(params(model, prompt, 100))) {
        return text(stream.stream().findFirst().orElseThrow());
      }
    }

    @Override
    public int embed(String model, String input) {
      return client.embeddings().create(embedding(model, input)).data().size();
    }

    @Override
    public void listFiles() {
      client.files().list(FileListParams.builder().build());
    }

    @Override
    public void close() {
      client.close();
    }
  }

  private static final class Async extends Base {
    private final OpenAIClientAsync client;

    Async(OpenAIClientAsync client) {
      this.client = client;
    }

    @Override
    public String chat(String model, String prompt, int maxTokens) {
      return text(join(client.chat().completions().create(params(model, prompt, maxTokens))));
    }

    @Override
    public String chatAs(
        String consumerId, Priority priority, String model, String prompt, int maxTokens) {
      return text(
          join(
              client
                  .chat()
                  .completions()
                  .create(params(consumerId, priority, model, prompt, maxTokens))));
    }

    @Override
    public Streamed stream(String model, String prompt, int maxTokens) {
      List<ChatCompletionChunk> chunks = new ArrayList<>();
      AsyncStreamResponse<ChatCompletionChunk> stream =
          client.chat().completions().createStreaming(params(model, prompt, maxTokens));
      stream.subscribe(
          chunk -> {
            synchronized (chunks) {
              chunks.add(chunk);
            }
          });
      join(stream.onCompleteFuture());
      synchronized (chunks) {
        return read(List.copyOf(chunks));
      }
    }

    @Override
    public String streamFirstChunkThenClose(String model, String prompt) {
      CompletableFuture<String> first = new CompletableFuture<>();
      AsyncStreamResponse<ChatCompletionChunk> stream =
          client.chat().completions().createStreaming(params(model, prompt, 100));
      stream.subscribe(chunk -> first.complete(text(chunk)));
      String text = join(first);
      stream.close();
      return text;
    }

    @Override
    public int embed(String model, String input) {
      return join(client.embeddings().create(embedding(model, input))).data().size();
    }

    @Override
    public void listFiles() {
      join(client.files().list(FileListParams.builder().build()));
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
