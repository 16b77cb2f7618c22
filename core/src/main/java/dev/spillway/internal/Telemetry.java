package dev.spillway.internal;

import dev.spillway.AttemptRecord;
import dev.spillway.CallOutcome;
import dev.spillway.CoolDownReason;
import dev.spillway.Usage;
import dev.spillway.spi.CallRequest;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Spans and metrics of the telemetry table in docs/design.md, through the OpenTelemetry API only.
 * The {@link OpenTelemetry} instance is resolved on first use, so an agent or SDK installed after
 * the pool was built is still picked up. Prompt and completion text are never recorded; consumer id
 * and tags go on spans only. About 300 lines: that table's every instrument, in one file.
 *
 * <p>Thread-safe.
 */
final class Telemetry {
  private static final String SCOPE = "dev.spillway";
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
    AttributesBuilder attributes =
        Attributes.builder()
            .put(Semconv.OPERATION_NAME, request.operation())
            .put(Semconv.PROVIDER_NAME, Semconv.PROVIDER)
            .put(Semconv.REQUEST_MODEL, request.model());
    if (request.consumerId() != null) {
      attributes.put(Semconv.CONSUMER_ID, request.consumerId());
    }
    request.tags().forEach((k, v) -> attributes.put(Semconv.TAG_PREFIX + k, v));
    return instruments()
        .tracer
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
    return instruments()
        .tracer
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
    callSpan.addEvent(
        Semconv.WAIT_EVENT, Attributes.of(Semconv.WAIT_MS, TimeUnit.NANOSECONDS.toMillis(nanos)));
  }

  void outstanding(RouteRuntime route, long delta) {
    instruments().outstanding.add(delta, Attributes.of(Semconv.BACKEND_ID, route.backendId()));
  }

  void coolDown(RouteRuntime route, CoolDownReason reason) {
    instruments()
        .coolDowns
        .add(
            1,
            Attributes.of(
                Semconv.BACKEND_ID, route.backendId(),
                Semconv.DEPLOYMENT, route.deployment.name(),
                Semconv.COOLDOWN_REASON, reason.attributeValue()));
  }

  void endAttempt(Span span, AttemptRecord attempt) {
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
    span.end();
    instruments()
        .attempts
        .add(
            1,
            Attributes.of(
                Semconv.BACKEND_ID, attempt.backendId(),
                Semconv.BACKEND_TIER, (long) attempt.tier(),
                Semconv.ATTEMPT_OUTCOME, attempt.outcome().attributeValue()));
  }

  void endCall(Span span, CallOutcome outcome, RouteRuntime finalRoute, String responseModel) {
    Instruments i = instruments();
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
    String errorType = errorType(outcome);
    AttributesBuilder metricAttributes =
        Attributes.builder()
            .put(Semconv.OPERATION_NAME, outcome.operation())
            .put(Semconv.PROVIDER_NAME, Semconv.PROVIDER)
            .put(Semconv.REQUEST_MODEL, outcome.model());
    if (errorType != null) {
      span.setAttribute(Semconv.ERROR_TYPE, errorType);
      span.setStatus(StatusCode.ERROR);
      metricAttributes.put(Semconv.ERROR_TYPE, errorType);
    }
    span.end();
    Attributes attributes = metricAttributes.build();
    i.duration.record(outcome.latency().toNanos() / 1e9, attributes);
    if (admittedTokens(outcome)) {
      i.tokens.record(
          outcome.usage().inputTokens(),
          attributes.toBuilder().put(Semconv.TOKEN_TYPE, "input").build());
      i.tokens.record(
          outcome.usage().outputTokens(),
          attributes.toBuilder().put(Semconv.TOKEN_TYPE, "output").build());
    }
  }

  /**
   * Whether the call has tokens to record: a call that nothing admitted (a caller error, a failure)
   * carries an estimated zero, which would only skew the token histogram.
   */
  private static boolean admittedTokens(CallOutcome outcome) {
    Usage usage = outcome.usage();
    return usage != null && !(usage.estimated() && usage.totalTokens() == 0);
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

  private static String errorType(CallOutcome outcome) {
    if (outcome.error() != null) {
      return outcome.error().getClass().getName();
    }
    if (outcome.status() != null && outcome.status() >= 400) {
      return String.valueOf(outcome.status());
    }
    return null;
  }

  private final class Instruments {
    final Tracer tracer;
    final TextMapPropagator propagator;
    final DoubleHistogram duration;
    final LongHistogram tokens;
    final LongCounter attempts;
    final LongCounter coolDowns;
    final LongUpDownCounter outstanding;

    Instruments(OpenTelemetry otel) {
      this.tracer = otel.getTracer(SCOPE);
      TextMapPropagator configured = otel.getPropagators().getTextMapPropagator();
      // A bare API (no SDK configured) has a no-op propagator: W3C trace context is still sent.
      this.propagator =
          configured.fields().isEmpty() ? W3CTraceContextPropagator.getInstance() : configured;
      Meter meter = otel.getMeter(SCOPE);
      this.duration =
          meter
              .histogramBuilder(Semconv.DURATION_METRIC)
              .setUnit("s")
              .setDescription("Duration of GenAI operations, across all attempts")
              .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
              .build();
      this.tokens =
          meter
              .histogramBuilder(Semconv.TOKEN_USAGE_METRIC)
              .ofLongs()
              .setUnit("{token}")
              .setDescription("Tokens used by GenAI operations")
              .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
              .build();
      this.attempts =
          meter
              .counterBuilder(Semconv.ATTEMPTS_METRIC)
              .setUnit("{attempt}")
              .setDescription("Attempts sent to backends, by outcome")
              .build();
      this.coolDowns =
          meter
              .counterBuilder(Semconv.COOLDOWNS_METRIC)
              .setUnit("{cooldown}")
              .setDescription("Route cool-downs started, by reason")
              .build();
      this.outstanding =
          meter
              .upDownCounterBuilder(Semconv.OUTSTANDING_METRIC)
              .setUnit("{request}")
              .setDescription("Attempts in flight per backend (streams until they end)")
              .build();
      meter
          .gaugeBuilder(Semconv.EWMA_METRIC)
          .setUnit("s")
          .setDescription("Peak-EWMA latency estimate per route")
          .buildWithCallback(
              measurement -> {
                long now = ticker.read();
                for (RouteRuntime route : routes) {
                  double value = route.ewma.value(now);
                  if (!Double.isNaN(value)) {
                    measurement.record(
                        value / 1e9,
                        Attributes.of(
                            Semconv.BACKEND_ID, route.backendId(),
                            Semconv.DEPLOYMENT, route.deployment.name()));
                  }
                }
              });
    }
  }
}
