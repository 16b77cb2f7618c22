package dev.spillway.cli.internal;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestMessage;
import com.azure.ai.openai.models.ChatRequestSystemMessage;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.core.http.rest.RequestOptions;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.azure.SpillwayContext;
import dev.spillway.pool.SpillwayPool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Calls through azure-ai-openai's {@link OpenAIClient} on the pool. */
final class AzureChatClient implements ChatClient {
  private final OpenAIClient client;

  AzureChatClient(SpillwayPool pool) {
    this.client = SpillwayAzure.openAIClientBuilder(pool).buildClient();
  }

  @Override
  public void chat(String model, LoadDriver.Call call, Map<String, String> tags) {
    List<ChatRequestMessage> messages = new ArrayList<>(2);
    if (call.system() != null) {
      messages.add(new ChatRequestSystemMessage(call.system()));
    }
    messages.add(new ChatRequestUserMessage(call.user()));
    ChatCompletionsOptions options =
        new ChatCompletionsOptions(messages).setMaxTokens(call.maxTokens());
    RequestOptions context = SpillwayContext.requestOptions(call.consumer(), call.priority(), tags);
    if (call.stream()) {
      Iterator<ChatCompletions> chunks =
          client
              .getChatCompletionsStreamWithResponse(model, options, context)
              .getValue()
              .iterator();
      while (chunks.hasNext()) {
        chunks.next();
      }
    } else {
      client.getChatCompletionsWithResponse(model, options, context);
    }
  }

  @Override
  public void close() {
    // azure-ai-openai's clients hold nothing to release: the shared HTTP client outlives them
  }
}
