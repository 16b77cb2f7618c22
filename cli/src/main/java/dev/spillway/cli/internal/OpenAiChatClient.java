package dev.spillway.cli.internal;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.spillway.openai.SpillwayOpenAI;
import dev.spillway.pool.SpillwayPool;
import java.util.Map;

/** Calls through openai-java's {@link OpenAIClient} on the pool (the Azure v1 API). */
final class OpenAiChatClient implements ChatClient {
  private final OpenAIClient client;

  OpenAiChatClient(SpillwayPool pool) {
    this.client = SpillwayOpenAI.client(pool);
  }

  @Override
  public void chat(String model, LoadDriver.Call call, Map<String, String> tags) {
    ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(model);
    if (call.system() != null) {
      params.addSystemMessage(call.system());
    }
    params
        .addUserMessage(call.user())
        .maxCompletionTokens(call.maxTokens())
        .putAllAdditionalHeaders(
            SpillwayOpenAI.callHeaders(call.consumer(), call.priority(), tags));
    if (call.stream()) {
      try (StreamResponse<ChatCompletionChunk> chunks =
          client.chat().completions().createStreaming(params.build())) {
        chunks.stream().forEach(chunk -> {});
      }
    } else {
      client.chat().completions().create(params.build());
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
