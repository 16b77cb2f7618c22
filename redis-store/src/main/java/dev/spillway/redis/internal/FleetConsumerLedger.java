package dev.spillway.redis.internal;

import dev.spillway.RejectionReason;
import dev.spillway.spi.PoolStateStore.Admission;
import dev.spillway.spi.PoolStateStore.ConsumerLedger;
import java.util.Arrays;
import java.util.List;

/**
 * A consumer's rate and quota counters, fleet-wide. The check never waits on Redis: it counts
 * against the fleet's totals as of the last refresh plus this instance's own admissions since, and
 * counts the call locally; the link adds this instance's counts to the fleet's in Redis and reads
 * the fleet's totals back at most every {@link #REFRESH_MILLIS} while the consumer is active. So a
 * limit holds across the fleet to within what the other instances admit between two refreshes (one
 * interval plus a round trip); while Redis is down each instance counts alone.
 *
 * <p>Redis keeps, per consumer, a hash of one-second buckets ({@code SECOND:t} and {@code
 * SECOND:r}, kept two minutes) and a hash of the current quota period's tokens. Thread-safe: one
 * lock per consumer, as in the in-memory ledger.
 */
final class FleetConsumerLedger implements ConsumerLedger {
  /** How often an active consumer's fleet totals are read back, at most. */
  static final long REFRESH_MILLIS = 200;

  /** A consumer with no call for this long stops refreshing (its buckets have all expired). */
  static final long IDLE_MILLIS = WINDOW_SECONDS * 1000L;

  private static final int N = WINDOW_SECONDS;

  /**
   * Adds this instance's counts and returns the fleet's: KEYS[1] window hash, KEYS[2] quota hash;
   * ARGV now-second, n, n × (second, tokens, requests), period ('' for none), quota tokens, quota
   * TTL millis. Returns {the latest quota period ('' for none), its tokens, field, value, field,
   * value…} for the window's buckets.
   */
  static final String ADD_AND_READ =
      "local now = tonumber(ARGV[1])\n"
          + "local n = tonumber(ARGV[2])\n"
          + "local i = 3\n"
          + "for k = 1, n do\n"
          + "  local s = ARGV[i]\n"
          + "  local dt = tonumber(ARGV[i + 1])\n"
          + "  local dr = tonumber(ARGV[i + 2])\n"
          + "  i = i + 3\n"
          + "  if tonumber(s) > now - 60 then\n"
          + "    if dt ~= 0 then redis.call('HINCRBY', KEYS[1], s .. ':t', dt) end\n"
          + "    if dr ~= 0 then redis.call('HINCRBY', KEYS[1], s .. ':r', dr) end\n"
          + "  end\n"
          + "end\n"
          + "local period = ARGV[i]\n"
          + "local dq = tonumber(ARGV[i + 1])\n"
          + "local ttl = tonumber(ARGV[i + 2])\n"
          + "if period ~= '' then\n"
          + "  if dq ~= 0 then redis.call('HINCRBY', KEYS[2], period, dq) end\n"
          + "  for _, f in ipairs(redis.call('HKEYS', KEYS[2])) do\n"
          + "    if tonumber(f) < tonumber(period) then redis.call('HDEL', KEYS[2], f) end\n"
          + "  end\n"
          + "  redis.call('PEXPIRE', KEYS[2], ttl)\n"
          + "end\n"
          + "local qp = ''\n"
          + "local qt = '0'\n"
          + "local qs = redis.call('HGETALL', KEYS[2])\n"
          + "for j = 1, #qs, 2 do\n"
          + "  if qp == '' or tonumber(qs[j]) > tonumber(qp) then qp = qs[j]; qt = qs[j + 1] end\n"
          + "end\n"
          + "local all = redis.call('HGETALL', KEYS[1])\n"
          + "local out = {qp, qt}\n"
          + "for j = 1, #all, 2 do\n"
          + "  local sec = tonumber(string.match(all[j], '^(%-?%d+):'))\n"
          + "  if sec and sec > now - 60 then\n"
          + "    table.insert(out, all[j])\n"
          + "    table.insert(out, all[j + 1])\n"
          + "  else\n"
          + "    redis.call('HDEL', KEYS[1], all[j])\n"
          + "  end\n"
          + "end\n"
          + "redis.call('EXPIRE', KEYS[1], 120)\n"
          + "return out";

  /** The quota hash outlives any period (a month and a day) while the consumer is active. */
  static final long QUOTA_TTL_MILLIS = 32L * 24 * 3600 * 1000;

  final String windowKey;
  final String quotaKey;

  /** The fleet's counts as of the last refresh (this instance's sent counts included). */
  private final Window fleet = new Window();

  /** This instance's counts not yet sent. */
  private final Window unsent = new Window();

  /** This instance's counts sent, not yet answered. */
  private final Window sending = new Window();

  private long fleetPeriod = Long.MIN_VALUE;
  private long fleetPeriodTokens;
  private long unsentPeriod = Long.MIN_VALUE;
  private long unsentPeriodTokens;
  private long sendingPeriodTokens;
  private long lastUsedMillis;
  private boolean active;

  /**
   * A ledger that starts refreshing at once: the pool makes one when it first meets the consumer
   * (declared consumers when it is built), so the fleet's counts are usually known by the first
   * check.
   */
  FleetConsumerLedger(String windowKey, String quotaKey, long nowEpochMillis) {
    this.windowKey = windowKey;
    this.quotaKey = quotaKey;
    this.lastUsedMillis = nowEpochMillis;
    this.active = true;
  }

  @Override
  public synchronized Admission tryAdmit(
      long nowEpochMillis,
      long cost,
      long tpmLimit,
      long rpmLimit,
      long quota,
      long periodStartEpochMillis) {
    long now = Math.floorDiv(nowEpochMillis, 1000);
    lastUsedMillis = nowEpochMillis;
    active = true;
    if (quota > 0) {
      if (unsentPeriod != periodStartEpochMillis) {
        unsentPeriod = periodStartEpochMillis; // a new period: the old one's counts are done
        unsentPeriodTokens = 0;
        sendingPeriodTokens = 0;
      }
      long used = quotaUsedLocked(periodStartEpochMillis);
      if (used + cost > quota) {
        return new Admission(RejectionReason.QUOTA_EXCEEDED, Long.MIN_VALUE, used, "token-quota");
      }
    }
    if (tpmLimit > 0) {
      long used = sum(now, true);
      if (used + cost > tpmLimit && !(used == 0 && cost > tpmLimit)) {
        long need = Math.min(used, used + cost - tpmLimit);
        return new Admission(
            RejectionReason.CONSUMER_LIMIT, freedAt(now, need, true), used, "tpm-limit");
      }
    }
    if (rpmLimit > 0) {
      long used = sum(now, false);
      if (used + 1 > rpmLimit) {
        return new Admission(
            RejectionReason.CONSUMER_LIMIT,
            freedAt(now, used + 1 - rpmLimit, false),
            used,
            "rpm-limit");
      }
    }
    unsent.add(now, cost, 1);
    if (quota > 0) {
      unsentPeriodTokens += cost;
    }
    return Admission.ADMITTED;
  }

  @Override
  public synchronized void reconcile(
      long admittedAtEpochMillis, long periodStartEpochMillis, long tokenDelta) {
    long s = Math.floorDiv(admittedAtEpochMillis, 1000);
    unsent.add(s, tokenDelta, 0);
    if (periodStartEpochMillis != Long.MIN_VALUE && periodStartEpochMillis == unsentPeriod) {
      unsentPeriodTokens += tokenDelta;
    }
  }

  @Override
  public synchronized long windowTokens(long nowEpochMillis) {
    return sum(Math.floorDiv(nowEpochMillis, 1000), true);
  }

  @Override
  public synchronized long windowRequests(long nowEpochMillis) {
    return sum(Math.floorDiv(nowEpochMillis, 1000), false);
  }

  @Override
  public synchronized long quotaUsed(long periodStartEpochMillis) {
    return quotaUsedLocked(periodStartEpochMillis);
  }

  private long quotaUsedLocked(long period) {
    long total = 0;
    if (fleetPeriod == period) {
      total += fleetPeriodTokens;
    }
    if (unsentPeriod == period) {
      total += unsentPeriodTokens + sendingPeriodTokens;
    }
    return Math.max(0, total);
  }

  /** Whether the link should send and refresh now: the consumer was used within the window. */
  synchronized boolean due(long nowEpochMillis) {
    if (active && nowEpochMillis - lastUsedMillis > IDLE_MILLIS) {
      active = false;
    }
    return active;
  }

  /** What to send: moves the unsent counts to sending. {@code null} when there is nothing. */
  synchronized Batch takeBatch(long nowEpochMillis) {
    long now = Math.floorDiv(nowEpochMillis, 1000);
    sending.addAll(unsent, now);
    unsent.clear();
    sendingPeriodTokens += unsentPeriodTokens;
    unsentPeriodTokens = 0;
    return new Batch(now, sending.entries(now), unsentPeriod, sendingPeriodTokens);
  }

  /** The fleet's answer: its totals, which include what was sent. */
  synchronized void answered(List<Object> out) {
    String p = String.valueOf(out.get(0));
    long period = p.isEmpty() ? Long.MIN_VALUE : Long.parseLong(p);
    long quotaTokens = Long.parseLong(String.valueOf(out.get(1)));
    List<Object> fields = out.subList(2, out.size());
    fleet.clear();
    for (int j = 0; j + 1 < fields.size(); j += 2) {
      String field = String.valueOf(fields.get(j));
      long value = Long.parseLong(String.valueOf(fields.get(j + 1)));
      int colon = field.indexOf(':');
      long second = Long.parseLong(field.substring(0, colon));
      boolean tokens = field.charAt(colon + 1) == 't';
      fleet.add(second, tokens ? value : 0, tokens ? 0 : value);
    }
    fleetPeriod = period;
    fleetPeriodTokens = quotaTokens;
    sending.clear();
    sendingPeriodTokens = 0;
  }

  /** The send failed: what was being sent is unsent again. */
  synchronized void failed(long nowEpochMillis) {
    unsent.addAll(sending, Math.floorDiv(nowEpochMillis, 1000));
    sending.clear();
    unsentPeriodTokens += sendingPeriodTokens;
    sendingPeriodTokens = 0;
  }

  private long sum(long now, boolean tokens) {
    long total = 0;
    for (long s = now - N + 1; s <= now; s++) {
      total += count(s, tokens);
    }
    return Math.max(0, total);
  }

  private long count(long s, boolean tokens) {
    return fleet.get(s, tokens) + sending.get(s, tokens) + unsent.get(s, tokens);
  }

  private long freedAt(long now, long need, boolean tokens) {
    long freed = 0;
    for (long s = now - N + 1; s <= now; s++) {
      freed += count(s, tokens);
      if (freed >= need) {
        return (s + N) * 1000;
      }
    }
    return (now + 1) * 1000;
  }

  /**
   * What one send carries.
   *
   * @param nowSecond the sender's second
   * @param buckets second, tokens, requests triples
   * @param period the quota period, or {@link Long#MIN_VALUE}
   * @param periodTokens the quota tokens to add
   */
  record Batch(long nowSecond, long[] buckets, long period, long periodTokens) {}

  /** A ring of one-second buckets. Not thread-safe: the ledger's lock guards it. */
  private static final class Window {
    private final long[] second = new long[N];
    private final long[] tokens = new long[N];
    private final long[] requests = new long[N];

    Window() {
      clear();
    }

    void clear() {
      Arrays.fill(second, Long.MIN_VALUE);
      Arrays.fill(tokens, 0);
      Arrays.fill(requests, 0);
    }

    long get(long s, boolean ofTokens) {
      int i = (int) Math.floorMod(s, (long) N);
      return second[i] != s ? 0 : ofTokens ? tokens[i] : requests[i];
    }

    void add(long s, long t, long r) {
      int i = (int) Math.floorMod(s, (long) N);
      if (second[i] != s) {
        if (second[i] != Long.MIN_VALUE && second[i] > s) {
          return; // older than what the slot holds: out of the window
        }
        second[i] = s;
        tokens[i] = 0;
        requests[i] = 0;
      }
      tokens[i] += t;
      requests[i] += r;
    }

    void addAll(Window other, long now) {
      for (int i = 0; i < N; i++) {
        long s = other.second[i];
        if (s != Long.MIN_VALUE && s > now - N) {
          add(s, other.tokens[i], other.requests[i]);
        }
      }
    }

    long[] entries(long now) {
      long[] out = new long[N * 3];
      int n = 0;
      for (int i = 0; i < N; i++) {
        long s = second[i];
        if (s != Long.MIN_VALUE && s > now - N && (tokens[i] != 0 || requests[i] != 0)) {
          out[n++] = s;
          out[n++] = tokens[i];
          out[n++] = requests[i];
        }
      }
      return Arrays.copyOf(out, n);
    }
  }
}
