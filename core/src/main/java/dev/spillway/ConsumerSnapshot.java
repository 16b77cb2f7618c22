package dev.spillway;

import java.time.Instant;
import java.util.Map;

/**
 * One consumer's chargeback counters since the pool started, and its limits' state now. Tokens are
 * what the calls used (actual where the service reported usage, else estimated); "tier 0" is
 * provisioned (PTU) capacity, "overflow" every lower tier (PAYG).
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the consumer id
 * @param declared whether configuration declares it (else it has the {@code default} limits)
 * @param calls calls that ended, rejected ones included
 * @param succeeded calls that got a successful answer
 * @param inputTokens input tokens of settled calls
 * @param outputTokens output tokens of settled calls
 * @param tier0Tokens tokens (input + output) served by tier 0
 * @param overflowTokens tokens served by tier 1 and lower
 * @param throttledAttempts backend 429s the consumer's calls met
 * @param limitRejections calls refused for the consumer's rate limits
 * @param quotaRejections calls refused for the consumer's token quota
 * @param queueRejections calls refused because the priority's queue was full or the call's deadline
 *     passed while it waited
 * @param modelRejections calls refused because the consumer may not use the model
 * @param windowTokens tokens counted in the rolling minute now
 * @param windowRequests requests counted in the rolling minute now
 * @param quotaUsed tokens used (or held by calls in flight) in the current quota period; 0 without
 *     a quota
 * @param quotaResetsAt when the current quota period ends, or {@code null} without a quota
 * @param byModel per logical model: its calls and tokens
 */
public record ConsumerSnapshot(
    String id,
    boolean declared,
    long calls,
    long succeeded,
    long inputTokens,
    long outputTokens,
    long tier0Tokens,
    long overflowTokens,
    long throttledAttempts,
    long limitRejections,
    long quotaRejections,
    long queueRejections,
    long modelRejections,
    long windowTokens,
    long windowRequests,
    long quotaUsed,
    Instant quotaResetsAt,
    Map<String, ModelUsage> byModel) {

  /** Copies the map. */
  public ConsumerSnapshot {
    byModel = Map.copyOf(byModel);
  }

  /**
   * One consumer's use of one model.
   *
   * @param calls calls that ended
   * @param inputTokens input tokens
   * @param outputTokens output tokens
   * @param tier0Tokens tokens served by tier 0
   * @param overflowTokens tokens served by lower tiers
   */
  public record ModelUsage(
      long calls, long inputTokens, long outputTokens, long tier0Tokens, long overflowTokens) {}
}
