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
    double[] weights = routes.weights;
    double[] cumulative = selection.cumulative;
    long[] tried = selection.tried;
    long earliest = RouteRuntime.NEVER;
    int tiers = routes.tiersUpTo(maxTier);
    for (int t = 0; t < tiers; t++) {
      int from = routes.tierStart[t];
      int to = routes.tierStart[t + 1];
      int count = 0;
      int last = -1;
      double totalWeight = 0;
      for (int i = from; i < to; i++) {
        // tried in this lap: not a candidate again; scanTried weighs its cool-down
        if ((tried[i >>> 6] & (1L << i)) == 0) {
          long wait = all[i].nanosUntilAvailable(cost, reserve, nowNanos);
          if (wait == 0) {
            count++;
            last = i;
            totalWeight += weights[i];
          } else if (wait != RouteRuntime.NEVER) {
            earliest = Math.min(earliest, Nanos.plus(nowNanos, wait));
          }
        }
        cumulative[i] = totalWeight;
      }
      if (count == 1) {
        return last;
      }
      if (count > 1) {
        return powerOfTwoChoices(all, weights, cumulative, from, to, last, selection, nowNanos);
      }
    }
    scanTried(all, routes.tierStart[tiers], selection, earliest, cost, reserve, nowNanos);
    return NONE;
  }

  /**
   * Two draws by weight, the second among the routes the first left, and the cheaper of the two.
   */
  private int powerOfTwoChoices(
      RouteRuntime[] all,
      double[] weights,
      double[] cumulative,
      int from,
      int to,
      int last,
      Selection selection,
      long nowNanos) {
    double total = cumulative[to - 1];
    int first = draw(cumulative, from, to, random.nextDouble() * total, 0.0);
    if (first < 0) {
      first = last;
    }
    double firstWeight = weights[first];
    double target = random.nextDouble() * (total - firstWeight);
    // Without the first, the sums from it on are less its weight: the sums before it stay, which
    // the target falls among when below the sum before the first, else it passes them all and the
    // first too, and the sums less its weight decide. Which is read off the sign bit, not a branch.
    double before = cumulative[first] - firstWeight;
    double shift = firstWeight * (~Double.doubleToRawLongBits(target - before) >>> 63);
    int second = draw(cumulative, from, to, target, shift);
    if (second < 0) {
      second = lastWithout(cumulative, from, to, first);
    }
    RouteRuntime a = all[first];
    RouteRuntime b = all[second];
    if (a.ewma.hasSample() && b.ewma.hasSample()) {
      boolean costlier =
          a.ewma.exceedsScaled(
              a.outstanding.get() + 1, a.weight, b.ewma, b.outstanding.get() + 1, b.weight);
      return costlier ? second : first;
    }
    double median = medianLatency(all, from, to, selection.scratch, nowNanos);
    return cost(b, median, nowNanos) < cost(a, median, nowNanos) ? second : first;
  }

  /** {@code (outstanding + 1) / weight}: the load part of the cost. */
  private static double load(RouteRuntime route) {
    return (route.outstanding.get() + 1) / route.weight;
  }

  /**
   * Draws the route at which the running sum of the candidates' weights first exceeds {@code
   * target} (a uniform draw times their total): the route whose share of the total the target falls
   * in. The running sum at route {@code i} is {@code cumulative[i] − shift}: the second draw shifts
   * the sums by the first's weight when the target lies past the sums before the first (see {@link
   * #powerOfTwoChoices}). Returns -1 should rounding leave the target at the total.
   *
   * <p>The routes whose sum does not exceed the target are counted rather than searched for: no
   * branch on where the draw falls, which a branch predictor would get wrong about every other
   * pick. The sums do not decrease, so those routes are the ones before the route drawn; a
   * difference {@code target − sum} of numbers at or above +0.0 is never -0.0, so its sign bit says
   * whether it is below 0. With whole-number weights every sum is exact, and the draw is the one of
   * subtracting the candidates' weights from the target in turn.
   */
  private static int draw(double[] cumulative, int from, int to, double target, double shift) {
    int passed = 0;
    for (int i = from; i < to; i++) {
      passed += (int) (~Double.doubleToRawLongBits(target - (cumulative[i] - shift)) >>> 63);
    }
    return passed < to - from ? from + passed : -1;
  }

  /** The last candidate of {@code [from, to)} other than {@code excluded}: its sum rises there. */
  private static int lastWithout(double[] cumulative, int from, int to, int excluded) {
    int i = to - 1;
    while (i == excluded || (i > from && cumulative[i] == cumulative[i - 1])) {
      i--;
    }
    return i;
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
    /** The running sum of the available routes' weights in the tier being picked from. */
    final double[] cumulative;

    final double[] scratch;

    /** One bit per route, set when this lap tried it. */
    final long[] tried;

    long earliestNanos = RouteRuntime.NEVER;
    boolean triedAvailable;

    Selection(int routeCount) {
      this.cumulative = new double[routeCount];
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
