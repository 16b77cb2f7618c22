package dev.spillway.internal;

import dev.spillway.CallOutcome;
import dev.spillway.ConsumerPolicy;
import dev.spillway.ConsumerSnapshot;
import dev.spillway.RejectionReason;
import dev.spillway.spi.PoolStateStore.ConsumerLedger;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One consumer: its policy, its rate and quota ledger (in the pool's state store), and its
 * chargeback counters (in this process).
 *
 * <p>Thread-safe.
 */
final class ConsumerAccount {
  final String id;
  final ConsumerPolicy policy;
  final boolean declared;
  final ConsumerLedger ledger;
  private final Counters total = new Counters();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private final LongAdder limitRejections = new LongAdder();
  private final LongAdder quotaRejections = new LongAdder();
  private final LongAdder queueRejections = new LongAdder();
  private final LongAdder modelRejections = new LongAdder();
  private final Map<String, Counters> byModel = new ConcurrentHashMap<>();

  ConsumerAccount(String id, ConsumerPolicy policy, boolean declared, ConsumerLedger ledger) {
    this.id = id;
    this.policy = policy;
    this.declared = declared;
    this.ledger = ledger;
  }

  /** Whether any limit applies: only then is the ledger asked at admission. */
  boolean limited() {
    return policy.tpmLimit() > 0 || policy.rpmLimit() > 0 || policy.tokenQuota() > 0;
  }

  /** Counts a settled call; {@code tier} is the answering route's, or -1. */
  void settled(CallOutcome outcome, int tier) {
    long in = outcome.usage().inputTokens();
    long out = outcome.usage().outputTokens();
    String model = outcome.model() == null ? "(stateful)" : outcome.model();
    Counters m = byModel.computeIfAbsent(model, k -> new Counters());
    total.add(in, out, tier);
    m.add(in, out, tier);
    if (outcome.succeeded()) {
      succeeded.increment();
    }
    throttled.add(outcome.throttledAttempts());
    RejectionReason r = outcome.rejection();
    if (r == RejectionReason.CONSUMER_LIMIT) {
      limitRejections.increment();
    } else if (r == RejectionReason.QUOTA_EXCEEDED) {
      quotaRejections.increment();
    } else if (r == RejectionReason.QUEUE_FULL || r == RejectionReason.DEADLINE) {
      queueRejections.increment();
    } else if (r == RejectionReason.MODEL_NOT_ALLOWED) {
      modelRejections.increment();
    }
  }

  ConsumerSnapshot snapshot(Instant now) {
    long millis = now.toEpochMilli();
    long quotaUsed = 0;
    Instant resetsAt = null;
    if (policy.tokenQuota() > 0) {
      quotaUsed = ledger.quotaUsed(policy.tokenQuotaPeriod().start(now).toEpochMilli());
      resetsAt = policy.tokenQuotaPeriod().next(now);
    }
    Map<String, ConsumerSnapshot.ModelUsage> models = new TreeMap<>();
    byModel.forEach((k, v) -> models.put(k, v.usage()));
    return new ConsumerSnapshot(
        id,
        declared,
        total.calls.sum(),
        succeeded.sum(),
        total.input.sum(),
        total.output.sum(),
        total.tier0.sum(),
        total.overflow.sum(),
        throttled.sum(),
        limitRejections.sum(),
        quotaRejections.sum(),
        queueRejections.sum(),
        modelRejections.sum(),
        ledger.windowTokens(millis),
        ledger.windowRequests(millis),
        quotaUsed,
        resetsAt,
        models);
  }

  /** Calls and tokens, overall or of one model. */
  private static final class Counters {
    final LongAdder calls = new LongAdder();
    final LongAdder input = new LongAdder();
    final LongAdder output = new LongAdder();
    final LongAdder tier0 = new LongAdder();
    final LongAdder overflow = new LongAdder();

    void add(long in, long out, int tier) {
      calls.increment();
      input.add(in);
      output.add(out);
      if (tier == 0) {
        tier0.add(in + out);
      } else if (tier > 0) {
        overflow.add(in + out);
      }
    }

    ConsumerSnapshot.ModelUsage usage() {
      return new ConsumerSnapshot.ModelUsage(
          calls.sum(), input.sum(), output.sum(), tier0.sum(), overflow.sum());
    }
  }
}
