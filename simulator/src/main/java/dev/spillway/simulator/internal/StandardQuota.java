package dev.spillway.simulator.internal;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A standard (pay-as-you-go) deployment's quota: a per-minute token counter charged prompt + {@code
 * max_tokens} at admission, and a request rate of {@code TPM × 6 / 1000} per minute enforced over 1
 * s and 10 s windows (at least one request per window). Windows are fixed and aligned to simulated
 * time zero; refused requests are not counted. With a sliding window the token and per-minute
 * request counts cover the last 60 simulated seconds instead of the current fixed minute (the 1 s
 * and 10 s request windows stay fixed). Thread-safe (synchronized; one short critical section per
 * request).
 */
final class StandardQuota implements Quota {
  static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
  static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);

  private final long configuredTpm;
  private final boolean sliding;

  /** Sliding window only: the admissions of the last minute, oldest first, as {time, cost}. */
  private final ArrayDeque<long[]> lastMinute = new ArrayDeque<>();

  private double factor = 1.0;
  private long minute = Long.MIN_VALUE;
  private long second = Long.MIN_VALUE;
  private long tenSeconds = Long.MIN_VALUE;
  private long tokensInMinute;
  private long requestsInMinute;
  private long requestsInSecond;
  private long requestsInTenSeconds;

  /**
   * Creates the quota.
   *
   * @param tpm the configured tokens-per-minute limit
   * @param sliding whether tokens and per-minute requests are counted over the last 60 s instead of
   *     fixed minutes
   */
  public StandardQuota(long tpm, boolean sliding) {
    this.configuredTpm = tpm;
    this.sliding = sliding;
  }

  @Override
  public synchronized Admission admit(long now, long cost) {
    roll(now);
    long limitTokens = limitTokens();
    long rpm = Math.max(1, limitTokens * 6 / 1000);
    long perSecond = Math.max(1, ceilDiv(rpm, 60));
    long perTenSeconds = Math.max(1, ceilDiv(rpm, 6));
    boolean reduced = factor < 1.0;

    long blockedUntil = Long.MIN_VALUE;
    if (requestsInSecond >= perSecond) {
      blockedUntil = (second + 1) * SECOND;
    }
    if (requestsInTenSeconds >= perTenSeconds) {
      blockedUntil = Math.max(blockedUntil, (tenSeconds + 1) * TEN_SECONDS);
    }
    if (blockedUntil != Long.MIN_VALUE) {
      return new Admission(
          Admission.Limit.CALLS,
          blockedUntil - now,
          limitTokens,
          rpm,
          limitTokens - tokensInMinute,
          Math.max(0, rpm - requestsInMinute),
          0,
          reduced);
    }
    if (tokensInMinute + cost > limitTokens) {
      return new Admission(
          Admission.Limit.TOKENS,
          tokensRetryAfter(now, cost, limitTokens),
          limitTokens,
          rpm,
          Math.max(0, limitTokens - tokensInMinute),
          Math.max(0, rpm - requestsInMinute),
          0,
          reduced);
    }
    tokensInMinute += cost;
    requestsInMinute++;
    if (sliding) {
      lastMinute.addLast(new long[] {now, cost});
    }
    requestsInSecond++;
    requestsInTenSeconds++;
    return new Admission(
        Admission.Limit.NONE,
        0,
        limitTokens,
        rpm,
        limitTokens - tokensInMinute,
        Math.max(0, rpm - requestsInMinute),
        0,
        reduced);
  }

  @Override
  public void settle(long now, long correction) {
    // Azure charges a standard deployment the admission estimate; nothing to correct.
  }

  @Override
  public synchronized void limitFactor(long now, double factor) {
    this.factor = factor;
  }

  @Override
  public synchronized double tokensPerMinute() {
    return limitTokens();
  }

  private long limitTokens() {
    return Math.max(1, (long) Math.floor(configuredTpm * factor));
  }

  /** How long until {@code cost} more tokens fit: the next minute, or (sliding) enough expiries. */
  private long tokensRetryAfter(long now, long cost, long limitTokens) {
    if (!sliding) {
      return (minute + 1) * MINUTE - now;
    }
    long counted = tokensInMinute;
    for (long[] admission : lastMinute) {
      counted -= admission[1];
      if (counted + cost <= limitTokens) {
        return admission[0] + MINUTE - now;
      }
    }
    // More than the whole limit: it never fits; answer a minute, as a fixed window would.
    return MINUTE;
  }

  private void roll(long now) {
    if (sliding) {
      while (!lastMinute.isEmpty() && lastMinute.peekFirst()[0] <= now - MINUTE) {
        long[] expired = lastMinute.removeFirst();
        tokensInMinute -= expired[1];
        requestsInMinute--;
      }
    }
    long m = Math.floorDiv(now, MINUTE);
    if (!sliding && m != minute) {
      minute = m;
      tokensInMinute = 0;
      requestsInMinute = 0;
    }
    long s = Math.floorDiv(now, SECOND);
    if (s != second) {
      second = s;
      requestsInSecond = 0;
    }
    long t = Math.floorDiv(now, TEN_SECONDS);
    if (t != tenSeconds) {
      tenSeconds = t;
      requestsInTenSeconds = 0;
    }
  }

  private static long ceilDiv(long x, long y) {
    return -Math.floorDiv(-x, y);
  }
}
