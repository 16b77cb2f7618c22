package dev.spillway.azure;

import dev.spillway.adaptertests.AdapterScenarios;
import dev.spillway.adaptertests.Sdk;

/** The adapter-neutral scenarios through azure-ai-openai's clients. */
class AzureScenariosIT extends AdapterScenarios {
  @Override
  protected Sdk sdk() {
    return new AzureSdk();
  }
}
