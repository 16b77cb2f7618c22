package dev.spillway.internal;

import dev.spillway.AttemptRecord;
import dev.spillway.CallOutcome;
import dev.spillway.ContentFilterResult;
import dev.spillway.ContentFilterResults;
import dev.spillway.CoolDownReason;
import dev.spillway.spi.CallRequest;
import dev.spillway.telemetry.SpillwayMetrics;
import dev.spillway.telemetry.SpillwayMetrics.Instrument;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Spans and metrics of the telemetry table in docs/design.md, through the OpenTelemetry API only.
 * What each metric records (names, units, attributes, the error-type and token rules) comes from
 * {@link SpillwayMetrics}, which other meter bindings share. The {@link OpenTelemetry} instance is
 * resolved on first use, so an agent or SDK installed after the pool was built is still picked up.
 * Prompt and completion text are never recorded; consumer id and tags go on spans only. About 340
 * lines: that table's every instrument, in one file.
 *
 * <p>Thread-safe.
 */
final class Telemetry {
  private static final String SCOPE = "dev.spillway";

  /** The name of an attempt's span when nothing records it. */
  private static final String ATTEMPT = "attempt";

  private static final List<Double> DURATION_BUCKETS =
      List.of(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
  private static final List<Long> TOKEN_BUCKETS =
      List.of(
          1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
          16777216L, 67108864L);

  private final Supplier<OpenTelemetry> openTelemetry;
  private final List<RouteRuntime> routes;
  private final dev.spillway.Ticker ticker;
  private volatile Instruments instruments;

  Telemetry(
      Supplier<OpenTelemetry> openTelemetry,
      List<RouteRuntime> routes,
      dev.spillway.Ticker ticker) {
    this.openTelemetry = openTelemetry;
    this.routes = routes;
    this.ticker = ticker;
  }

  private Instruments instruments() {
    Instruments i = instruments;
    if (i == null) {
      synchronized (this) {
        i = instruments;
        if (i == null) {
          i = new Instruments(openTelemetry.get());
          instruments = i;
        }
      }
    }
    return i;
  }

  Span startCall(CallRequest request, Context parent) {
    Instruments i = instruments();
    if (!i.tracing) {
      // no tracer: its span only carries the parent's context on (what inject sends); no name
      // or attributes to build
      return i.tracer
          .spanBuilder(request.operation())
          .setSpanKind(SpanKind.CLIENT)
          .setParent(parent)
          .startSpan();
    }
    AttributesBuilder attributes =
        Attributes.builder()
            .put(Semconv.OPERATION_NAME, request.operation())
            .put(Semconv.PROVIDER_NAME, Semconv.PROVIDER)
            .put(Semconv.REQUEST_MODEL, request.model());
    if (request.consumerId() != null) {
      attributes.put(Semconv.CONSUMER_ID, request.consumerId());
    }
    request.tags().forEach((k, v) -> attributes.put(Semconv.TAG_PREFIX + k, v));
    return i.tracer
        .spanBuilder(
            request.model() == null
                ? request.operation()
                : request.operation() + " " + request.model())
        .setSpanKind(SpanKind.CLIENT)
        .setParent(parent)
        .setAllAttributes(attributes.build())
        .startSpan();
  }

  Span startAttempt(Span callSpan, RouteRuntime route) {
    Instruments i = instruments();
    if (!i.tracing) {
      return i.tracer
          .spanBuilder(ATTEMPT)
          .setSpanKind(SpanKind.CLIENT)
          .setParent(Context.root().with(callSpan))
          .startSpan();
    }
    return i.tracer
        .spanBuilder("attempt " + route.backendId())
        .setSpanKind(SpanKind.CLIENT)
        .setParent(Context.root().with(callSpan))
        .setAttribute(Semconv.BACKEND_ID, route.backendId())
        .setAttribute(Semconv.BACKEND_TIER, (long) route.tier)
        .setAttribute(Semconv.DEPLOYMENT, route.deployment.name())
        .startSpan();
  }

  void inject(Span attemptSpan, BiConsumer<String, String> header) {
    instruments()
        .propagator
        .inject(
            Context.root().with(attemptSpan),
            header,
            (carrier, key, value) -> carrier.accept(key, value));
  }

  void waited(Span callSpan, long nanos) {
    if (!callSpan.isRecording()) {
      return;
    }
    callSpan.addEvent(
        Semconv.WAIT_EVENT, Attributes.of(Semconv.WAIT_MS, TimeUnit.NANOSECONDS.toMillis(nanos)));
  }

  void hedged(Span callSpan, RouteRuntime late, long afterNanos) {
    if (!callSpan.isRecording()) {
      return;
    }
    callSpan.addEvent(
        Semconv.HEDGE_EVENT,
        Attributes.of(
            Semconv.BACKEND_ID,
            late.backendId(),
            Semconv.HEDGE_AFTER_MS,
            TimeUnit.NANOSECONDS.toMillis(afterNanos)));
  }

  void outstanding(RouteRuntime route, long delta) {
    Instruments i = instruments();
    if (i.metering) {
      i.outstanding.add(delta, SpillwayMetrics.backendAttributes(route.backendId()));
    }
  }

  void coolDown(RouteRuntime route, CoolDownReason reason) {
    Instruments i = instruments();
    if (!i.metering) {
      return;
    }
    i.coolDowns.add(
        1, SpillwayMetrics.coolDownAttributes(route.backendId(), route.deployment.name(), reason));
  }

  void endAttempt(Span span, AttemptRecord attempt) {
    if (span.isRecording()) {
      attemptSpan(span, attempt);
    }
    span.end();
    Instruments i = instruments();
    if (i.metering) {
      i.attempts.add(
          1,
          SpillwayMetrics.attemptAttributes(
              attempt.backendId(), attempt.tier(), attempt.outcome()));
    }
  }

  /** The attributes and status of an attempt's span, which records them. */
  private static void attemptSpan(Span span, AttemptRecord attempt) {
    if (attempt.status() != null) {
      span.setAttribute(Semconv.HTTP_STATUS, (long) attempt.status());
    }
    span.setAttribute(Semconv.ATTEMPT_OUTCOME, attempt.outcome().attributeValue());
    if (attempt.coolDown() != null) {
      span.setAttribute(Semconv.RETRY_AFTER_MS, attempt.coolDown().toMillis());
    }
    String errorType = errorType(attempt);
    if (errorType != null) {
      span.setAttribute(Semconv.ERROR_TYPE, errorType);
      span.setStatus(StatusCode.ERROR);
    }
  }

  void endCall(
      Span span,
      CallOutcome outcome,
      RouteRuntime finalRoute,
      String responseModel,
      boolean declaredConsumer) {
    Instruments i = instruments();
    if (span.isRecording()) {
      callSpan(span, outcome, finalRoute, responseModel);
    }
    if (i.metering) {
      contentFilterHits(outcome.contentFilter(), i.contentFilter);
    }
    span.end();
    if (!i.metering) {
      return; // no meter: no attributes to build
    }
    i.duration.record(outcome.latency().toNanos() / 1e9, SpillwayMetrics.callAttributes(outcome));
    if (SpillwayMetrics.recordsTokens(outcome)) {
      i.tokens.record(
          outcome.usage().inputTokens(),
          SpillwayMetrics.tokenAttributes(outcome, SpillwayMetrics.TOKEN_TYPE_INPUT));
      i.tokens.record(
          outcome.usage().outputTokens(),
          SpillwayMetrics.tokenAttributes(outcome, SpillwayMetrics.TOKEN_TYPE_OUTPUT));
    }
    if (declaredConsumer) {
      consumer(outcome, finalRoute, i);
    }
  }

  /** The attributes and status of a call's span, which records them. */
  private static void callSpan(
      Span span, CallOutcome outcome, RouteRuntime finalRoute, String responseModel) {
    span.setAttribute(Semconv.ATTEMPT_COUNT, (long) outcome.attempts().size());
    if (finalRoute != null) {
      span.setAttribute(Semconv.BACKEND_ID, finalRoute.backendId());
      span.setAttribute(Semconv.BACKEND_TIER, (long) finalRoute.tier);
      span.setAttribute(Semconv.SERVER_ADDRESS, finalRoute.backend.backend.endpoint().getHost());
      span.setAttribute(Semconv.SERVER_PORT, (long) port(finalRoute));
    }
    if (responseModel != null) {
      span.setAttribute(Semconv.RESPONSE_MODEL, responseModel);
    }
    if (outcome.usage() != null) {
      span.setAttribute(Semconv.INPUT_TOKENS, outcome.usage().inputTokens());
      span.setAttribute(Semconv.OUTPUT_TOKENS, outcome.usage().outputTokens());
    }
    String errorType = SpillwayMetrics.errorType(outcome);
    if (errorType != null) {
      span.setAttribute(Semconv.ERROR_TYPE, errorType);
      span.setStatus(StatusCode.ERROR);
    }
    contentFilter(span, outcome.contentFilter());
  }

  /** A declared consumer's tokens by answering tier, or its rejection. */
  private static void consumer(CallOutcome outcome, RouteRuntime finalRoute, Instruments i) {
    String id = outcome.consumerId();
    if (outcome.rejection() != null) {
      i.consumerRejections.add(
          1, SpillwayMetrics.consumerRejectionAttributes(id, outcome.rejection()));
    }
    if (finalRoute != null && SpillwayMetrics.recordsTokens(outcome)) {
      i.consumerTokens.add(
          outcome.usage().inputTokens(),
          SpillwayMetrics.consumerTokenAttributes(
              id, finalRoute.tier, SpillwayMetrics.TOKEN_TYPE_INPUT));
      i.consumerTokens.add(
          outcome.usage().outputTokens(),
          SpillwayMetrics.consumerTokenAttributes(
              id, finalRoute.tier, SpillwayMetrics.TOKEN_TYPE_OUTPUT));
    }
  }

  /** Each content-filter hit on the counter. */
  private static void contentFilterHits(ContentFilterResults results, LongCounter counter) {
    for (ContentFilterResult r : results.results()) {
      if (r.hit()) {
        counter.add(1, SpillwayMetrics.contentFilterAttributes(r));
      }
    }
  }

  /**
   * The filter outcome on the span: which categories were filtered, which flagged (detected or of a
   * severity above safe), for prompt and completion.
   */
  private static void contentFilter(Span span, ContentFilterResults results) {
    if (results.isEmpty()) {
      return;
    }
    Set<String> promptFiltered = new TreeSet<>();
    Set<String> promptFlagged = new TreeSet<>();
    Set<String> completionFiltered = new TreeSet<>();
    Set<String> completionFlagged = new TreeSet<>();
    for (ContentFilterResult r : results.results()) {
      if (!r.hit()) {
        continue;
      }
      boolean prompt = r.source() == ContentFilterResult.Source.PROMPT;
      (r.filtered()
              ? prompt ? promptFiltered : completionFiltered
              : prompt ? promptFlagged : completionFlagged)
          .add(r.category());
    }
    putIfAny(span, Semconv.PROMPT_FILTERED, promptFiltered);
    putIfAny(span, Semconv.PROMPT_FLAGGED, promptFlagged);
    putIfAny(span, Semconv.COMPLETION_FILTERED, completionFiltered);
    putIfAny(span, Semconv.COMPLETION_FLAGGED, completionFlagged);
    if (results.errorCode() != null) {
      span.setAttribute(Semconv.CONTENT_FILTER_ERROR, results.errorCode());
    }
  }

  private static void putIfAny(Span span, AttributeKey<List<String>> key, Set<String> values) {
    if (!values.isEmpty()) {
      span.setAttribute(key, List.copyOf(values));
    }
  }

  private static int port(RouteRuntime route) {
    int port = route.backend.backend.endpoint().getPort();
    if (port >= 0) {
      return port;
    }
    return "http".equalsIgnoreCase(route.backend.backend.endpoint().getScheme()) ? 80 : 443;
  }

  private static String errorType(AttemptRecord attempt) {
    switch (attempt.outcome()) {
      case SUCCESS:
        return null;
      case CANCELLED:
        return "cancelled";
      default:
        return attempt.errorType() != null
            ? attempt.errorType()
            : attempt.status() != null ? String.valueOf(attempt.status()) : "_OTHER";
    }
  }

  private final class Instruments {
    final Tracer tracer;

    /** Whether spans record: false for the API's no-op tracer provider (no SDK, no agent). */
    final boolean tracing;

    /** Whether metrics record: false for the API's no-op meter provider. */
    final boolean metering;

    final TextMapPropagator propagator;
    final DoubleHistogram duration;
    final LongHistogram tokens;
    final LongCounter attempts;
    final LongCounter coolDowns;
    final LongUpDownCounter outstanding;
    final LongCounter contentFilter;
    final LongCounter consumerTokens;
    final LongCounter consumerRejections;

    Instruments(OpenTelemetry otel) {
      this.tracer = otel.getTracer(SCOPE);
      this.tracing = otel.getTracerProvider() != TracerProvider.noop();
      this.metering = otel.getMeterProvider() != MeterProvider.noop();
      TextMapPropagator configured = otel.getPropagators().getTextMapPropagator();
      // A bare API (no SDK configured) has a no-op propagator: W3C trace context is still sent.
      this.propagator =
          configured.fields().isEmpty() ? W3CTraceContextPropagator.getInstance() : configured;
      Meter meter = otel.getMeter(SCOPE);
      Instrument d = SpillwayMetrics.OPERATION_DURATION;
      this.duration =
          meter
              .histogramBuilder(d.name())
              .setUnit(d.unit())
              .setDescription(d.description())
              .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
              .build();
      Instrument t = SpillwayMetrics.TOKEN_USAGE;
      this.tokens =
          meter
              .histogramBuilder(t.name())
              .ofLongs()
              .setUnit(t.unit())
              .setDescription(t.description())
              .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
              .build();
      Instrument a = SpillwayMetrics.ATTEMPTS;
      this.attempts =
          meter.counterBuilder(a.name()).setUnit(a.unit()).setDescription(a.description()).build();
      Instrument c = SpillwayMetrics.COOLDOWNS;
      this.coolDowns =
          meter.counterBuilder(c.name()).setUnit(c.unit()).setDescription(c.description()).build();
      Instrument o = SpillwayMetrics.OUTSTANDING;
      this.outstanding =
          meter
              .upDownCounterBuilder(o.name())
              .setUnit(o.unit())
              .setDescription(o.description())
              .build();
      Instrument f = SpillwayMetrics.CONTENT_FILTER;
      this.contentFilter =
          meter.counterBuilder(f.name()).setUnit(f.unit()).setDescription(f.description()).build();
      Instrument ct = SpillwayMetrics.CONSUMER_TOKENS;
      this.consumerTokens =
          meter
              .counterBuilder(ct.name())
              .setUnit(ct.unit())
              .setDescription(ct.description())
              .build();
      Instrument cr = SpillwayMetrics.CONSUMER_REJECTIONS;
      this.consumerRejections =
          meter
              .counterBuilder(cr.name())
              .setUnit(cr.unit())
              .setDescription(cr.description())
              .build();
      Instrument e = SpillwayMetrics.ROUTE_LATENCY_EWMA;
      meter
          .gaugeBuilder(e.name())
          .setUnit(e.unit())
          .setDescription(e.description())
          .buildWithCallback(
              measurement -> {
                long now = ticker.read();
                for (RouteRuntime route : routes) {
                  double value = route.ewma.value(now);
                  if (!Double.isNaN(value)) {
                    measurement.record(
                        value / 1e9,
                        SpillwayMetrics.routeAttributes(
                            route.backendId(), route.deployment.name()));
                  }
                }
              });
    }
  }
}
