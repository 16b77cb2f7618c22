package dev.spillway.azure;

import dev.spillway.adaptertests.AuditScenarios;
import dev.spillway.adaptertests.Sdk;

/** Audit records and content safety through azure-ai-openai's clients. */
class AzureAuditIT extends AuditScenarios {
  @Override
  protected Sdk sdk() {
    return new AzureSdk();
  }
}
