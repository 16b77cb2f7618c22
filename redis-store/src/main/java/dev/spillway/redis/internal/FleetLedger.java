package dev.spillway.redis.internal;

import dev.spillway.spi.PoolStateStore.Ledger;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A route's calls across the fleet: this instance's own, counted exactly, plus what the other
 * instances last announced, for the calls in flight and for every call ever sent. The pick reads
 * two sums (three volatile reads each); the link announces this instance's counts when they change
 * (at most every {@link #ANNOUNCE_MILLIS}) and at least every {@link #HEARTBEAT_MILLIS}.
 *
 * <p>Another instance's calls in flight stop counting {@link #EXPIRE_MILLIS} after its last
 * announcement, so a dead instance's calls do not hold the route. Its sent count stays in the sum
 * (every instance must add up the same instances for quota reports' marks to compare), and is
 * folded into a retired total once it has been silent for {@link #FORGET_MILLIS}, so that the map
 * does not grow with every instance that ever ran. The fleet's sent count is known ({@link
 * #sentTokens} not -1) only once the link has been up for a heartbeat and a margin: by then every
 * live instance has announced.
 *
 * <p>What the others sent since their last announcement is not known yet ({@link #unheardTokens},
 * counted in flight too). It is estimated from this instance's own sends since its last
 * announcement, as if every live instance had sent as many: when a route becomes available to the
 * whole fleet at once (a shared cool-down ends), every instance then takes its share of the
 * headroom rather than all of it, and an instance alone on the route waits for at most one
 * announcement period with the rest. Thread-safe.
 */
final class FleetLedger implements Ledger {
  static final long ANNOUNCE_MILLIS = 50;
  static final long HEARTBEAT_MILLIS = 1000;
  static final long EXPIRE_MILLIS = 3000;

  /** How long the link must have been up before the fleet's sent count is complete. */
  static final long COMPLETE_AFTER_MILLIS = HEARTBEAT_MILLIS + 4 * ANNOUNCE_MILLIS;

  /** A silent instance's sent count moves to the retired total after this long. */
  static final long FORGET_MILLIS = 10 * 60 * 1000;

  final String field;
  private final AtomicLong ownTokens = new AtomicLong();
  private final AtomicLong ownRequests = new AtomicLong();
  private final AtomicLong ownSentTokens = new AtomicLong();
  private final AtomicLong ownSentRequests = new AtomicLong();
  private final Map<String, Remote> others = new ConcurrentHashMap<>();
  private volatile long othersTokens;
  private volatile long othersRequests;
  private volatile long othersSentTokens;
  private volatile long othersSentRequests;

  /** Other instances heard from within {@link #EXPIRE_MILLIS}. */
  private volatile int liveOthers;

  private volatile boolean complete;
  private long retiredSentTokens;
  private long retiredSentRequests;
  private long announcedTokens = Long.MIN_VALUE;
  private long announcedRequests = Long.MIN_VALUE;
  private volatile long announcedSentTokens;
  private volatile long announcedSentRequests;
  private long announcedAt = Long.MIN_VALUE;

  FleetLedger(String field) {
    this.field = field;
  }

  @Override
  public long tokens() {
    return ownTokens.get() + othersTokens + unheard(ownSentTokens.get(), announcedSentTokens);
  }

  @Override
  public long requests() {
    return ownRequests.get()
        + othersRequests
        + unheard(ownSentRequests.get(), announcedSentRequests);
  }

  /** The others' sends not announced yet, estimated from this instance's own. */
  private long unheard(long ownSent, long announced) {
    return liveOthers * Math.max(0, ownSent - announced);
  }

  @Override
  public void add(long tokens, long requests) {
    ownTokens.addAndGet(tokens);
    ownRequests.addAndGet(requests);
    if (requests > 0) {
      ownSentTokens.addAndGet(tokens);
      ownSentRequests.addAndGet(requests);
    }
  }

  @Override
  public long sentTokens() {
    return complete ? ownSentTokens.get() + othersSentTokens : -1;
  }

  @Override
  public long sentRequests() {
    return complete ? ownSentRequests.get() + othersSentRequests : -1;
  }

  @Override
  public int processes() {
    return 1 + liveOthers;
  }

  @Override
  public long unheardTokens() {
    return unheard(ownSentTokens.get(), announcedSentTokens);
  }

  @Override
  public long unheardRequests() {
    return unheard(ownSentRequests.get(), announcedSentRequests);
  }

  /**
   * Whether the fleet's sent count is known: the link tells, from how long it has been up. Called
   * by the link's thread.
   */
  void complete(boolean known) {
    complete = known;
  }

  /**
   * This instance's counts (tokens and requests in flight, tokens and requests sent) if they are
   * due to be announced, else {@code null}. Called by the link's thread only.
   */
  long[] toAnnounce(long nowMillis) {
    long t = ownTokens.get();
    long r = ownRequests.get();
    long st = ownSentTokens.get();
    long sr = ownSentRequests.get();
    boolean changed =
        t != announcedTokens
            || r != announcedRequests
            || st != announcedSentTokens
            || announcedAt == Long.MIN_VALUE;
    if (!changed && nowMillis - announcedAt < HEARTBEAT_MILLIS) {
      return null;
    }
    announcedTokens = t;
    announcedRequests = r;
    announcedSentTokens = st;
    announcedSentRequests = sr;
    announcedAt = nowMillis;
    return new long[] {t, r, st, sr};
  }

  /**
   * Another instance's announcement; {@code sentTokens} and {@code sentRequests} are -1 when it
   * does not announce them.
   */
  void announced(
      String instance,
      long tokens,
      long requests,
      long sentTokens,
      long sentRequests,
      long nowMillis) {
    others.merge(
        instance,
        new Remote(tokens, requests, sentTokens, sentRequests, nowMillis),
        (old, fresh) ->
            fresh.sentTokens >= 0
                ? fresh
                : new Remote(tokens, requests, old.sentTokens, old.sentRequests, nowMillis));
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
    long st = retiredSentTokens;
    long sr = retiredSentRequests;
    int live = 0;
    for (Iterator<Remote> it = others.values().iterator(); it.hasNext(); ) {
      Remote o = it.next();
      long silent = nowMillis - o.heardAtMillis;
      long sentT = Math.max(0, o.sentTokens);
      long sentR = Math.max(0, o.sentRequests);
      if (silent >= FORGET_MILLIS) {
        it.remove();
        retiredSentTokens += sentT;
        retiredSentRequests += sentR;
      } else if (silent < EXPIRE_MILLIS) {
        t += o.tokens;
        r += o.requests;
        live++;
      }
      st += sentT;
      sr += sentR;
    }
    othersTokens = t;
    othersRequests = r;
    othersSentTokens = st;
    othersSentRequests = sr;
    liveOthers = live;
  }

  private record Remote(
      long tokens, long requests, long sentTokens, long sentRequests, long heardAtMillis) {}
}
