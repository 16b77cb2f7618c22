package dev.spillway.internal;

import java.util.Arrays;

/**
 * Picks the route for the next attempt of a call (docs/design.md "Selection"): walk the tiers in
 * order and take the first with an available route; inside it, power of two choices by weight with
 * cost {@code peakEwma × (outstanding + 1) / weight}, a route without a latency sample costing the
 * tier's median latency. When nothing is available, reports the earliest instant a route will be.
 *
 * <p>Allocation-free and lock-free: scratch space lives in the {@link Selection} of the call.
 */
final class Selector {
  /** Returned by {@link #select} when no route is available now. */
  public static final int NONE = -1;

  private final RandomSource random;

  Selector(RandomSource random) {
    this.random = random;
  }

  /**
   * Selects an available route that the call has not tried in this lap.
   *
   * @return the index into {@code routes.routes}, or {@link #NONE}; then {@code selection}'s
   *     earliest instant and whether a tried route is available now are set
   */
  int select(ModelRoutes routes, Selection selection, long cost, long nowNanos) {
    return select(routes, selection, cost, 0.0, Integer.MAX_VALUE, nowNanos);
  }

  /**
   * As {@link #select(ModelRoutes, Selection, long, long)} for a call limited to tiers up to {@code
   * maxTier} that leaves {@code reserve} of each PTU route's capacity to others.
   */
  int select(
      ModelRoutes routes,
      Selection selection,
      long cost,
      double reserve,
      int maxTier,
      long nowNanos) {
    RouteRuntime[] all = routes.routes;
    long earliest = RouteRuntime.NEVER;
    boolean[] available = selection.available;
    int tiers = routes.tiersUpTo(maxTier);
    for (int t = 0; t < tiers; t++) {
      int from = routes.tierStart[t];
      int to = routes.tierStart[t + 1];
      int count = 0;
      double totalWeight = 0;
      for (int i = from; i < to; i++) {
        available[i] = false;
        if (selection.tried(i)) {
          continue; // not a candidate again in this lap; scanTried weighs its cool-down
        }
        long wait = all[i].nanosUntilAvailable(cost, reserve, nowNanos);
        if (wait == 0) {
          available[i] = true;
          count++;
          totalWeight += all[i].weight;
        } else if (wait != RouteRuntime.NEVER) {
          earliest = Math.min(earliest, Nanos.plus(nowNanos, wait));
        }
      }
      if (count == 1) {
        for (int i = from; i < to; i++) {
          if (available[i]) {
            return i;
          }
        }
      }
      if (count > 1) {
        return powerOfTwoChoices(all, available, from, to, totalWeight, selection, nowNanos);
      }
    }
    scanTried(all, routes.tierStart[tiers], selection, earliest, cost, reserve, nowNanos);
    return NONE;
  }

  private int powerOfTwoChoices(
      RouteRuntime[] all,
      boolean[] available,
      int from,
      int to,
      double totalWeight,
      Selection selection,
      long nowNanos) {
    int first = draw(all, available, from, to, totalWeight, -1);
    int second = draw(all, available, from, to, totalWeight - all[first].weight, first);
    RouteRuntime a = all[first];
    RouteRuntime b = all[second];
    if (a.ewma.hasSample() && b.ewma.hasSample()) {
      return a.ewma.compareScaled(load(a), b.ewma, load(b)) > 0 ? second : first;
    }
    double median = medianLatency(all, from, to, selection.scratch, nowNanos);
    return cost(b, median, nowNanos) < cost(a, median, nowNanos) ? second : first;
  }

  /** {@code (outstanding + 1) / weight}: the load part of the cost. */
  private static double load(RouteRuntime route) {
    return (route.outstanding.get() + 1) / route.weight;
  }

  /**
   * Draws one available route, skipping {@code exclude}, with probability proportional to weight.
   */
  private int draw(
      RouteRuntime[] all, boolean[] available, int from, int to, double total, int exclude) {
    double target = random.nextDouble() * total;
    int last = -1;
    for (int i = from; i < to; i++) {
      if (!available[i] || i == exclude) {
        continue;
      }
      last = i;
      target -= all[i].weight;
      if (target < 0) {
        return i;
      }
    }
    return last;
  }

  static double cost(RouteRuntime route, double medianLatency, long nowNanos) {
    double latency = route.ewma.value(nowNanos);
    if (Double.isNaN(latency)) {
      latency = medianLatency;
    }
    return latency * load(route);
  }

  /** Median latency of the tier's routes that have a sample; 1 when none has. */
  private static double medianLatency(
      RouteRuntime[] all, int from, int to, double[] scratch, long nowNanos) {
    int n = 0;
    for (int i = from; i < to; i++) {
      double v = all[i].ewma.value(nowNanos);
      if (!Double.isNaN(v)) {
        scratch[n++] = v;
      }
    }
    if (n == 0) {
      return 1.0;
    }
    Arrays.sort(scratch, 0, n);
    return (n & 1) == 1 ? scratch[n / 2] : (scratch[n / 2 - 1] + scratch[n / 2]) / 2;
  }

  /**
   * Routes this lap already tried still decide what the call does next: one available now calls for
   * a lap backoff, and one cooling down (after its 429) bounds the wait like any other, so a call
   * whose every route throttled waits for the earliest to return instead of giving up.
   */
  private static void scanTried(
      RouteRuntime[] all,
      int end,
      Selection selection,
      long earliestUntried,
      long cost,
      double reserve,
      long nowNanos) {
    long earliest = earliestUntried;
    boolean availableNow = false;
    for (int i = 0; i < end; i++) {
      if (!selection.tried(i)) {
        continue;
      }
      long wait = all[i].nanosUntilAvailable(cost, reserve, nowNanos);
      if (wait == 0) {
        availableNow = true;
      } else if (wait != RouteRuntime.NEVER) {
        earliest = Math.min(earliest, Nanos.plus(nowNanos, wait));
      }
    }
    selection.earliestNanos = earliest;
    selection.triedAvailable = availableNow;
  }

  /**
   * Per-call selection state: which routes this lap tried, scratch arrays, and what the last
   * unsuccessful {@link #select} found. Not thread-safe; one per call.
   */
  static final class Selection {
    final boolean[] available;
    final double[] scratch;
    private final long[] tried;
    long earliestNanos = RouteRuntime.NEVER;
    boolean triedAvailable;

    Selection(int routeCount) {
      this.available = new boolean[routeCount];
      this.scratch = new double[routeCount];
      this.tried = new long[(routeCount + 63) >>> 6];
    }

    boolean tried(int i) {
      return (tried[i >>> 6] & (1L << i)) != 0;
    }

    void markTried(int i) {
      tried[i >>> 6] |= 1L << i;
    }

    void newLap() {
      Arrays.fill(tried, 0L);
    }
  }
}
