package dev.spillway.internal;

import dev.spillway.Ticker;

/**
 * Runs the engine's route selection alone, with the per-call state of one call, so micro-benchmarks
 * can measure a pick. Not API. Not thread-safe: one per thread.
 */
public final class SelectionProbe {
  private final Selector selector;
  private final Ticker ticker;
  private final ModelRoutes routes;
  private final Selector.Selection selection;
  private final long cost;

  SelectionProbe(Selector selector, Ticker ticker, ModelRoutes routes, long cost) {
    this.selector = selector;
    this.ticker = ticker;
    this.routes = routes;
    this.selection = new Selector.Selection(routes.routes.length);
    this.cost = cost;
  }

  /**
   * Picks a route as the first attempt of a call would.
   *
   * @return the index of the route among the model's routes, or {@link Selector#NONE}
   */
  public int select() {
    selection.newLap();
    return selector.select(routes, selection, cost, ticker.read());
  }
}
