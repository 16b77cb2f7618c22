package dev.spillway.cli.internal;

import picocli.CommandLine.Option;

/** {@code --sdk azure|openai}, shared by the commands that send calls. */
final class SdkOption {
  @Option(
      names = "--sdk",
      defaultValue = "azure",
      paramLabel = "azure|openai",
      converter = Sdk.Converter.class,
      description =
          "The SDK the calls go through: azure (azure-ai-openai) or openai (openai-java)"
              + " (default: ${DEFAULT-VALUE}).")
  Sdk sdk;

  /** The chosen SDK. */
  Sdk value() {
    return sdk;
  }
}
