package dev.spillway.openai;

import dev.spillway.adaptertests.AuditScenarios;
import dev.spillway.adaptertests.Sdk;

/** Audit records and content safety through openai-java's clients. */
class OpenAiAuditIT extends AuditScenarios {
  @Override
  protected Sdk sdk() {
    return new OpenAiSdk();
  }
}
