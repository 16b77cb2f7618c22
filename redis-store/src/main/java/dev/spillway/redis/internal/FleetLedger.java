package dev.spillway.redis.internal;

import dev.spillway.spi.PoolStateStore.Ledger;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A route's calls in flight across the fleet: this instance's own, counted exactly, plus what the
 * other instances last announced. The pick reads two sums (three volatile reads); the link
 * announces this instance's counts when they change (at most every {@link #ANNOUNCE_MILLIS}) and at
 * least every {@link #HEARTBEAT_MILLIS}, and forgets another instance's counts {@link
 * #EXPIRE_MILLIS} after its last announcement, so a dead instance's calls stop counting. Counts are
 * announced, not stored: they mean something only while their instance lives. Thread-safe.
 */
final class FleetLedger implements Ledger {
  static final long ANNOUNCE_MILLIS = 50;
  static final long HEARTBEAT_MILLIS = 1000;
  static final long EXPIRE_MILLIS = 3000;

  final String field;
  private final AtomicLong ownTokens = new AtomicLong();
  private final AtomicLong ownRequests = new AtomicLong();
  private final Map<String, Remote> others = new ConcurrentHashMap<>();
  private volatile long othersTokens;
  private volatile long othersRequests;
  private long announcedTokens = Long.MIN_VALUE;
  private long announcedRequests = Long.MIN_VALUE;
  private long announcedAt = Long.MIN_VALUE;

  FleetLedger(String field) {
    this.field = field;
  }

  @Override
  public long tokens() {
    return ownTokens.get() + othersTokens;
  }

  @Override
  public long requests() {
    return ownRequests.get() + othersRequests;
  }

  @Override
  public void add(long tokens, long requests) {
    ownTokens.addAndGet(tokens);
    ownRequests.addAndGet(requests);
  }

  /**
   * This instance's counts if they are due to be announced, else {@code null}. Called by the link's
   * thread only.
   */
  long[] toAnnounce(long nowMillis) {
    long t = ownTokens.get();
    long r = ownRequests.get();
    boolean changed = t != announcedTokens || r != announcedRequests;
    if (!changed && nowMillis - announcedAt < HEARTBEAT_MILLIS) {
      return null;
    }
    announcedTokens = t;
    announcedRequests = r;
    announcedAt = nowMillis;
    return new long[] {t, r};
  }

  /** Another instance's announcement. */
  void announced(String instance, long tokens, long requests, long nowMillis) {
    if (tokens == 0 && requests == 0) {
      others.remove(instance);
    } else {
      others.put(instance, new Remote(tokens, requests, nowMillis + EXPIRE_MILLIS));
    }
    recount(nowMillis);
  }

  /** Forgets instances that stopped announcing. Called by the link's thread. */
  void expire(long nowMillis) {
    if (!others.isEmpty()) {
      recount(nowMillis);
    }
  }

  private synchronized void recount(long nowMillis) {
    long t = 0;
    long r = 0;
    for (Iterator<Remote> it = others.values().iterator(); it.hasNext(); ) {
      Remote o = it.next();
      if (o.expiresAtMillis <= nowMillis) {
        it.remove();
      } else {
        t += o.tokens;
        r += o.requests;
      }
    }
    othersTokens = t;
    othersRequests = r;
  }

  private record Remote(long tokens, long requests, long expiresAtMillis) {}
}
