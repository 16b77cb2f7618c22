package dev.spillway.openai;

import dev.spillway.adaptertests.AdapterScenarios;
import dev.spillway.adaptertests.Sdk;

/** The adapter-neutral scenarios through openai-java's clients. */
class OpenAiScenariosIT extends AdapterScenarios {
  @Override
  protected Sdk sdk() {
    return new OpenAiSdk();
  }
}
