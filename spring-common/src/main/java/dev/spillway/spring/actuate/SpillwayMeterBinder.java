package dev.spillway.spring.actuate;

import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.Backend;
import dev.spillway.BackendPool;
import dev.spillway.BackendSnapshot;
import dev.spillway.CallOutcome;
import dev.spillway.ContentFilterResult;
import dev.spillway.CoolDownReason;
import dev.spillway.Deployment;
import dev.spillway.PoolListener;
import dev.spillway.RouteSnapshot;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.telemetry.SpillwayMetrics;
import dev.spillway.telemetry.SpillwayMetrics.Instrument;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.opentelemetry.api.common.Attributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The pool's meters in Micrometer: the metrics the core records in OpenTelemetry, with the names,
 * units, attributes (as tags) and rules of {@link SpillwayMetrics}, which both use:
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
 *   <tr><td>{@code spillway.content_filter}</td><td>counter ({result})</td>
 *       <td>{@code spillway.content_filter.source}, {@code .category}, {@code .severity}, {@code
 *       .filtered}</td></tr>
 *   <tr><td>{@code spillway.consumer.tokens}</td><td>counter ({token})</td>
 *       <td>{@code spillway.consumer.id} (declared consumers only), {@code spillway.backend.tier}
 *       of the answering route, {@code gen_ai.token.type}</td></tr>
 *   <tr><td>{@code spillway.consumer.rejections}</td><td>counter ({call})</td>
 *       <td>{@code spillway.consumer.id} (declared consumers only), {@code
 *       spillway.rejection.reason} ({@code consumer limit}, {@code quota exceeded}, {@code model
 *       not allowed}, {@code queue full}, {@code deadline})</td></tr>
 * </table>
 *
 * <p>Where the registries differ in kind, the Micrometer meter says the same thing: a timer's total
 * time is the histogram's sum in seconds; the attempt and cool-down counters are registered for
 * every backend, outcome, route and reason up front (at zero); the gauges read the pool's snapshot.
 *
 * <p>The counters and distributions come from the pool's events: this binder is also a {@link
 * PoolListener}, which the auto-configured pool picks up like every {@code PoolListener} bean; a
 * pool built by the application must add it with {@code SpillwayPool.Builder.listener}. Tags never
 * carry call tags or undeclared consumer ids: only the ids of consumers declared in configuration
 * ({@code spillway.consumers[]}), a bounded set, and only on the two consumer counters, which
 * appear with a declared consumer's first tokens or rejection. Thread-safe.
 */
public final class SpillwayMeterBinder implements MeterBinder, PoolListener {
  private final Supplier<SpillwayPool> pool;
  private final Map<Tags, LongAdder> attempts = new ConcurrentHashMap<>();
  private final Map<Tags, LongAdder> coolDowns = new ConcurrentHashMap<>();
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

  /** The declared consumer ids and each backend's tier, read from the pool on first use. */
  private volatile PoolFacts facts;

  private record PoolFacts(Set<String> declared, Map<String, Integer> tiers) {}

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
    Instrument outstanding = SpillwayMetrics.OUTSTANDING;
    Instrument ewma = SpillwayMetrics.ROUTE_LATENCY_EWMA;
    for (Backend backend : pool.get().backendPool().backends()) {
      String id = backend.id();
      Gauge.builder(outstanding.name(), () -> backend(id).outstanding())
          .description(outstanding.description())
          .baseUnit(outstanding.unit())
          .tags(tags(SpillwayMetrics.backendAttributes(id)))
          .register(registry);
      for (AttemptOutcome outcome : AttemptOutcome.values()) {
        counter(
            registry, SpillwayMetrics.ATTEMPTS, attempts, attemptTags(id, backend.tier(), outcome));
      }
      for (Deployment deployment : backend.deployments()) {
        String name = deployment.name();
        Gauge.builder(ewma.name(), () -> ewmaSeconds(id, name))
            .description(ewma.description())
            .baseUnit(ewma.unit())
            .tags(tags(SpillwayMetrics.routeAttributes(id, name)))
            .register(registry);
        for (CoolDownReason reason : CoolDownReason.values()) {
          counter(registry, SpillwayMetrics.COOLDOWNS, coolDowns, coolDownTags(id, name, reason));
        }
      }
    }
  }

  private static void counter(
      MeterRegistry registry, Instrument instrument, Map<Tags, LongAdder> counts, Tags tags) {
    FunctionCounter.builder(instrument.name(), counter(counts, tags), LongAdder::doubleValue)
        .description(instrument.description())
        .baseUnit(instrument.unit())
        .tags(tags)
        .register(registry);
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
    Instrument duration = SpillwayMetrics.OPERATION_DURATION;
    Tags callTags = tags(SpillwayMetrics.callAttributes(outcome));
    boolean recordsTokens = SpillwayMetrics.recordsTokens(outcome);
    for (MeterRegistry registry : registries) {
      Timer.builder(duration.name())
          .description(duration.description())
          .tags(callTags)
          .register(registry)
          .record(outcome.latency());
      if (recordsTokens) {
        tokens(registry, outcome, SpillwayMetrics.TOKEN_TYPE_INPUT)
            .record(outcome.usage().inputTokens());
        tokens(registry, outcome, SpillwayMetrics.TOKEN_TYPE_OUTPUT)
            .record(outcome.usage().outputTokens());
      }
      consumer(registry, outcome, recordsTokens);
      Instrument filter = SpillwayMetrics.CONTENT_FILTER;
      for (ContentFilterResult result : outcome.contentFilter().results()) {
        if (result.hit()) {
          Counter.builder(filter.name())
              .description(filter.description())
              .baseUnit(filter.unit())
              .tags(tags(SpillwayMetrics.contentFilterAttributes(result)))
              .register(registry)
              .increment();
        }
      }
    }
  }

  /** A declared consumer's rejection, or its tokens by the answering tier (as the core records). */
  private void consumer(MeterRegistry registry, CallOutcome outcome, boolean recordsTokens) {
    String id = outcome.consumerId();
    if (id == null) {
      return;
    }
    PoolFacts pool = facts();
    if (!pool.declared().contains(id)) {
      return;
    }
    if (outcome.rejection() != null) {
      Instrument rejections = SpillwayMetrics.CONSUMER_REJECTIONS;
      Counter.builder(rejections.name())
          .description(rejections.description())
          .baseUnit(rejections.unit())
          .tags(tags(SpillwayMetrics.consumerRejectionAttributes(id, outcome.rejection())))
          .register(registry)
          .increment();
    }
    Integer tier = outcome.backendId() == null ? null : pool.tiers().get(outcome.backendId());
    if (tier != null && recordsTokens) {
      consumerTokens(registry, id, tier, SpillwayMetrics.TOKEN_TYPE_INPUT)
          .increment(outcome.usage().inputTokens());
      consumerTokens(registry, id, tier, SpillwayMetrics.TOKEN_TYPE_OUTPUT)
          .increment(outcome.usage().outputTokens());
    }
  }

  private static Counter consumerTokens(
      MeterRegistry registry, String consumerId, int tier, String tokenType) {
    Instrument tokens = SpillwayMetrics.CONSUMER_TOKENS;
    return Counter.builder(tokens.name())
        .description(tokens.description())
        .baseUnit(tokens.unit())
        .tags(tags(SpillwayMetrics.consumerTokenAttributes(consumerId, tier, tokenType)))
        .register(registry);
  }

  private PoolFacts facts() {
    PoolFacts f = facts;
    if (f == null) {
      BackendPool backendPool = pool.get().backendPool();
      Map<String, Integer> tiers = new HashMap<>();
      for (Backend backend : backendPool.backends()) {
        tiers.put(backend.id(), backend.tier());
      }
      f = new PoolFacts(Set.copyOf(backendPool.consumers().byId().keySet()), Map.copyOf(tiers));
      facts = f;
    }
    return f;
  }

  private static DistributionSummary tokens(
      MeterRegistry registry, CallOutcome outcome, String tokenType) {
    Instrument tokens = SpillwayMetrics.TOKEN_USAGE;
    return DistributionSummary.builder(tokens.name())
        .description(tokens.description())
        .baseUnit(tokens.unit())
        .tags(tags(SpillwayMetrics.tokenAttributes(outcome, tokenType)))
        .register(registry);
  }

  /** OpenTelemetry attributes as Micrometer tags: each key's name, each value as a string. */
  static Tags tags(Attributes attributes) {
    List<Tag> tags = new ArrayList<>(attributes.size());
    attributes.forEach((key, value) -> tags.add(Tag.of(key.getKey(), String.valueOf(value))));
    return Tags.of(tags);
  }

  private BackendSnapshot backend(String id) {
    return pool.get().snapshot().backend(id);
  }

  private double ewmaSeconds(String backendId, String deployment) {
    for (RouteSnapshot route : backend(backendId).routes()) {
      if (route.deployment().equals(deployment)) {
        return route.peakEwma() == null ? Double.NaN : route.peakEwma().toNanos() / 1e9;
      }
    }
    return Double.NaN;
  }

  private static LongAdder counter(Map<Tags, LongAdder> counters, Tags tags) {
    return counters.computeIfAbsent(tags, t -> new LongAdder());
  }

  private static Tags attemptTags(String backendId, int tier, AttemptOutcome outcome) {
    return tags(SpillwayMetrics.attemptAttributes(backendId, tier, outcome));
  }

  private static Tags coolDownTags(String backendId, String deployment, CoolDownReason reason) {
    return tags(SpillwayMetrics.coolDownAttributes(backendId, deployment, reason));
  }
}
