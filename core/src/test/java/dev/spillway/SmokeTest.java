package dev.spillway;

import static dev.spillway.testing.ScriptedTransport.throttled;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import dev.spillway.testing.ManualTime;
import dev.spillway.testing.Pools;
import dev.spillway.testing.ScriptedTransport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void ptuThrottleFailsOverToPaygoSyncAndAsync() throws Exception {
    ManualTime time = new ManualTime();
    List<CallOutcome> outcomes = new ArrayList<>();
    try (BackendPool pool =
        Pools.manual(time, Pools.backend("ptu", 0), Pools.backend("paygo", 1))
            .listener(
                new PoolListener() {
                  @Override
                  public void onCallComplete(CallOutcome outcome) {
                    outcomes.add(outcome);
                  }
                })
            .build()) {
      ScriptedTransport t = new ScriptedTransport(time);
      t.on("ptu", throttled(2000));
      ScriptedTransport.Reply r =
          CallExecutor.of(pool).execute(CallRequest.builder("chat", "gpt-4o").build(), t);
      assertThat(r.backendId()).isEqualTo("paygo");
      assertThat(t.sentBackends()).containsExactly("ptu", "paygo");
      var f =
          CallExecutor.of(pool)
              .executeAsync(CallRequest.builder("chat", "gpt-4o").build(), t.async());
      time.runAll(1_000_000_000L);
      assertThat(f.get().backendId()).isEqualTo("paygo");
      time.advanceMillis(2000);
      var g =
          CallExecutor.of(pool)
              .executeAsync(CallRequest.builder("chat", "gpt-4o").build(), t.async());
      time.runAll(1_000_000_000L);
      assertThat(g.get().backendId()).isEqualTo("ptu");
      assertThat(outcomes).hasSize(3);
      System.out.println(outcomes);
      System.out.println(pool.snapshot());
    }
  }
}
