package dev.spillway.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.spillway.ConsumerPolicy;
import dev.spillway.ConsumerSettings;
import dev.spillway.ConsumerSnapshot;
import dev.spillway.QuotaPeriod;
import dev.spillway.spi.PoolStateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pool's consumers: the declared ones, and the undeclared ids met so far, each with its own
 * account and the {@code default} policy's limits (docs/design.md "Consumers and priorities").
 *
 * <p>Undeclared ids are bounded: at most {@link #MAX_UNDECLARED} are kept, and one is forgotten
 * after {@link #UNDECLARED_IDLE} without a call, or after its quota period when the {@code default}
 * policy has a quota and that is longer. Forgetting an id drops its in-process counters; a state
 * store that keeps consumer ledgers itself (Redis) keeps its limits' counts.
 *
 * <p>Thread-safe.
 */
final class Consumers {
  /**
   * Undeclared consumer ids kept at most: ids come from callers, so memory must not follow them.
   */
  static final int MAX_UNDECLARED = 10_000;

  /** An undeclared id idle this long is forgotten (its rolling minute is long over). */
  static final Duration UNDECLARED_IDLE = Duration.ofHours(1);

  private final ConsumerSettings settings;
  private final PoolStateStore store;
  private final Clock clock;
  private final Map<String, ConsumerAccount> declared = new LinkedHashMap<>();
  private final ConsumerPolicy defaults;
  private final Cache<String, ConsumerAccount> undeclared;

  Consumers(
      ConsumerSettings settings, PoolStateStore store, Clock clock, dev.spillway.Ticker ticker) {
    this.settings = settings;
    this.store = store;
    this.clock = clock;
    for (ConsumerPolicy p : settings.consumers()) {
      declared.put(p.id(), new ConsumerAccount(p.id(), p, true, store.consumerLedger(p.id())));
    }
    ConsumerPolicy d = settings.byId().get(ConsumerPolicy.DEFAULT_ID);
    this.defaults = d;
    Duration idle = UNDECLARED_IDLE;
    if (d != null && d.tokenQuota() > 0) {
      Duration period = periodLength(d.tokenQuotaPeriod());
      idle = period.compareTo(idle) > 0 ? period : idle;
    }
    Ticker caffeineTicker = ticker::read;
    this.undeclared =
        Caffeine.newBuilder()
            .maximumSize(MAX_UNDECLARED)
            .expireAfterAccess(idle)
            .ticker(caffeineTicker)
            .build();
  }

  private static Duration periodLength(QuotaPeriod period) {
    return switch (period) {
      case HOUR -> Duration.ofHours(1);
      case DAY -> Duration.ofDays(1);
      case WEEK -> Duration.ofDays(7);
      case MONTH -> Duration.ofDays(31);
    };
  }

  ConsumerSettings settings() {
    return settings;
  }

  /** The account of {@code id}, or {@code null} for a call that names no consumer. */
  ConsumerAccount account(String id) {
    if (id == null) {
      return null;
    }
    ConsumerAccount a = declared.get(id);
    if (a != null) {
      return a;
    }
    return undeclared.get(
        id, k -> new ConsumerAccount(k, undeclaredPolicy(k), false, store.consumerLedger(k)));
  }

  private ConsumerPolicy undeclaredPolicy(String id) {
    if (defaults == null) {
      return ConsumerPolicy.of(id);
    }
    return new ConsumerPolicy(
        id,
        defaults.tpmLimit(),
        defaults.rpmLimit(),
        defaults.tokenQuota(),
        defaults.tokenQuotaPeriod(),
        defaults.priority(),
        defaults.spillAfter(),
        defaults.models());
  }

  /** Declared consumers in configuration order, then undeclared ones by id. */
  List<ConsumerSnapshot> snapshot() {
    Instant now = clock.instant();
    List<ConsumerSnapshot> out = new ArrayList<>();
    for (ConsumerAccount a : declared.values()) {
      out.add(a.snapshot(now));
    }
    undeclared.asMap().values().stream()
        .sorted(Comparator.comparing(a -> a.id))
        .forEach(a -> out.add(a.snapshot(now)));
    return out;
  }

  /** Whether {@code id} is declared: only declared ids become metric attributes. */
  boolean isDeclared(String id) {
    return id != null && declared.containsKey(id);
  }
}
