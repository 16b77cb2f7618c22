package dev.spillway;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * One consumer's limits and priority (docs/design.md "Consumers and priorities"). The policy with
 * id {@link #DEFAULT_ID} gives the limits of every consumer id the configuration does not declare;
 * each such id still has its own counters.
 *
 * <p>Limits of 0 mean "none". Immutable and thread-safe.
 *
 * @param id the consumer id calls carry
 * @param tpmLimit tokens per minute over a rolling 60-second window (estimated at admission as
 *     Azure counts, reconciled with actual usage), or 0
 * @param rpmLimit requests per minute over the same window, or 0
 * @param tokenQuota tokens per {@code tokenQuotaPeriod}, or 0
 * @param tokenQuotaPeriod the quota's period ({@code null}: {@link QuotaPeriod#MONTH})
 * @param priority the consumer's calls' priority unless a call carries its own ({@code null}:
 *     {@link Priority#INTERACTIVE})
 * @param spillAfter how long this consumer's calls wait for a cooling tier 0 to return rather than
 *     spill to a lower tier ({@code null}: the priority's {@link PriorityPolicy#spillAfter()})
 * @param models the models the consumer may use (empty: every model)
 */
public record ConsumerPolicy(
    String id,
    long tpmLimit,
    long rpmLimit,
    long tokenQuota,
    QuotaPeriod tokenQuotaPeriod,
    Priority priority,
    Duration spillAfter,
    Set<String> models) {

  /** The id of the policy that undeclared consumer ids get. */
  public static final String DEFAULT_ID = "default";

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException naming the consumer and field when a value is invalid
   */
  public ConsumerPolicy {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("consumer id must not be blank");
    }
    nonNegative(id, "tpm-limit", tpmLimit);
    nonNegative(id, "rpm-limit", rpmLimit);
    nonNegative(id, "token-quota", tokenQuota);
    if (tokenQuotaPeriod == null) {
      tokenQuotaPeriod = QuotaPeriod.MONTH;
    }
    if (spillAfter != null && spillAfter.isNegative()) {
      throw new IllegalArgumentException(
          "consumer '" + id + "': spill-after must be >= 0, was " + spillAfter);
    }
    models = models == null ? Set.of() : Set.copyOf(models);
  }

  private static void nonNegative(String id, String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(
          "consumer '" + id + "': " + field + " must be >= 0, was " + value);
    }
  }

  /**
   * A consumer with no limits, only an id (its calls are counted for chargeback).
   *
   * @param id the id
   * @return the policy
   */
  public static ConsumerPolicy of(String id) {
    return new ConsumerPolicy(id, 0, 0, 0, null, null, null, null);
  }

  /**
   * This policy with a tokens-per-minute limit.
   *
   * @param tpm tokens per rolling minute, or 0 for none
   * @return the copy
   */
  public ConsumerPolicy withTpmLimit(long tpm) {
    return new ConsumerPolicy(
        id, tpm, rpmLimit, tokenQuota, tokenQuotaPeriod, priority, spillAfter, models);
  }

  /**
   * This policy with a requests-per-minute limit.
   *
   * @param rpm requests per rolling minute, or 0 for none
   * @return the copy
   */
  public ConsumerPolicy withRpmLimit(long rpm) {
    return new ConsumerPolicy(
        id, tpmLimit, rpm, tokenQuota, tokenQuotaPeriod, priority, spillAfter, models);
  }

  /**
   * This policy with a token quota.
   *
   * @param tokens tokens per period, or 0 for none
   * @param period the period
   * @return the copy
   */
  public ConsumerPolicy withTokenQuota(long tokens, QuotaPeriod period) {
    return new ConsumerPolicy(
        id,
        tpmLimit,
        rpmLimit,
        tokens,
        Objects.requireNonNull(period, "'period' cannot be null."),
        priority,
        spillAfter,
        models);
  }

  /**
   * This policy with a priority.
   *
   * @param priority the priority of the consumer's calls
   * @return the copy
   */
  public ConsumerPolicy withPriority(Priority priority) {
    return new ConsumerPolicy(
        id, tpmLimit, rpmLimit, tokenQuota, tokenQuotaPeriod, priority, spillAfter, models);
  }

  /**
   * This policy with a spill-after wait.
   *
   * @param spillAfter how long to wait for tier 0, or {@code null} for the priority's
   * @return the copy
   */
  public ConsumerPolicy withSpillAfter(Duration spillAfter) {
    return new ConsumerPolicy(
        id, tpmLimit, rpmLimit, tokenQuota, tokenQuotaPeriod, priority, spillAfter, models);
  }

  /**
   * This policy with a model list.
   *
   * @param models the models the consumer may use (empty: every model)
   * @return the copy
   */
  public ConsumerPolicy withModels(Set<String> models) {
    return new ConsumerPolicy(
        id, tpmLimit, rpmLimit, tokenQuota, tokenQuotaPeriod, priority, spillAfter, models);
  }
}
