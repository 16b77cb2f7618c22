package dev.spillway.spring.actuate;

import dev.spillway.ConsumerPolicy;
import dev.spillway.ConsumerSettings;
import dev.spillway.ConsumerSnapshot;
import dev.spillway.PoolSnapshot;
import dev.spillway.Priority;
import dev.spillway.pool.SpillwayPool;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code spillwayconsumers} actuator endpoint: each consumer's chargeback counters and limits,
 * from {@code pool.snapshot().consumers()} (docs/design.md "Consumers and priorities"). Read-only.
 *
 * <ul>
 *   <li>{@code GET /actuator/spillwayconsumers}: every consumer the pool has met, declared ones
 *       first in configuration order, then the undeclared ids it still keeps;
 *   <li>{@code GET /actuator/spillwayconsumers/{consumer}}: one consumer, 404 when the pool has
 *       none of that id.
 * </ul>
 *
 * <p>Exposed over HTTP only when listed in {@code management.endpoints.web.exposure.include}, and
 * secured by the application's actuator security. It shows no credential, but consumer ids may be
 * personal data (a principal's name, with the {@code spring-security} consumer resolver): expose it
 * only to operators. Thread-safe.
 */
@Endpoint(id = "spillwayconsumers")
public final class SpillwayConsumersEndpoint {
  private final SpillwayPool pool;

  /**
   * Reports on {@code pool}'s consumers.
   *
   * @param pool the pool
   */
  public SpillwayConsumersEndpoint(SpillwayPool pool) {
    this.pool = Objects.requireNonNull(pool, "'pool' cannot be null.");
  }

  /**
   * Every consumer's counters now.
   *
   * @return the consumers
   */
  @ReadOperation
  public ConsumersDescriptor consumers() {
    PoolSnapshot snapshot = pool.snapshot();
    ConsumerSettings settings = pool.backendPool().consumers();
    return new ConsumersDescriptor(
        snapshot.takenAt().toString(),
        snapshot.consumers().stream().map(c -> ConsumerDescriptor.of(c, settings)).toList());
  }

  /**
   * One consumer's counters now.
   *
   * @param consumerId the consumer id
   * @return its counters, or {@code null} (404) when the pool has met no such consumer
   */
  @ReadOperation
  public ConsumerDescriptor consumer(@Selector String consumerId) {
    ConsumerSettings settings = pool.backendPool().consumers();
    return pool.snapshot().consumers().stream()
        .filter(c -> c.id().equals(consumerId))
        .findFirst()
        .map(c -> ConsumerDescriptor.of(c, settings))
        .orElse(null);
  }

  /**
   * The pool's consumers.
   *
   * @param takenAt when the snapshot was taken (ISO-8601)
   * @param consumers declared consumers first, in configuration order, then undeclared ids by id
   */
  public record ConsumersDescriptor(String takenAt, List<ConsumerDescriptor> consumers) {}

  /**
   * One consumer's limits and counters since the pool started. Tokens are what the calls used
   * (actual where the service reported usage, else estimated).
   *
   * @param id the consumer id
   * @param declared whether configuration declares it (else it has the {@code default} limits)
   * @param limits the limits and priority it is held to
   * @param calls calls that ended, rejected ones included
   * @param succeeded calls that got a successful answer
   * @param inputTokens input tokens of settled calls
   * @param outputTokens output tokens of settled calls
   * @param tokensByTier tokens (input + output) by the tier that served them: tier 0 (PTU) or
   *     overflow (PAYG)
   * @param throttledAttempts backend 429s the consumer's calls met
   * @param rejections calls the pool refused before any backend, by reason
   * @param window the rolling minute the rate limits count in, now
   * @param quota the token quota's current period, or {@code null} without a quota
   * @param byModel per logical model: its calls and tokens
   */
  public record ConsumerDescriptor(
      String id,
      boolean declared,
      Limits limits,
      long calls,
      long succeeded,
      long inputTokens,
      long outputTokens,
      TokensByTier tokensByTier,
      long throttledAttempts,
      Rejections rejections,
      Window window,
      Quota quota,
      Map<String, ModelDescriptor> byModel) {

    static ConsumerDescriptor of(ConsumerSnapshot c, ConsumerSettings settings) {
      Map<String, ModelDescriptor> byModel = new TreeMap<>();
      c.byModel()
          .forEach(
              (model, u) ->
                  byModel.put(
                      model,
                      new ModelDescriptor(
                          u.calls(),
                          u.inputTokens(),
                          u.outputTokens(),
                          new TokensByTier(u.tier0Tokens(), u.overflowTokens()))));
      Limits limits = Limits.of(policy(c, settings));
      return new ConsumerDescriptor(
          c.id(),
          c.declared(),
          limits,
          c.calls(),
          c.succeeded(),
          c.inputTokens(),
          c.outputTokens(),
          new TokensByTier(c.tier0Tokens(), c.overflowTokens()),
          c.throttledAttempts(),
          new Rejections(
              c.limitRejections(), c.quotaRejections(), c.queueRejections(), c.modelRejections()),
          new Window(c.windowTokens(), c.windowRequests()),
          limits.tokenQuota() == 0
              ? null
              : new Quota(
                  c.quotaUsed(), c.quotaResetsAt() == null ? null : c.quotaResetsAt().toString()),
          byModel);
    }

    /** Its own policy if declared, else {@code default}'s, else none. */
    private static ConsumerPolicy policy(ConsumerSnapshot c, ConsumerSettings settings) {
      Map<String, ConsumerPolicy> byId = settings.byId();
      ConsumerPolicy own = byId.get(c.id());
      if (own != null) {
        return own;
      }
      ConsumerPolicy defaults = byId.get(ConsumerPolicy.DEFAULT_ID);
      return defaults != null ? defaults : ConsumerPolicy.of(c.id());
    }
  }

  /**
   * A consumer's limits (0: none) and priority.
   *
   * @param priority its calls' priority unless a call carries its own
   * @param tpmLimit tokens per rolling minute, or 0
   * @param rpmLimit requests per rolling minute, or 0
   * @param tokenQuota tokens per {@code tokenQuotaPeriod}, or 0
   * @param tokenQuotaPeriod {@code hour}, {@code day}, {@code week} or {@code month}
   * @param models the models it may use, sorted; empty: every model
   */
  public record Limits(
      String priority,
      long tpmLimit,
      long rpmLimit,
      long tokenQuota,
      String tokenQuotaPeriod,
      List<String> models) {

    static Limits of(ConsumerPolicy p) {
      Priority priority = p.priority() == null ? Priority.INTERACTIVE : p.priority();
      return new Limits(
          name(priority),
          p.tpmLimit(),
          p.rpmLimit(),
          p.tokenQuota(),
          name(p.tokenQuotaPeriod()),
          List.copyOf(new TreeSet<>(p.models())));
    }

    private static String name(Enum<?> value) {
      return value.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Tokens (input + output) by the tier that served them.
   *
   * @param tier0 served by tier 0: provisioned (PTU) capacity
   * @param overflow served by tier 1 and lower: the overflow (PAYG)
   */
  public record TokensByTier(long tier0, long overflow) {}

  /**
   * Calls refused before any backend, by reason (never counted as backend throttles).
   *
   * @param consumerLimit over the consumer's tokens- or requests-per-minute limit ({@code consumer
   *     limit}, 429)
   * @param quotaExceeded over its token quota for the period ({@code quota exceeded}, 403)
   * @param queue its priority's queue was full, or the call's deadline passed while it waited
   *     ({@code queue full}, {@code deadline}, 429)
   * @param modelNotAllowed the consumer may not use the model ({@code model not allowed}, 403)
   */
  public record Rejections(
      long consumerLimit, long quotaExceeded, long queue, long modelNotAllowed) {}

  /**
   * The rolling minute the rate limits count in.
   *
   * @param tokens tokens counted in it now
   * @param requests requests counted in it now
   */
  public record Window(long tokens, long requests) {}

  /**
   * The token quota's current period.
   *
   * @param used tokens used (or held by calls in flight) in the period
   * @param resetsAt when the period ends (ISO-8601)
   */
  public record Quota(long used, String resetsAt) {}

  /**
   * A consumer's use of one model.
   *
   * @param calls calls that ended
   * @param inputTokens input tokens
   * @param outputTokens output tokens
   * @param tokensByTier tokens by the tier that served them
   */
  public record ModelDescriptor(
      long calls, long inputTokens, long outputTokens, TokensByTier tokensByTier) {}
}
