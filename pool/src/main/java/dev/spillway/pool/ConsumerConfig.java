package dev.spillway.pool;

import dev.spillway.ConsumerPolicy;
import dev.spillway.Priority;
import dev.spillway.QuotaPeriod;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One consumer in the configuration schema: {@code spillway.consumers[]}.
 *
 * <pre>{@code
 * spillway:
 *   consumers:
 *     - { id: chat-frontend, tpm-limit: 100000, rpm-limit: 600, priority: interactive }
 *     - { id: nightly-batch, token-quota: 5000000, token-quota-period: day, priority: batch }
 *     - { id: default, tpm-limit: 20000 }      # the limits of every undeclared id
 * }</pre>
 *
 * <p>YAML keys are the kebab-case component names; {@code null} means the default, and a limit of 0
 * or {@code null} means none. Validated on construction, each error naming the consumer and the
 * field; immutable and thread-safe.
 *
 * @param id the consumer id calls carry; {@value ConsumerPolicy#DEFAULT_ID} gives the limits of
 *     undeclared ids
 * @param tpmLimit tokens per rolling minute ({@code null}: none)
 * @param rpmLimit requests per rolling minute ({@code null}: none)
 * @param tokenQuota tokens per {@code tokenQuotaPeriod} ({@code null}: none)
 * @param tokenQuotaPeriod {@code hour}, {@code day}, {@code week} or {@code month} ({@code null}:
 *     month)
 * @param priority {@code interactive} or {@code batch} ({@code null}: interactive)
 * @param spillAfter how long the consumer's calls wait for a cooling tier 0 rather than spill
 *     ({@code null}: the priority's)
 * @param models the models the consumer may use ({@code null} or empty: every model)
 */
public record ConsumerConfig(
    String id,
    Long tpmLimit,
    Long rpmLimit,
    Long tokenQuota,
    String tokenQuotaPeriod,
    String priority,
    Duration spillAfter,
    List<String> models) {

  /**
   * Validates the values and copies the models.
   *
   * @throws InvalidPropertyException naming the field ({@code tpm-limit}, {@code models[1]}…) and
   *     the consumer when a value is invalid
   */
  public ConsumerConfig {
    if (id == null || id.isBlank()) {
      throw new InvalidPropertyException("id", "consumer id cannot be null or blank.");
    }
    nonNegative(id, "tpm-limit", tpmLimit);
    nonNegative(id, "rpm-limit", rpmLimit);
    nonNegative(id, "token-quota", tokenQuota);
    if (tokenQuotaPeriod != null) {
      try {
        QuotaPeriod.of(tokenQuotaPeriod);
      } catch (IllegalArgumentException e) {
        throw new InvalidPropertyException(
            "token-quota-period", "consumer '" + id + "': " + e.getMessage());
      }
    }
    if (priority != null) {
      try {
        Priority.of(priority);
      } catch (IllegalArgumentException e) {
        throw new InvalidPropertyException("priority", "consumer '" + id + "': " + e.getMessage());
      }
    }
    if (spillAfter != null && spillAfter.isNegative()) {
      throw new InvalidPropertyException(
          "spill-after", "consumer '" + id + "': spill-after must be >= 0, was " + spillAfter);
    }
    models = models == null ? List.of() : List.copyOf(models);
    for (int i = 0; i < models.size(); i++) {
      if (models.get(i).isBlank()) {
        throw new InvalidPropertyException(
            "models[" + i + "]", "consumer '" + id + "': a model name cannot be blank.");
      }
    }
  }

  private static void nonNegative(String id, String property, Long value) {
    if (value != null && value < 0) {
      throw new InvalidPropertyException(
          property, "consumer '" + id + "': " + property + " must be >= 0, was " + value);
    }
  }

  /**
   * The core policy this entry describes.
   *
   * @return the policy
   */
  public ConsumerPolicy toPolicy() {
    return new ConsumerPolicy(
        id.trim(),
        tpmLimit == null ? 0 : tpmLimit,
        rpmLimit == null ? 0 : rpmLimit,
        tokenQuota == null ? 0 : tokenQuota,
        tokenQuotaPeriod == null ? null : QuotaPeriod.of(tokenQuotaPeriod),
        priority == null ? null : Priority.of(priority),
        spillAfter,
        Set.copyOf(models.stream().map(String::trim).toList()));
  }
}
