package dev.spillway.spi;

import dev.spillway.RejectionReason;

/**
 * A {@link PoolStateStore.ConsumerLedger} in this JVM: a ring of one-second buckets and the current
 * quota period's count, under one lock (a consumer's calls are few next to a route's picks, and the
 * lock makes check-and-count exact).
 *
 * <p>Thread-safe.
 */
final class InMemoryConsumerLedger implements PoolStateStore.ConsumerLedger {
  private static final int N = WINDOW_SECONDS;

  /** The epoch second each bucket holds, or {@link Long#MIN_VALUE} for none. */
  private final long[] second = new long[N];

  private final long[] tokens = new long[N];
  private final long[] requests = new long[N];
  private long periodStart = Long.MIN_VALUE;
  private long periodTokens;

  InMemoryConsumerLedger() {
    java.util.Arrays.fill(second, Long.MIN_VALUE);
  }

  @Override
  public synchronized PoolStateStore.Admission tryAdmit(
      long nowEpochMillis,
      long cost,
      long tpmLimit,
      long rpmLimit,
      long quota,
      long periodStartEpochMillis) {
    long now = Math.floorDiv(nowEpochMillis, 1000);
    if (quota > 0) {
      long used = quotaUsedLocked(periodStartEpochMillis);
      if (used + cost > quota) {
        return new PoolStateStore.Admission(
            RejectionReason.QUOTA_EXCEEDED, Long.MIN_VALUE, used, "token-quota");
      }
    }
    if (tpmLimit > 0) {
      long used = sum(tokens, now);
      if (used + cost > tpmLimit && !(used == 0 && cost > tpmLimit)) {
        long need = Math.min(used, used + cost - tpmLimit);
        return new PoolStateStore.Admission(
            RejectionReason.CONSUMER_LIMIT, freedAt(tokens, now, need), used, "tpm-limit");
      }
    }
    if (rpmLimit > 0) {
      long used = sum(requests, now);
      if (used + 1 > rpmLimit) {
        return new PoolStateStore.Admission(
            RejectionReason.CONSUMER_LIMIT,
            freedAt(requests, now, used + 1 - rpmLimit),
            used,
            "rpm-limit");
      }
    }
    int i = bucket(now);
    tokens[i] += cost;
    requests[i] += 1;
    if (quota > 0) {
      periodTokens += cost;
    }
    return PoolStateStore.Admission.ADMITTED;
  }

  @Override
  public synchronized void reconcile(
      long admittedAtEpochMillis, long periodStartEpochMillis, long tokenDelta) {
    long s = Math.floorDiv(admittedAtEpochMillis, 1000);
    int i = (int) Math.floorMod(s, (long) N);
    if (second[i] == s) {
      tokens[i] = Math.max(0, tokens[i] + tokenDelta);
    }
    if (periodStart == periodStartEpochMillis) {
      periodTokens = Math.max(0, periodTokens + tokenDelta);
    }
  }

  @Override
  public synchronized long windowTokens(long nowEpochMillis) {
    return sum(tokens, Math.floorDiv(nowEpochMillis, 1000));
  }

  @Override
  public synchronized long windowRequests(long nowEpochMillis) {
    return sum(requests, Math.floorDiv(nowEpochMillis, 1000));
  }

  @Override
  public synchronized long quotaUsed(long periodStartEpochMillis) {
    return periodStart == periodStartEpochMillis ? periodTokens : 0;
  }

  private long quotaUsedLocked(long periodStartEpochMillis) {
    if (periodStart != periodStartEpochMillis) {
      periodStart = periodStartEpochMillis;
      periodTokens = 0;
    }
    return periodTokens;
  }

  /** The bucket of second {@code now}, emptied first if it held an older second. */
  private int bucket(long now) {
    int i = (int) Math.floorMod(now, (long) N);
    if (second[i] != now) {
      second[i] = now;
      tokens[i] = 0;
      requests[i] = 0;
    }
    return i;
  }

  /** The sum over the buckets of the window ending at second {@code now}. */
  private long sum(long[] counts, long now) {
    long total = 0;
    for (int i = 0; i < N; i++) {
      if (inWindow(second[i], now)) {
        total += counts[i];
      }
    }
    return total;
  }

  private static boolean inWindow(long s, long now) {
    return s != Long.MIN_VALUE && s > now - N && s <= now;
  }

  /**
   * When the oldest buckets will have left the window holding at least {@code need}: epoch millis.
   */
  private long freedAt(long[] counts, long now, long need) {
    long freed = 0;
    for (long s = now - N + 1; s <= now; s++) {
      int i = (int) Math.floorMod(s, (long) N);
      if (second[i] == s) {
        freed += counts[i];
        if (freed >= need) {
          return (s + N) * 1000;
        }
      }
    }
    return (now + 1) * 1000;
  }
}
