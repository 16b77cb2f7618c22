package dev.spillway.internal;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The routes serving one logical model, ordered by tier (configuration order inside a tier), with
 * the index where each tier starts. Immutable.
 */
final class ModelRoutes {
  final String model;
  final RouteRuntime[] routes;

  /**
   * {@code tierStart[t]} is the first index of the t-th distinct tier; the last entry is the
   * length.
   */
  final int[] tierStart;

  /** The routes' weights, by index: the pick reads them without reaching into each route. */
  final double[] weights;

  /** The highest tier number. */
  private final int lastTier;

  /** The hedges this model's calls may still send. */
  final HedgeBudget hedges;

  ModelRoutes(String model, List<RouteRuntime> unordered, double hedgeRatio) {
    this.model = model;
    this.hedges = new HedgeBudget(hedgeRatio);
    this.routes =
        unordered.stream()
            .sorted(Comparator.comparingInt((RouteRuntime r) -> r.tier))
            .toArray(RouteRuntime[]::new);
    int[] starts = new int[routes.length + 1];
    int tiers = 0;
    for (int i = 0; i < routes.length; i++) {
      if (i == 0 || routes[i].tier != routes[i - 1].tier) {
        starts[tiers++] = i;
      }
    }
    starts[tiers] = routes.length;
    this.tierStart = Arrays.copyOf(starts, tiers + 1);
    this.lastTier = routes.length == 0 ? Integer.MIN_VALUE : routes[routes.length - 1].tier;
    this.weights = new double[routes.length];
    for (int i = 0; i < routes.length; i++) {
      weights[i] = routes[i].weight;
    }
    for (RouteRuntime r : routes) {
      r.queue = queue;
    }
  }

  /** The wait queue of calls for this model that found no route available. */
  final WaitQueue queue = new WaitQueue();

  /** How many of the distinct tiers have a tier number of at most {@code maxTier}. */
  int tiersUpTo(int maxTier) {
    if (maxTier >= lastTier) {
      return tierStart.length - 1; // all of them, as for every call without a tier limit
    }
    int t = 0;
    while (t < tierCount() && routes[tierStart[t]].tier <= maxTier) {
      t++;
    }
    return t;
  }

  /**
   * The lowest success latency estimate among the routes of the tier of route {@code index}, in
   * nanoseconds, or NaN when none of them has had a success: what an attempt in that tier takes
   * where the tier is fastest.
   */
  double fastestInTier(int index) {
    int t = 0;
    while (tierStart[t + 1] <= index) {
      t++;
    }
    double best = Double.NaN;
    for (int i = tierStart[t]; i < tierStart[t + 1]; i++) {
      double v = routes[i].ewma.successEstimate();
      if (v < best || Double.isNaN(best)) {
        best = v;
      }
    }
    return best;
  }

  int tierCount() {
    return tierStart.length - 1;
  }

  int enabledCount() {
    int n = 0;
    for (RouteRuntime r : routes) {
      if (r.backend.enabled()) {
        n++;
      }
    }
    return n;
  }
}
