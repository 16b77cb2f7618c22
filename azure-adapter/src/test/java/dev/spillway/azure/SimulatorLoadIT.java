package dev.spillway.azure;

import dev.spillway.adaptertests.Sdk;
import dev.spillway.adaptertests.SimulatorLoadScenario;

/** The simulator load run through azure-ai-openai's client. */
class SimulatorLoadIT extends SimulatorLoadScenario {
  @Override
  protected Sdk sdk() {
    return new AzureSdk();
  }
}
