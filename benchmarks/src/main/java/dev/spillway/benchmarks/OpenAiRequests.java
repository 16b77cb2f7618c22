package dev.spillway.benchmarks;

import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestMessage;
import com.azure.ai.openai.models.ChatRequestSystemMessage;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.core.util.BinaryData;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

/**
 * The harness's azure-ai-openai chat request as openai-java's: the same messages and the same
 * output limit ({@code max_tokens}, which both the simulator and the pool count as {@code
 * max_completion_tokens}), so both SDK clients offer the same load.
 */
final class OpenAiRequests {
  private OpenAiRequests() {}

  static ChatCompletionCreateParams.Builder of(ChatCompletionsOptions options) {
    ChatCompletionCreateParams.Builder params =
        ChatCompletionCreateParams.builder().model("gpt-4o");
    for (ChatRequestMessage message : options.getMessages()) {
      if (message instanceof ChatRequestSystemMessage system) {
        params.addSystemMessage(text(system.getContent()));
      } else if (message instanceof ChatRequestUserMessage user) {
        params.addUserMessage(text(user.getContent()));
      } else {
        throw new IllegalArgumentException("unsupported message " + message.getClass());
      }
    }
    if (options.getMaxTokens() != null) {
      params.maxCompletionTokens(options.getMaxTokens());
    }
    return params;
  }

  private static String text(BinaryData content) {
    return content.toString(); // the text itself: toObject would parse it as JSON
  }
}
