package dev.spillway.internal;

import dev.spillway.Deployment;
import dev.spillway.spi.PoolStateStore.Cell;
import dev.spillway.spi.PoolStateStore.Ledger;
import dev.spillway.spi.PoolStateStore.QuotaReport;
import dev.spillway.spi.ResponseHeaders;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a route last reported about its quota ({@code x-ratelimit-*}, PTU utilization), and the
 * headroom that follows now.
 *
 * <p>Headroom of a standard deployment = the last remaining it reported, less what this pool has
 * sent it since. A report says what the service had left when it admitted that attempt, so at its
 * arrival the tokens of every attempt claimed after that one are taken off (a slow response's
 * report is as old as its request, not its answer), and from then on every claim is taken off,
 * whether it completed or not. There is no refill while the report is younger than the quota
 * window: a fixed window resets at an instant no success reports and a sliding one frees as it
 * slides, so the estimate only holds a route back (the route's hold bound then sends one probe) and
 * only the service's answer says it is back. A report a whole window old says nothing: headroom is
 * then the limit (from {@code x-ratelimit-limit-*} or the configured {@code tpm}/{@code rpm}) less
 * the calls in flight, or unknown without a limit. Calls in flight elsewhere (another process's, in
 * a shared ledger) are taken off too. A PTU deployment's utilization drains 100 % per quota window;
 * its headroom is the unused share of the configured capacity, or, with no capacity configured,
 * "available" below 100 %.
 *
 * <p>The report lives in the state store's cell ({@link QuotaReport}, its instant in epoch
 * milliseconds), so that with a shared store the freshest report any process received is every
 * process's. Before any report the route's configured capacity stands in.
 *
 * <p>Thread-safe: the report is one immutable value behind the cell; its translation to the ticker
 * is cached per value.
 */
final class QuotaMemory {
  static final long UNKNOWN = Long.MAX_VALUE;

  static final String REMAINING_TOKENS = "x-ratelimit-remaining-tokens";
  static final String REMAINING_REQUESTS = "x-ratelimit-remaining-requests";
  static final String LIMIT_TOKENS = "x-ratelimit-limit-tokens";
  static final String LIMIT_REQUESTS = "x-ratelimit-limit-requests";
  static final String UTILIZATION = "azure-openai-deployment-utilization";

  /**
   * A PTU reports utilization above 100 % while it throttles, but not far above: a value beyond 200
   * % is no measure of a backlog (5833 % would be an hour of assumed drain) and reads as 100 %,
   * "full now".
   */
  static final double MAX_PLAUSIBLE_UTILIZATION = 200.0;

  /** The length of a claim's marks: {@link #claimed} fills them, {@link #update} reads them. */
  static final int MARKS = 4;

  private final long windowNanos;
  private final boolean ptu;
  private final long configuredTpm;
  private final long configuredRpm;
  private final Cell<QuotaReport> cell;
  private final TimedCell<QuotaReport> shared;

  /** What stands in before any report: the configured capacity. */
  private final Report initial;

  /** Whether {@link #initial} says nothing (no capacity configured). */
  private final boolean initialKnowsNothing;

  /** The last report read from the cell, on the ticker. */
  private volatile View view;

  /** Tokens and requests of every attempt this pool claimed on the route, ever. */
  private final AtomicLong sentTokens = new AtomicLong();

  private final AtomicLong sentRequests = new AtomicLong();

  /** Tokens and requests of this pool's attempts in flight on the route. */
  private final AtomicLong localTokens = new AtomicLong();

  private final AtomicLong localRequests = new AtomicLong();

  QuotaMemory(
      Deployment deployment, long windowNanos, Cell<QuotaReport> cell, Clock clock, long nowNanos) {
    this.windowNanos = windowNanos;
    this.ptu = deployment.ptu();
    this.configuredTpm = deployment.tpm();
    this.configuredRpm = deployment.rpm();
    // With a configured capacity the route starts full; the admission ledger then limits bursts
    // even before the first response reports anything.
    this.initial =
        new Report(
            ptu ? -1 : (configuredTpm > 0 ? configuredTpm : -1),
            ptu ? -1 : (configuredRpm > 0 ? configuredRpm : -1),
            -1,
            -1,
            ptu && configuredTpm > 0 ? 0.0 : Double.NaN,
            nowNanos,
            -1,
            -1);
    this.initialKnowsNothing = initial.knowsNothing();
    this.cell = cell;
    this.shared = new TimedCell<>(cell, QuotaReport::atEpochMillis, clock, nowNanos);
  }

  /**
   * The current report's view: the report and this pool's send counts it already accounts for.
   * Allocation-free while the cell's value stays.
   */
  @SuppressWarnings("ReferenceEquality") // the cell's values and NONE compare by identity
  private View view(long nowNanos) {
    TimedCell.Seen<QuotaReport> seen = shared.get(nowNanos);
    View v = view;
    if (v != null && v.seen == seen) {
      return v;
    }
    QuotaReport q = seen.value;
    Report r = q == QuotaReport.NONE ? initial : toReport(q, seen.untilNanos);
    // a value first seen here (another process's, or the start): what was sent until now is in it
    v = new View(seen, r, sentTokens.get(), sentRequests.get());
    view = v;
    return v;
  }

  /**
   * Counts an attempt claimed on the route, after {@code ledger} counted it; {@code marks} (of
   * length {@link #MARKS}) receives the send counts including it, which its response's report is
   * read against: this pool's tokens and requests, then the ledger's fleet-wide ones (-1 when the
   * ledger does not count them).
   */
  void claimed(long cost, Ledger ledger, long[] marks) {
    marks[0] = sentTokens.addAndGet(cost);
    marks[1] = sentRequests.incrementAndGet();
    marks[2] = ledger.sentTokens();
    marks[3] = ledger.sentRequests();
    localTokens.addAndGet(cost);
    localRequests.incrementAndGet();
  }

  /** An attempt claimed with {@link #claimed} is no longer in flight. */
  void released(long cost) {
    localTokens.addAndGet(-cost);
    localRequests.decrementAndGet();
  }

  /**
   * Remembers what the response headers of an attempt say; values that do not parse are ignored.
   * {@code marks} are the send counts {@link #claimed} gave the attempt: what was sent after it is
   * taken off the remaining it reports. With fleet-wide counts the report keeps the remaining as
   * the service said it and the fleet's marks, and every reader takes off what the fleet sent
   * since; else it keeps the remaining less what this pool sent since.
   */
  @SuppressWarnings("ReferenceEquality") // the cell's values compare by identity
  void update(ResponseHeaders headers, long[] marks, Ledger ledger, long nowNanos) {
    long remainingTokens = parseCount(headers.get(REMAINING_TOKENS));
    long remainingRequests = parseCount(headers.get(REMAINING_REQUESTS));
    long limitTokens = parseCount(headers.get(LIMIT_TOKENS));
    long limitRequests = parseCount(headers.get(LIMIT_REQUESTS));
    double utilization = parsePercent(headers.get(UTILIZATION));
    if (utilization > MAX_PLAUSIBLE_UTILIZATION) {
      utilization = 100.0;
    }
    if (remainingTokens < 0
        && remainingRequests < 0
        && limitTokens < 0
        && limitRequests < 0
        && Double.isNaN(utilization)) {
      return;
    }
    TimedCell.Seen<QuotaReport> seen = shared.get(nowNanos);
    View v = view(nowNanos);
    Report old = v.report;
    long tokensNow = sentTokens.get();
    long requestsNow = sentRequests.get();
    boolean fleet = marks[2] >= 0 && marks[3] >= 0 && ledger.sentTokens() >= 0;
    // A count the response leaves out (a 429 for tokens reports the requests left, not the
    // tokens) keeps what the last report said of it, less what was sent since.
    boolean carry = nowNanos - old.atNanos < windowNanos;
    Count tokens =
        kept(
            remainingTokens,
            tokensNow - marks[0],
            marks[2],
            fleet,
            carry,
            old.remainingTokens,
            old.tokensMark,
            tokensNow - v.sentTokens);
    Count requests =
        kept(
            remainingRequests,
            requestsNow - marks[1],
            marks[3],
            fleet,
            carry,
            old.remainingRequests,
            old.requestsMark,
            requestsNow - v.sentRequests);
    QuotaReport next =
        new QuotaReport(
            tokens.remaining,
            requests.remaining,
            limitTokens >= 0 ? limitTokens : old.limitTokens,
            limitRequests >= 0 ? limitRequests : old.limitRequests,
            Double.isNaN(utilization) ? old.utilization : utilization,
            shared.epochMillis(seen, nowNanos, nowNanos),
            tokens.mark,
            requests.mark);
    // one attempt: a lost race means another response's report, as fresh, is already there
    if (shared.compareAndSet(seen, next, nowNanos)) {
      TimedCell.Seen<QuotaReport> written = shared.get(nowNanos);
      if (written.value == next) {
        view = new View(written, toReport(next, written.untilNanos), tokensNow, requestsNow);
      }
    }
  }

  /**
   * A remaining count and its fleet mark (-1: discounted to the report's instant), as a new report
   * keeps them: the response's ({@code reported}, with the claim's fleet mark, or less what this
   * pool sent since the claim), else the last report's while it is younger than a window.
   */
  private static Count kept(
      long reported,
      long sentSinceClaim,
      long fleetMark,
      boolean fleet,
      boolean carry,
      long oldRemaining,
      long oldMark,
      long sentSinceView) {
    if (reported >= 0) {
      return fleet
          ? new Count(reported, fleetMark)
          : new Count(discounted(reported, sentSinceClaim), -1);
    }
    if (!carry || oldRemaining < 0) {
      return Count.NONE;
    }
    return fleet && oldMark >= 0
        ? new Count(oldRemaining, oldMark)
        : new Count(discounted(oldRemaining, sentSinceView), -1);
  }

  private record Count(long remaining, long mark) {
    static final Count NONE = new Count(-1, -1);
  }

  private static long discounted(long remaining, long sentSince) {
    return Math.max(0, remaining - Math.max(0, sentSince));
  }

  /**
   * Nanoseconds until the route can admit a call of {@code cost} tokens given this pool's own calls
   * in flight: 0 when it can now (or when nothing is known), else how long until the refill covers
   * it.
   */
  long nanosUntilAdmits(long cost, Ledger ledger, long nowNanos) {
    return nanosUntilAdmits(cost, 0.0, ledger, nowNanos);
  }

  /**
   * As {@link #nanosUntilAdmits(long, Ledger, long)}, leaving {@code reserve} (a share in [0, 1))
   * of a PTU route's capacity free after the call: a batch call never takes the last of it. The
   * reserve applies to PTU routes only.
   */
  @SuppressWarnings("ReferenceEquality") // NONE is a sentinel
  long nanosUntilAdmits(long cost, double reserve, Ledger ledger, long nowNanos) {
    if (initialKnowsNothing && cell.get() == QuotaReport.NONE) {
      return 0; // nothing reported and nothing configured: no view, no ledger read
    }
    View v = view(nowNanos);
    Report r = v.report;
    if (r.knowsNothing()) {
      return 0; // the common case without capacity hints: no ledger read, no arithmetic
    }
    long elapsed = Math.max(0, nowNanos - r.atNanos);
    if (ptu) {
      return ptuWait(r, cost, reserve, ledger.tokens(), elapsed);
    }
    long tokensWait =
        r.remainingTokens < 0
            ? 0
            : standardWait(
                r.remainingTokens,
                r.tokensMark,
                ledger.sentTokens(),
                ledger.unheardTokens(),
                sentTokens.get() - v.sentTokens,
                limit(r.limitTokens, configuredTpm),
                cost,
                ledger.tokens(),
                localTokens.get(),
                elapsed);
    long requestsWait =
        r.remainingRequests < 0
            ? 0
            : standardWait(
                r.remainingRequests,
                r.requestsMark,
                ledger.sentRequests(),
                ledger.unheardRequests(),
                sentRequests.get() - v.sentRequests,
                limit(r.limitRequests, configuredRpm),
                1,
                ledger.requests(),
                localRequests.get(),
                elapsed);
    return Math.max(tokensWait, requestsWait);
  }

  /**
   * What a standard route's report leaves, with what was sent since taken off: with a fleet-wide
   * mark and count, everything the fleet sent after the reporting attempt (calls in flight
   * included) and what it is estimated to have sent unheard; else what this pool sent since it
   * first saw the report, and another process's calls in flight ({@code inFlight} less {@code
   * localInFlight}).
   */
  private static long left(
      long remaining,
      long mark,
      long fleetSent,
      long unheard,
      long sentHereSince,
      long inFlight,
      long localInFlight) {
    if (mark >= 0 && fleetSent >= 0) {
      return remaining - Math.max(0, fleetSent - mark) - unheard;
    }
    return remaining - sentHereSince - Math.max(0, inFlight - localInFlight);
  }

  /**
   * Tokens the route is believed to admit now, before the ledger; UNKNOWN when nothing is known.
   */
  long headroomTokens(Ledger ledger, long nowNanos) {
    View v = view(nowNanos);
    Report r = v.report;
    long elapsed = Math.max(0, nowNanos - r.atNanos);
    if (ptu) {
      if (Double.isNaN(r.utilization) || configuredTpm <= 0) {
        return UNKNOWN;
      }
      double free = (100.0 - drained(r.utilization, elapsed)) / 100.0 * configuredTpm;
      return Math.max(0, (long) free - ledger.tokens());
    }
    if (r.remainingTokens < 0) {
      return UNKNOWN;
    }
    long limit = limit(r.limitTokens, configuredTpm);
    long ledgerTokens = ledger.tokens();
    if (elapsed >= windowNanos) {
      return limit > 0 ? Math.max(0, limit - ledgerTokens) : UNKNOWN;
    }
    return Math.max(
        0,
        left(
            r.remainingTokens,
            r.tokensMark,
            ledger.sentTokens(),
            ledger.unheardTokens(),
            sentTokens.get() - v.sentTokens,
            ledgerTokens,
            localTokens.get()));
  }

  /** The last reported utilization in percent, or NaN. */
  @SuppressWarnings("ReferenceEquality") // NONE is a sentinel
  double utilization() {
    QuotaReport q = cell.get();
    return q == QuotaReport.NONE ? initial.utilization : q.utilization();
  }

  private long ptuWait(Report r, long cost, double reserve, long ledgerTokens, long elapsed) {
    if (Double.isNaN(r.utilization)) {
      return 0;
    }
    double now = drained(r.utilization, elapsed);
    double ceiling = 100.0 * (1.0 - reserve);
    if (configuredTpm <= 0) {
      // Capacity unknown: admit below the ceiling, else wait for the bucket to drain under it.
      return now < ceiling ? 0 : percentToNanos(now - ceiling) + 1;
    }
    if (cost > configuredTpm) {
      return 0; // a call larger than the whole capacity is left to the service to judge
    }
    double needPercent = (cost + ledgerTokens) * 100.0 / configuredTpm;
    // a call larger than what the reserve leaves fits an otherwise empty bucket
    double limit = Math.max(ceiling, cost * 100.0 / configuredTpm);
    double excess = now + needPercent - limit;
    return excess <= 0 ? 0 : percentToNanos(excess);
  }

  /**
   * The wait of a standard route whose report, less what was sent since ({@link #left}), leaves too
   * little: none while the call fits, else until the report is a window old (the route's hold bound
   * sends a probe before that). A report a window old says nothing: the limit less every call in
   * flight stands, or, without a limit, nothing is known.
   */
  private long standardWait(
      long remaining,
      long mark,
      long fleetSent,
      long unheard,
      long sentHereSince,
      long limit,
      long cost,
      long inFlight,
      long localInFlight,
      long elapsed) {
    if (limit > 0 && cost > limit) {
      return 0; // the call alone is larger than the whole quota: let the service decide
    }
    if (elapsed >= windowNanos) {
      return limit <= 0 || limit - inFlight >= cost ? 0 : windowNanos;
    }
    if (left(remaining, mark, fleetSent, unheard, sentHereSince, inFlight, localInFlight) >= cost) {
      return 0;
    }
    return windowNanos - elapsed;
  }

  private static long limit(long reported, long configured) {
    return reported > 0 ? reported : configured;
  }

  private double drained(double utilization, long elapsed) {
    return Math.max(0.0, utilization - 100.0 * elapsed / windowNanos);
  }

  private long percentToNanos(double percent) {
    return (long) Math.ceil(percent / 100.0 * windowNanos);
  }

  /** A non-negative integer header, or -1 when absent or malformed. */
  static long parseCount(String value) {
    if (value == null) {
      return -1;
    }
    String v = value.trim();
    if (v.isEmpty() || v.length() > 18) {
      return -1;
    }
    long result = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      result = result * 10 + (c - '0');
    }
    return result;
  }

  /** A percentage such as {@code 85}, {@code 85.5} or {@code 85%}, or NaN when malformed. */
  static double parsePercent(String value) {
    if (value == null) {
      return Double.NaN;
    }
    String v = value.trim();
    if (v.endsWith("%")) {
      v = v.substring(0, v.length() - 1).trim();
    }
    if (v.isEmpty() || v.length() > 24) {
      return Double.NaN;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.') {
        return Double.NaN;
      }
    }
    try {
      double d = Double.parseDouble(v);
      return Double.isFinite(d) && d >= 0 ? d : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /**
   * A cell value, the report it reads as, and this pool's send counts the report already accounts
   * for.
   */
  private record View(
      TimedCell.Seen<QuotaReport> seen, Report report, long sentTokens, long sentRequests) {}

  private static Report toReport(QuotaReport q, long atNanos) {
    return new Report(
        q.remainingTokens(),
        q.remainingRequests(),
        q.limitTokens(),
        q.limitRequests(),
        q.utilization(),
        atNanos,
        q.sentTokensMark(),
        q.sentRequestsMark());
  }

  private record Report(
      long remainingTokens,
      long remainingRequests,
      long limitTokens,
      long limitRequests,
      double utilization,
      long atNanos,
      long tokensMark,
      long requestsMark) {

    /** Whether nothing usable was reported or configured. */
    boolean knowsNothing() {
      return remainingTokens < 0 && remainingRequests < 0 && Double.isNaN(utilization);
    }
  }
}
