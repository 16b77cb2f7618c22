package dev.spillway.spring.actuate;

import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.Backend;
import dev.spillway.BackendSnapshot;
import dev.spillway.CallOutcome;
import dev.spillway.CoolDownReason;
import dev.spillway.Deployment;
import dev.spillway.PoolListener;
import dev.spillway.RouteSnapshot;
import dev.spillway.pool.SpillwayPool;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The pool's meters in Micrometer, with the names, units and tags of the OpenTelemetry metrics the
 * core records (docs/design.md "Telemetry"):
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>kind</th><th>tags</th></tr>
 *   <tr><td>{@code gen_ai.client.operation.duration}</td><td>timer (s)</td>
 *       <td>{@code gen_ai.operation.name}, {@code gen_ai.provider.name}, {@code
 *       gen_ai.request.model}, {@code error.type} (failed calls)</td></tr>
 *   <tr><td>{@code gen_ai.client.token.usage}</td><td>distribution summary ({token})</td>
 *       <td>the same, and {@code gen_ai.token.type} ({@code input}, {@code output})</td></tr>
 *   <tr><td>{@code spillway.attempts}</td><td>counter ({attempt})</td>
 *       <td>{@code spillway.backend.id}, {@code spillway.backend.tier}, {@code
 *       spillway.attempt.outcome}</td></tr>
 *   <tr><td>{@code spillway.cooldowns}</td><td>counter ({cooldown})</td>
 *       <td>{@code spillway.backend.id}, {@code spillway.route.deployment}, {@code
 *       spillway.cooldown.reason}</td></tr>
 *   <tr><td>{@code spillway.outstanding}</td><td>gauge ({request})</td>
 *       <td>{@code spillway.backend.id}</td></tr>
 *   <tr><td>{@code spillway.route.latency.ewma}</td><td>gauge (s)</td>
 *       <td>{@code spillway.backend.id}, {@code spillway.route.deployment}</td></tr>
 * </table>
 *
 * <p>The gauges read the pool's snapshot. The counters and distributions come from the pool's
 * events: this binder is also a {@link PoolListener}, which the auto-configured pool picks up like
 * every {@code PoolListener} bean; a pool built by the application must add it with {@code
 * SpillwayPool.Builder.listener}. Consumer ids and tags are never used as tags. Thread-safe.
 */
public final class SpillwayMeterBinder implements MeterBinder, PoolListener {
  static final String DURATION = "gen_ai.client.operation.duration";
  static final String TOKEN_USAGE = "gen_ai.client.token.usage";
  static final String ATTEMPTS = "spillway.attempts";
  static final String COOLDOWNS = "spillway.cooldowns";
  static final String OUTSTANDING = "spillway.outstanding";
  static final String EWMA = "spillway.route.latency.ewma";

  static final String OPERATION_NAME = "gen_ai.operation.name";
  static final String PROVIDER_NAME = "gen_ai.provider.name";
  static final String REQUEST_MODEL = "gen_ai.request.model";
  static final String ERROR_TYPE = "error.type";
  static final String TOKEN_TYPE = "gen_ai.token.type";
  static final String BACKEND_ID = "spillway.backend.id";
  static final String BACKEND_TIER = "spillway.backend.tier";
  static final String ATTEMPT_OUTCOME = "spillway.attempt.outcome";
  static final String DEPLOYMENT = "spillway.route.deployment";
  static final String COOLDOWN_REASON = "spillway.cooldown.reason";

  /** The provider every Spillway call goes to (OpenTelemetry GenAI conventions). */
  static final String PROVIDER = "azure.ai.openai";

  private final Supplier<SpillwayPool> pool;
  private final Map<Tags, LongAdder> attempts = new ConcurrentHashMap<>();
  private final Map<Tags, LongAdder> coolDowns = new ConcurrentHashMap<>();
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

  /**
   * Meters for the pool {@code pool} supplies; it is asked for only when meters are bound or read,
   * so the binder can be one of the pool's own listeners.
   *
   * @param pool supplies the pool
   */
  public SpillwayMeterBinder(Supplier<SpillwayPool> pool) {
    this.pool = Objects.requireNonNull(pool, "'pool' cannot be null.");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    registries.add(registry);
    for (Backend backend : pool.get().backendPool().backends()) {
      String id = backend.id();
      Gauge.builder(OUTSTANDING, () -> backend(id).outstanding())
          .description("Attempts in flight per backend (streams until they end)")
          .baseUnit("{request}")
          .tag(BACKEND_ID, id)
          .register(registry);
      for (AttemptOutcome outcome : AttemptOutcome.values()) {
        Tags tags = attemptTags(id, backend.tier(), outcome);
        FunctionCounter.builder(ATTEMPTS, counter(attempts, tags), LongAdder::doubleValue)
            .description("Attempts sent to backends, by outcome")
            .baseUnit("{attempt}")
            .tags(tags)
            .register(registry);
      }
      for (Deployment deployment : backend.deployments()) {
        String name = deployment.name();
        String model = deployment.model();
        Gauge.builder(EWMA, () -> ewmaSeconds(id, model))
            .description("Peak-EWMA latency estimate per route")
            .baseUnit("s")
            .tags(BACKEND_ID, id, DEPLOYMENT, name)
            .register(registry);
        for (CoolDownReason reason : CoolDownReason.values()) {
          Tags tags = coolDownTags(id, name, reason);
          FunctionCounter.builder(COOLDOWNS, counter(coolDowns, tags), LongAdder::doubleValue)
              .description("Route cool-downs started, by reason")
              .baseUnit("{cooldown}")
              .tags(tags)
              .register(registry);
        }
      }
    }
  }

  @Override
  public void onAttempt(String callId, AttemptRecord attempt) {
    counter(attempts, attemptTags(attempt.backendId(), attempt.tier(), attempt.outcome()))
        .increment();
  }

  @Override
  public void onCoolDown(
      String backendId, String deployment, Duration duration, CoolDownReason reason) {
    counter(coolDowns, coolDownTags(backendId, deployment, reason)).increment();
  }

  @Override
  public void onCallComplete(CallOutcome outcome) {
    Tags tags =
        Tags.of(
            OPERATION_NAME,
            outcome.operation(),
            PROVIDER_NAME,
            PROVIDER,
            REQUEST_MODEL,
            outcome.model());
    String errorType = errorType(outcome);
    if (errorType != null) {
      tags = tags.and(ERROR_TYPE, errorType);
    }
    for (MeterRegistry registry : registries) {
      Timer.builder(DURATION)
          .description("Duration of GenAI operations, across all attempts")
          .tags(tags)
          .register(registry)
          .record(outcome.latency());
      if (outcome.usage() != null && outcome.backendId() != null) {
        tokens(registry, tags, "input").record(outcome.usage().inputTokens());
        tokens(registry, tags, "output").record(outcome.usage().outputTokens());
      }
    }
  }

  private static DistributionSummary tokens(MeterRegistry registry, Tags tags, String type) {
    return DistributionSummary.builder(TOKEN_USAGE)
        .description("Tokens used by GenAI operations")
        .baseUnit("{token}")
        .tags(tags.and(TOKEN_TYPE, type))
        .register(registry);
  }

  /** As the core's telemetry: the exception's class for failures, else the HTTP status ≥ 400. */
  private static String errorType(CallOutcome outcome) {
    if (outcome.error() != null) {
      return outcome.error().getClass().getName();
    }
    if (outcome.status() != null && outcome.status() >= 400) {
      return String.valueOf(outcome.status());
    }
    return null;
  }

  private BackendSnapshot backend(String id) {
    return pool.get().snapshot().backend(id);
  }

  private double ewmaSeconds(String backendId, String model) {
    RouteSnapshot route = backend(backendId).route(model);
    return route == null || route.peakEwma() == null
        ? Double.NaN
        : route.peakEwma().toNanos() / 1e9;
  }

  private static LongAdder counter(Map<Tags, LongAdder> counters, Tags tags) {
    return counters.computeIfAbsent(tags, t -> new LongAdder());
  }

  private static Tags attemptTags(String backendId, int tier, AttemptOutcome outcome) {
    return Tags.of(
        BACKEND_ID,
        backendId,
        BACKEND_TIER,
        String.valueOf(tier),
        ATTEMPT_OUTCOME,
        outcome.attributeValue());
  }

  private static Tags coolDownTags(String backendId, String deployment, CoolDownReason reason) {
    return Tags.of(
        BACKEND_ID, backendId, DEPLOYMENT, deployment, COOLDOWN_REASON, reason.attributeValue());
  }
}
