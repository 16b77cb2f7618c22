package dev.spillway.telemetry;

import dev.spillway.AttemptOutcome;
import dev.spillway.CallOutcome;
import dev.spillway.ContentFilterResult;
import dev.spillway.CoolDownReason;
import dev.spillway.Usage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;

/**
 * The metrics of docs/design.md "Telemetry", defined once: each instrument's name, unit and
 * description, the attribute keys, and the attributes each measurement carries, with the rules that
 * decide them ({@link #errorType}, {@link #recordsTokens}). The engine's OpenTelemetry metrics are
 * recorded from this class, and so must any other binding (the Spring starters' Micrometer meters
 * are), so the two cannot drift apart.
 *
 * <table>
 *   <caption>Instruments</caption>
 *   <tr><th>instrument</th><th>kind</th><th>attributes</th></tr>
 *   <tr><td>{@link #OPERATION_DURATION}</td><td>histogram of each call's latency, in seconds</td>
 *       <td>{@link #callAttributes}</td></tr>
 *   <tr><td>{@link #TOKEN_USAGE}</td><td>histogram of a call's input and output tokens, when
 *       {@link #recordsTokens}</td><td>{@link #tokenAttributes}</td></tr>
 *   <tr><td>{@link #ATTEMPTS}</td><td>counter, one per attempt that ended</td>
 *       <td>{@link #attemptAttributes}</td></tr>
 *   <tr><td>{@link #COOLDOWNS}</td><td>counter, one per cool-down started or extended</td>
 *       <td>{@link #coolDownAttributes}</td></tr>
 *   <tr><td>{@link #OUTSTANDING}</td><td>attempts in flight (up-down counter or gauge)</td>
 *       <td>{@link #backendAttributes}</td></tr>
 *   <tr><td>{@link #CONTENT_FILTER}</td><td>counter, one per content-filter hit of a call</td>
 *       <td>{@link #contentFilterAttributes}</td></tr>
 *   <tr><td>{@link #CONSUMER_TOKENS}</td><td>counter of a declared consumer's input and output
 *       tokens, by the answering tier</td><td>{@link #consumerTokenAttributes}</td></tr>
 *   <tr><td>{@link #CONSUMER_REJECTIONS}</td><td>counter, one per call of a declared consumer the
 *       pool rejected</td><td>{@link #consumerRejectionAttributes}</td></tr>
 *   <tr><td>{@link #ROUTE_LATENCY_EWMA}</td><td>gauge of the peak-EWMA estimate, in seconds,
 *       for routes with a sample</td><td>{@link #routeAttributes}</td></tr>
 * </table>
 *
 * <p>Attributes are OpenTelemetry {@link Attributes} (core's telemetry API); a binding to another
 * registry uses each key's {@link AttributeKey#getKey() name} and the value's {@code toString()}.
 * Only the two consumer instruments carry a consumer id, and only for consumers declared in
 * configuration (docs/design.md "Consumers and priorities"): ids come from callers, and an
 * undeclared one would make the number of series unbounded. No metric carries a tag. Spans, which
 * are not aggregated, carry both.
 *
 * <p>Thread-safe; not instantiable.
 */
public final class SpillwayMetrics {

  /**
   * One instrument.
   *
   * @param name the metric name
   * @param unit its unit, as OpenTelemetry writes it ({@code s}, {@code {token}})
   * @param description its description
   */
  public record Instrument(String name, String unit, String description) {}

  /** {@code gen_ai.client.operation.duration}: each call, across all its attempts. */
  public static final Instrument OPERATION_DURATION =
      new Instrument(
          "gen_ai.client.operation.duration",
          "s",
          "Duration of GenAI operations, across all attempts");

  /** {@code gen_ai.client.token.usage}: input and output tokens of each call. */
  public static final Instrument TOKEN_USAGE =
      new Instrument("gen_ai.client.token.usage", "{token}", "Tokens used by GenAI operations");

  /** {@code spillway.attempts}: attempts sent to backends, by outcome. */
  public static final Instrument ATTEMPTS =
      new Instrument("spillway.attempts", "{attempt}", "Attempts sent to backends, by outcome");

  /** {@code spillway.cooldowns}: route cool-downs, by reason. */
  public static final Instrument COOLDOWNS =
      new Instrument("spillway.cooldowns", "{cooldown}", "Route cool-downs started, by reason");

  /** {@code spillway.outstanding}: attempts in flight per backend. */
  public static final Instrument OUTSTANDING =
      new Instrument(
          "spillway.outstanding",
          "{request}",
          "Attempts in flight per backend (streams until they end)");

  /** {@code spillway.route.latency.ewma}: the peak-EWMA latency estimate of each route. */
  public static final Instrument ROUTE_LATENCY_EWMA =
      new Instrument("spillway.route.latency.ewma", "s", "Peak-EWMA latency estimate per route");

  /**
   * {@code spillway.content_filter}: content-filter hits (a category filtered, detected, or of a
   * severity above {@code safe}), one per category per prompt or choice of a call.
   */
  public static final Instrument CONTENT_FILTER =
      new Instrument(
          "spillway.content_filter",
          "{result}",
          "Content-filter hits, by source, category and severity");

  /**
   * {@code spillway.consumer.tokens}: tokens of declared consumers' calls, by the tier that
   * answered (chargeback: tier 0 is PTU, the others PAYG).
   */
  public static final Instrument CONSUMER_TOKENS =
      new Instrument(
          "spillway.consumer.tokens",
          "{token}",
          "Tokens of declared consumers' calls, by answering tier and token type");

  /** {@code spillway.consumer.rejections}: declared consumers' calls the pool rejected. */
  public static final Instrument CONSUMER_REJECTIONS =
      new Instrument(
          "spillway.consumer.rejections",
          "{call}",
          "Declared consumers' calls rejected before a backend, by reason");

  /** {@code spillway.consumer.id}: a declared consumer. */
  public static final AttributeKey<String> CONSUMER_ID =
      AttributeKey.stringKey("spillway.consumer.id");

  /** {@code spillway.rejection.reason}: {@code consumer limit}, {@code quota exceeded}… */
  public static final AttributeKey<String> REJECTION_REASON =
      AttributeKey.stringKey("spillway.rejection.reason");

  /** {@code gen_ai.operation.name}, such as {@code chat}. */
  public static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("gen_ai.operation.name");

  /** {@code gen_ai.provider.name}: always {@link #PROVIDER}. */
  public static final AttributeKey<String> PROVIDER_NAME =
      AttributeKey.stringKey("gen_ai.provider.name");

  /** {@code gen_ai.request.model}: the logical model the caller asked for. */
  public static final AttributeKey<String> REQUEST_MODEL =
      AttributeKey.stringKey("gen_ai.request.model");

  /** {@code error.type}: present on failed calls only (see {@link #errorType}). */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** {@code gen_ai.token.type}: {@link #TOKEN_TYPE_INPUT} or {@link #TOKEN_TYPE_OUTPUT}. */
  public static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");

  /** {@code spillway.backend.id}. */
  public static final AttributeKey<String> BACKEND_ID =
      AttributeKey.stringKey("spillway.backend.id");

  /** {@code spillway.backend.tier}: 0 for the first tier. */
  public static final AttributeKey<Long> BACKEND_TIER =
      AttributeKey.longKey("spillway.backend.tier");

  /** {@code spillway.route.deployment}: the deployment name of a route. */
  public static final AttributeKey<String> DEPLOYMENT =
      AttributeKey.stringKey("spillway.route.deployment");

  /** {@code spillway.attempt.outcome}: {@link AttemptOutcome#attributeValue()}. */
  public static final AttributeKey<String> ATTEMPT_OUTCOME =
      AttributeKey.stringKey("spillway.attempt.outcome");

  /** {@code spillway.cooldown.reason}: {@link CoolDownReason#attributeValue()}. */
  public static final AttributeKey<String> COOLDOWN_REASON =
      AttributeKey.stringKey("spillway.cooldown.reason");

  /** {@code spillway.content_filter.source}: {@code prompt} or {@code completion}. */
  public static final AttributeKey<String> CONTENT_FILTER_SOURCE =
      AttributeKey.stringKey("spillway.content_filter.source");

  /**
   * {@code spillway.content_filter.category}: one of {@link #CONTENT_FILTER_CATEGORIES}, else
   * {@code _OTHER}.
   */
  public static final AttributeKey<String> CONTENT_FILTER_CATEGORY =
      AttributeKey.stringKey("spillway.content_filter.category");

  /**
   * {@code spillway.content_filter.severity}: {@code safe}, {@code low}, {@code medium}, {@code
   * high} (else {@code _OTHER}); absent for a detection category.
   */
  public static final AttributeKey<String> CONTENT_FILTER_SEVERITY =
      AttributeKey.stringKey("spillway.content_filter.severity");

  /** {@code spillway.content_filter.filtered}: whether the service filtered the content. */
  public static final AttributeKey<Boolean> CONTENT_FILTER_FILTERED =
      AttributeKey.booleanKey("spillway.content_filter.filtered");

  /** The categories Azure OpenAI reports, kept as they are on the counter; others are _OTHER. */
  public static final java.util.Set<String> CONTENT_FILTER_CATEGORIES =
      java.util.Set.of(
          "hate",
          "sexual",
          "violence",
          "self_harm",
          "profanity",
          "jailbreak",
          "indirect_attack",
          "protected_material_text",
          "protected_material_code",
          "custom_blocklists",
          "ungrounded_material");

  private static final java.util.Set<String> SEVERITIES =
      java.util.Set.of("safe", "low", "medium", "high");

  /** The provider of every call (OpenTelemetry GenAI conventions): {@code azure.ai.openai}. */
  public static final String PROVIDER = "azure.ai.openai";

  /** {@link #TOKEN_TYPE} of prompt tokens. */
  public static final String TOKEN_TYPE_INPUT = "input";

  /** {@link #TOKEN_TYPE} of completion tokens. */
  public static final String TOKEN_TYPE_OUTPUT = "output";

  private SpillwayMetrics() {}

  /**
   * The attributes of a call's {@link #OPERATION_DURATION}: operation, provider, request model, and
   * {@link #ERROR_TYPE} when the call failed.
   *
   * @param outcome the call
   * @return the attributes
   */
  public static Attributes callAttributes(CallOutcome outcome) {
    String errorType = errorType(outcome);
    return errorType == null
        ? Attributes.of(
            OPERATION_NAME, outcome.operation(),
            PROVIDER_NAME, PROVIDER,
            REQUEST_MODEL, outcome.model())
        : Attributes.of(
            OPERATION_NAME,
            outcome.operation(),
            PROVIDER_NAME,
            PROVIDER,
            REQUEST_MODEL,
            outcome.model(),
            ERROR_TYPE,
            errorType);
  }

  /**
   * The attributes of one {@link #TOKEN_USAGE} measurement: {@link #callAttributes} and the token
   * type.
   *
   * @param outcome the call
   * @param tokenType {@link #TOKEN_TYPE_INPUT} or {@link #TOKEN_TYPE_OUTPUT}
   * @return the attributes
   */
  public static Attributes tokenAttributes(CallOutcome outcome, String tokenType) {
    return callAttributes(outcome).toBuilder().put(TOKEN_TYPE, tokenType).build();
  }

  /**
   * The {@code error.type} of a call: the exception's class name when it failed with one, else the
   * HTTP status when the response passed on was 400 or above, else {@code null} (a success).
   *
   * @param outcome the call
   * @return the error type, or {@code null}
   */
  public static String errorType(CallOutcome outcome) {
    if (outcome.error() != null) {
      return outcome.error().getClass().getName();
    }
    if (outcome.status() != null && outcome.status() >= 400) {
      return String.valueOf(outcome.status());
    }
    return null;
  }

  /**
   * Whether a call records {@link #TOKEN_USAGE} (its input and output tokens): when it has usage,
   * reported or estimated, unless that usage is the estimated zero of a call nothing admitted (a
   * caller error, a failure), which would only skew the histogram.
   *
   * @param outcome the call
   * @return whether to record its tokens
   */
  public static boolean recordsTokens(CallOutcome outcome) {
    Usage usage = outcome.usage();
    return usage != null && !(usage.estimated() && usage.totalTokens() == 0);
  }

  /**
   * The attributes of an {@link #ATTEMPTS} increment.
   *
   * @param backendId the backend
   * @param tier its tier
   * @param outcome how the attempt ended
   * @return the attributes
   */
  public static Attributes attemptAttributes(String backendId, int tier, AttemptOutcome outcome) {
    return Attributes.of(
        BACKEND_ID,
        backendId,
        BACKEND_TIER,
        (long) tier,
        ATTEMPT_OUTCOME,
        outcome.attributeValue());
  }

  /**
   * The attributes of a {@link #COOLDOWNS} increment.
   *
   * @param backendId the backend
   * @param deployment the route's deployment
   * @param reason why it cools down
   * @return the attributes
   */
  public static Attributes coolDownAttributes(
      String backendId, String deployment, CoolDownReason reason) {
    return Attributes.of(
        BACKEND_ID, backendId,
        DEPLOYMENT, deployment,
        COOLDOWN_REASON, reason.attributeValue());
  }

  /**
   * The attributes of {@link #OUTSTANDING}.
   *
   * @param backendId the backend
   * @return the attributes
   */
  public static Attributes backendAttributes(String backendId) {
    return Attributes.of(BACKEND_ID, backendId);
  }

  /**
   * The attributes of a {@link #CONTENT_FILTER} increment, bounded: the source, the category (or
   * {@code _OTHER}), the severity of a harm category, and whether it was filtered.
   *
   * @param result one hit
   * @return the attributes
   */
  public static Attributes contentFilterAttributes(ContentFilterResult result) {
    AttributesBuilder b =
        Attributes.builder()
            .put(CONTENT_FILTER_SOURCE, result.source().attributeValue())
            .put(
                CONTENT_FILTER_CATEGORY,
                CONTENT_FILTER_CATEGORIES.contains(result.category())
                    ? result.category()
                    : "_OTHER")
            .put(CONTENT_FILTER_FILTERED, result.filtered());
    if (result.severity() != null) {
      b.put(
          CONTENT_FILTER_SEVERITY,
          SEVERITIES.contains(result.severity()) ? result.severity() : "_OTHER");
    }
    return b.build();
  }

  /**
   * The attributes of {@link #ROUTE_LATENCY_EWMA}.
   *
   * @param backendId the backend
   * @param deployment the route's deployment
   * @return the attributes
   */
  public static Attributes routeAttributes(String backendId, String deployment) {
    return Attributes.of(BACKEND_ID, backendId, DEPLOYMENT, deployment);
  }

  /**
   * The attributes of a declared consumer's {@link #CONSUMER_TOKENS}.
   *
   * @param consumerId the declared consumer
   * @param tier the tier of the backend that answered
   * @param tokenType {@link #TOKEN_TYPE_INPUT} or {@link #TOKEN_TYPE_OUTPUT}
   * @return the attributes
   */
  public static Attributes consumerTokenAttributes(String consumerId, int tier, String tokenType) {
    return Attributes.of(CONSUMER_ID, consumerId, BACKEND_TIER, (long) tier, TOKEN_TYPE, tokenType);
  }

  /**
   * The attributes of a declared consumer's {@link #CONSUMER_REJECTIONS}.
   *
   * @param consumerId the declared consumer
   * @param reason why the call was rejected
   * @return the attributes
   */
  public static Attributes consumerRejectionAttributes(
      String consumerId, dev.spillway.RejectionReason reason) {
    return Attributes.of(CONSUMER_ID, consumerId, REJECTION_REASON, reason.label());
  }
}
