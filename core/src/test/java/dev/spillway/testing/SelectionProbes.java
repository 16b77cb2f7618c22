package dev.spillway.testing;

import dev.spillway.BackendPool;
import dev.spillway.internal.PoolEngines;
import dev.spillway.internal.SelectionProbe;
import java.util.function.IntSupplier;

/**
 * The engine's route selection alone, for the {@code select()} micro-benchmark: it lives in core's
 * test kit, beside the code it measures, so no other module reaches into core's internals.
 */
public final class SelectionProbes {
  private SelectionProbes() {}

  /**
   * The pick of a first attempt for {@code model} on {@code pool}, with the per-call state of one
   * call. Not thread-safe: one per thread.
   *
   * @param pool the pool
   * @param model the model
   * @param cost the call's estimated tokens
   * @return picks a route and returns its index among the model's routes (negative for none)
   */
  public static IntSupplier firstPick(BackendPool pool, String model, long cost) {
    SelectionProbe probe = PoolEngines.of(pool).selectionProbe(model, cost);
    return probe::select;
  }
}
