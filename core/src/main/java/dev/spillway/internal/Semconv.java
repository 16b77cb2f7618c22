package dev.spillway.internal;

import dev.spillway.telemetry.SpillwayMetrics;
import io.opentelemetry.api.common.AttributeKey;

/**
 * Span attribute names: OpenTelemetry GenAI semantic conventions (kept here because the incubating
 * semconv artifact is alpha) and Spillway's own. Those metrics carry too are defined once, in the
 * public {@link SpillwayMetrics}, and only referred to here.
 */
final class Semconv {
  static final AttributeKey<String> OPERATION_NAME = SpillwayMetrics.OPERATION_NAME;
  static final AttributeKey<String> PROVIDER_NAME = SpillwayMetrics.PROVIDER_NAME;
  static final AttributeKey<String> REQUEST_MODEL = SpillwayMetrics.REQUEST_MODEL;
  static final AttributeKey<String> RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> ERROR_TYPE = SpillwayMetrics.ERROR_TYPE;
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

  static final AttributeKey<String> BACKEND_ID = SpillwayMetrics.BACKEND_ID;
  static final AttributeKey<Long> BACKEND_TIER = SpillwayMetrics.BACKEND_TIER;
  static final AttributeKey<Long> ATTEMPT_COUNT = AttributeKey.longKey("spillway.attempt.count");
  static final AttributeKey<String> CONSUMER_ID = AttributeKey.stringKey("spillway.consumer.id");
  static final AttributeKey<String> DEPLOYMENT = SpillwayMetrics.DEPLOYMENT;
  static final AttributeKey<String> ATTEMPT_OUTCOME = SpillwayMetrics.ATTEMPT_OUTCOME;
  static final AttributeKey<Long> RETRY_AFTER_MS = AttributeKey.longKey("spillway.retry_after_ms");
  static final AttributeKey<Long> WAIT_MS = AttributeKey.longKey("spillway.wait_ms");
  static final AttributeKey<Long> HEDGE_AFTER_MS = AttributeKey.longKey("spillway.hedge.after_ms");

  static final AttributeKey<java.util.List<String>> PROMPT_FILTERED =
      AttributeKey.stringArrayKey("spillway.content_filter.prompt.filtered");
  static final AttributeKey<java.util.List<String>> PROMPT_FLAGGED =
      AttributeKey.stringArrayKey("spillway.content_filter.prompt.flagged");
  static final AttributeKey<java.util.List<String>> COMPLETION_FILTERED =
      AttributeKey.stringArrayKey("spillway.content_filter.completion.filtered");
  static final AttributeKey<java.util.List<String>> COMPLETION_FLAGGED =
      AttributeKey.stringArrayKey("spillway.content_filter.completion.flagged");
  static final AttributeKey<String> CONTENT_FILTER_ERROR =
      AttributeKey.stringKey("spillway.content_filter.error_code");

  static final String PROVIDER = SpillwayMetrics.PROVIDER;
  static final String TAG_PREFIX = "spillway.tag.";
  static final String WAIT_EVENT = "spillway.wait";
  static final String HEDGE_EVENT = "spillway.hedge";

  private Semconv() {}
}
