package dev.spillway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.Backend;
import dev.spillway.BackendPool;
import dev.spillway.testing.ManualTime;
import dev.spillway.testing.Pools;
import org.junit.jupiter.api.Test;

/**
 * The pick's draws count the routes whose running sum of weights the target has passed, without a
 * branch on where it falls; with whole-number weights that is exactly the draw of subtracting the
 * weights from the target in turn. The pool's seeded source drives both, pick after pick.
 */
class SelectorTest {
  private static final double[] WEIGHTS = {3, 2, 1, 1, 5, 7};

  @Test
  void picksAsSubtractingTheWeightsInTurnDoesOnTheSameSeededSource() {
    assertPicksMatchTheSubtractingDraw(new boolean[WEIGHTS.length]);
  }

  @Test
  void picksAsSubtractingTheWeightsInTurnDoesWithRoutesUnavailableAnywhereInTheTier() {
    assertPicksMatchTheSubtractingDraw(new boolean[] {true, false, false, true, false, true});
  }

  /**
   * Routes without a latency sample each cost the tier's median (1 without any sample) times {@code
   * 1 / weight}, so P2C takes the heavier of the two drawn, the first on a tie.
   */
  private static void assertPicksMatchTheSubtractingDraw(boolean[] disabled) {
    ManualTime time = new ManualTime();
    Backend[] backends = new Backend[WEIGHTS.length + 1];
    for (int i = 0; i < WEIGHTS.length; i++) {
      backends[i] = Pools.backend("b" + i, 0, WEIGHTS[i]);
    }
    backends[WEIGHTS.length] = Pools.backend("spill", 1);
    try (BackendPool pool = Pools.manual(time, backends).build()) {
      for (int i = 0; i < WEIGHTS.length; i++) {
        if (disabled[i]) {
          pool.disableBackend("b" + i);
        }
      }
      SelectionProbe probe = PoolEngines.of(pool).selectionProbe("gpt-4o", 800);
      RandomSource reference = RandomSource.seeded(42);
      for (int n = 0; n < 20_000; n++) {
        int first = subtractingDraw(reference, disabled, -1);
        int second = subtractingDraw(reference, disabled, first);
        int expected = 1 / WEIGHTS[second] < 1 / WEIGHTS[first] ? second : first;
        assertThat(probe.select()).as("pick %d", n).isEqualTo(expected);
      }
    }
  }

  /** The draw as it was written before: the target less each candidate's weight in turn. */
  private static int subtractingDraw(RandomSource random, boolean[] disabled, int exclude) {
    double total = 0;
    for (int i = 0; i < WEIGHTS.length; i++) {
      if (!disabled[i]) {
        total += WEIGHTS[i];
      }
    }
    if (exclude >= 0) {
      total -= WEIGHTS[exclude];
    }
    double target = random.nextDouble() * total;
    int last = -1;
    for (int i = 0; i < WEIGHTS.length; i++) {
      if (disabled[i] || i == exclude) {
        continue;
      }
      last = i;
      target -= WEIGHTS[i];
      if (target < 0) {
        return i;
      }
    }
    return last;
  }
}
