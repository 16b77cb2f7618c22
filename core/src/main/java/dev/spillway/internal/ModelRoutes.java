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

  ModelRoutes(String model, List<RouteRuntime> unordered) {
    this.model = model;
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
