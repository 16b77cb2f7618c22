package dev.spillway.openai;

import dev.spillway.adaptertests.Sdk;
import dev.spillway.adaptertests.SimulatorLoadScenario;

/** The simulator load run through openai-java's client, on the simulator's v1 API. */
class SimulatorLoadIT extends SimulatorLoadScenario {
  @Override
  protected Sdk sdk() {
    return new OpenAiSdk();
  }
}
