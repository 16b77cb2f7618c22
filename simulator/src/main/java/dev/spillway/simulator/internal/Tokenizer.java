package dev.spillway.simulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Locale;

/**
 * Counts prompt tokens with jtokkit as the OpenAI models do: {@code o200k_base} for the gpt-4o,
 * gpt-4.1, gpt-5 and o-series families, {@code cl100k_base} otherwise; chat messages cost 3 tokens
 * each plus their role, content and name (+1), and 3 more prime the answer. Thread-safe (jtokkit
 * encodings are).
 */
final class Tokenizer {
  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
  private static final int TOKENS_PER_MESSAGE = 3;
  private static final int TOKENS_PER_NAME = 1;
  private static final int TOKENS_PRIMING_REPLY = 3;

  private final Encoding encoding;

  private Tokenizer(Encoding encoding) {
    this.encoding = encoding;
  }

  /**
   * Picks the encoding a model uses.
   *
   * @param model the model name, e.g. {@code gpt-4o-2024-08-06}
   * @return the tokenizer
   */
  public static Tokenizer forModel(String model) {
    String m = model.toLowerCase(Locale.ROOT);
    boolean o200k =
        m.startsWith("gpt-4o")
            || m.startsWith("gpt-4.1")
            || m.startsWith("gpt-4.5")
            || m.startsWith("gpt-5")
            || m.matches("^o\\d.*");
    return new Tokenizer(
        REGISTRY.getEncoding(o200k ? EncodingType.O200K_BASE : EncodingType.CL100K_BASE));
  }

  /**
   * Counts the tokens of a text.
   *
   * @param text the text
   * @return its token count
   */
  public int count(String text) {
    return text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
  }

  /**
   * Counts the prompt tokens of a chat request's {@code messages}.
   *
   * @param messages the messages array
   * @return the prompt tokens
   */
  public int countChat(JsonNode messages) {
    int total = TOKENS_PRIMING_REPLY;
    for (JsonNode message : messages) {
      total += TOKENS_PER_MESSAGE;
      total += count(message.path("role").asText(""));
      total += countContent(message.path("content"));
      JsonNode name = message.path("name");
      if (name.isTextual()) {
        total += count(name.asText()) + TOKENS_PER_NAME;
      }
      JsonNode toolCalls = message.path("tool_calls");
      if (toolCalls.isArray()) {
        total += count(toolCalls.toString());
      }
    }
    return total;
  }

  /**
   * Counts the tokens of a {@code prompt} or {@code input}: a string or an array of strings.
   *
   * @param input the field
   * @return the tokens
   */
  public int countInput(JsonNode input) {
    if (input.isTextual()) {
      return count(input.asText());
    }
    int total = 0;
    for (JsonNode item : input) {
      total += item.isTextual() ? count(item.asText()) : item.isArray() ? item.size() : 0;
    }
    return total;
  }

  private int countContent(JsonNode content) {
    if (content.isTextual()) {
      return count(content.asText());
    }
    int total = 0;
    if (content.isArray()) {
      for (JsonNode part : content) {
        total += count(part.path("text").asText(""));
      }
    }
    return total;
  }
}
