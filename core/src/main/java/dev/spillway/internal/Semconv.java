package dev.spillway.internal;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Attribute names: OpenTelemetry GenAI semantic conventions (kept here because the incubating
 * semconv artifact is alpha) and Spillway's own.
 */
final class Semconv {
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("gen_ai.operation.name");
  static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
  static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<String> RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

  static final AttributeKey<String> BACKEND_ID = AttributeKey.stringKey("spillway.backend.id");
  static final AttributeKey<Long> BACKEND_TIER = AttributeKey.longKey("spillway.backend.tier");
  static final AttributeKey<Long> ATTEMPT_COUNT = AttributeKey.longKey("spillway.attempt.count");
  static final AttributeKey<String> CONSUMER_ID = AttributeKey.stringKey("spillway.consumer.id");
  static final AttributeKey<String> DEPLOYMENT =
      AttributeKey.stringKey("spillway.route.deployment");
  static final AttributeKey<String> ATTEMPT_OUTCOME =
      AttributeKey.stringKey("spillway.attempt.outcome");
  static final AttributeKey<Long> RETRY_AFTER_MS = AttributeKey.longKey("spillway.retry_after_ms");
  static final AttributeKey<String> COOLDOWN_REASON =
      AttributeKey.stringKey("spillway.cooldown.reason");
  static final AttributeKey<Long> WAIT_MS = AttributeKey.longKey("spillway.wait_ms");

  static final String PROVIDER = "azure.ai.openai";
  static final String TAG_PREFIX = "spillway.tag.";
  static final String WAIT_EVENT = "spillway.wait";

  static final String DURATION_METRIC = "gen_ai.client.operation.duration";
  static final String TOKEN_USAGE_METRIC = "gen_ai.client.token.usage";
  static final String ATTEMPTS_METRIC = "spillway.attempts";
  static final String COOLDOWNS_METRIC = "spillway.cooldowns";
  static final String OUTSTANDING_METRIC = "spillway.outstanding";
  static final String EWMA_METRIC = "spillway.route.latency.ewma";

  private Semconv() {}
}
