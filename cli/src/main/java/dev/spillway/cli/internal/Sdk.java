package dev.spillway.cli.internal;

import dev.spillway.pool.SpillwayPool;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The SDK whose Spillway client the calls go through ({@code --sdk}). */
enum Sdk {
  /** azure-ai-openai's {@code OpenAIClient}. */
  AZURE("azure-ai-openai") {
    @Override
    ChatClient client(SpillwayPool pool) {
      return new AzureChatClient(pool);
    }
  },
  /** openai-java's {@code OpenAIClient}, on the Azure v1 API. */
  OPENAI("openai-java") {
    @Override
    ChatClient client(SpillwayPool pool) {
      return new OpenAiChatClient(pool);
    }
  };

  private final String library;

  Sdk(String library) {
    this.library = library;
  }

  /** The SDK's artifact name, for messages. */
  String library() {
    return library;
  }

  /** A new client of this SDK on {@code pool}; the caller closes it. */
  abstract ChatClient client(SpillwayPool pool);

  /** The name {@code --sdk} takes. */
  String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return optionValue();
  }

  /** Reads {@code --sdk}: {@code azure} or {@code openai}, in any case. */
  static final class Converter implements ITypeConverter<Sdk> {
    @Override
    public Sdk convert(String value) {
      for (Sdk sdk : values()) {
        if (sdk.optionValue().equalsIgnoreCase(value)) {
          return sdk;
        }
      }
      throw new TypeConversionException("expected azure or openai, was '" + value + "'");
    }
  }
}
