package dev.spillway.adaptertests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.Backend;
import dev.spillway.CallOutcome;
import dev.spillway.Deployment;
import dev.spillway.PoolListener;
import dev.spillway.PoolSettings;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.simulator.DeploymentConfig;
import dev.spillway.simulator.DeploymentStats;
import dev.spillway.simulator.LatencyModel;
import dev.spillway.simulator.ResourceConfig;
import dev.spillway.simulator.Simulator;
import dev.spillway.simulator.SimulatorConfig;
import dev.spillway.simulator.SimulatorStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A realistic run against the simulator: 200 concurrent callers over a throttled PTU backend and
 * two PAYG backends, through an SDK's real sync client ({@link #sdk()}). Time runs 10× faster in
 * the simulator (a quota minute lasts 6 s), and every time constant of the pool is scaled by the
 * same factor; at 20× a loaded 2-core machine could not offer enough load to fill the PTU bucket.
 *
 * <p>The offered load is about twice what the PTU deployment drains; the rest must spill to PAYG.
 * The measured window starts once the pool sees the PTU bucket full (utilization ≥ 95 %), so the
 * books count the steady state and not the filling of an empty bucket; it lasts three simulated
 * minutes.
 */
public abstract class SimulatorLoadScenario {
  private static final double TIME_SCALE = 10;
  private static final int CALLERS = 200;
  private static final long PTU_TOKENS_PER_MINUTE = 30_000;

  /**
   * PAYG deployments of 120k TPM: Azure enforces their RPM (TPM × 6 / 1000 = 720) over 1 s and 10 s
   * windows, which no header reveals; the pool paces its sends by the configured {@code rpm}.
   */
  private static final long PAYGO_TPM = 120_000;

  private static final long PAYGO_RPM = PAYGO_TPM * 6 / 1000;
  private static final Duration SIM_MINUTE = Duration.ofMillis((long) (60_000 / TIME_SCALE));
  private static final Duration THINK_TIME = Duration.ofMillis(600);

  /**
   * @return the SDK under test
   */
  protected abstract Sdk sdk();

  @Test
  void throttledPtuIsUsedToItsQuotaAndTheOverflowGoesToPaygoWithoutFailures() throws Exception {
    LatencyModel latency = LatencyModel.of(Duration.ofMillis(300), 0.1, Duration.ofMillis(12));
    SimulatorConfig config =
        SimulatorConfig.of(
                ResourceConfig.of(
                    "ptu",
                    "key-ptu",
                    DeploymentConfig.ptu("gpt4o-ptu", PTU_TOKENS_PER_MINUTE)
                        .withLatency(latency)
                        .withMinOutputTokens(20)),
                ResourceConfig.of(
                    "paygo-1",
                    "key-paygo-1",
                    DeploymentConfig.standard("gpt-4o", PAYGO_TPM)
                        .withLatency(latency)
                        .withMinOutputTokens(20)),
                ResourceConfig.of(
                    "paygo-2",
                    "key-paygo-2",
                    DeploymentConfig.standard("gpt-4o", PAYGO_TPM)
                        .withLatency(latency)
                        .withMinOutputTokens(20)))
            .withTimeScale(TIME_SCALE);
    Queue<CallOutcome> outcomes = new ConcurrentLinkedQueue<>();
    try (Simulator simulator = Simulator.start(config);
        SpillwayPool pool = pool(simulator, outcomes);
        SdkClient client = sdk().client(pool, false)) {

      AtomicBoolean running = new AtomicBoolean(true);
      Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
      ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
      List<Future<?>> loops = new ArrayList<>();
      for (int i = 0; i < CALLERS; i++) {
        loops.add(callers.submit(() -> callUntilStopped(client, running, errors)));
      }
      awaitFullPtuBucket(pool, errors);
      simulator.resetStats();
      outcomes.clear();
      // Three minutes by the simulator's own clock, whatever the machine's load does to ours.
      Duration window = Duration.ofMinutes(3);
      SimulatorStats measured =
          await()
              .atMost(Duration.ofMinutes(2))
              .pollInterval(Duration.ofMillis(20))
              .until(
                  simulator::stats,
                  stats -> stats.deployment("ptu", "gpt4o-ptu").period().compareTo(window) >= 0);
      running.set(false);
      for (Future<?> loop : loops) {
        loop.get(30, TimeUnit.SECONDS);
      }
      callers.shutdown();

      assertThat(errors).as("calls that failed").isEmpty();
      DeploymentStats ptu = measured.deployment("ptu", "gpt4o-ptu");
      long succeeded = 0;
      long throttled = 0;
      for (String resource : List.of("ptu", "paygo-1", "paygo-2")) {
        DeploymentStats d =
            measured.deployment(resource, resource.equals("ptu") ? "gpt4o-ptu" : "gpt-4o");
        succeeded += d.succeeded();
        throttled += d.throttled();
        System.out.printf(
            "SimulatorLoadIT (%s): %s served %d, throttled %d, capacity fraction %.3f%n",
            sdk().name(), resource, d.succeeded(), d.throttled(), d.capacityFraction());
      }
      long paygoServed =
          measured.deployment("paygo-1", "gpt-4o").succeeded()
              + measured.deployment("paygo-2", "gpt-4o").succeeded();
      System.out.printf(
          "SimulatorLoadIT (%s): %d calls measured; PTU capacity fraction %.3f;"
              + " PTU served %d, PAYG served %d; backend 429s %d (%.2f %% of successes)%n",
          sdk().name(),
          outcomes.size(),
          ptu.capacityFraction(),
          ptu.succeeded(),
          paygoServed,
          throttled,
          100.0 * throttled / Math.max(1, succeeded));

      assertThat(ptu.capacityFraction())
          .as("PTU share of its quota used")
          .isGreaterThanOrEqualTo(0.95);
      assertThat(paygoServed).as("overflow served by PAYG").isPositive();
      assertThat((double) throttled / succeeded).as("backend 429s per success").isLessThan(0.05);
      assertThat(outcomes).allSatisfy(o -> assertThat(o.succeeded()).isTrue());
    }
  }

  private static void awaitFullPtuBucket(SpillwayPool pool, Queue<Throwable> errors) {
    await()
        .alias("the PTU bucket never filled: the load is too low to test spill")
        .atMost(SIM_MINUTE.multipliedBy(6))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              Throwable failed = errors.peek();
              if (failed != null) {
                throw new AssertionError(errors.size() + " calls failed while filling", failed);
              }
              Double utilization = pool.snapshot().backend("ptu").route("gpt-4o").utilization();
              return utilization != null && utilization >= 95;
            });
  }

  private static void callUntilStopped(
      SdkClient client, AtomicBoolean running, Queue<Throwable> errors) {
    while (running.get()) {
      try {
        if (client.chat("gpt-4o", "Say hello to the pool.", 100).isEmpty()) {
          errors.add(new AssertionError("no completion text"));
        }
        Thread.sleep(THINK_TIME.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        errors.add(e);
      }
    }
  }

  private static SpillwayPool pool(Simulator simulator, Queue<CallOutcome> outcomes) {
    return SpillwayPool.builder()
        .backend(
            Backend.builder("ptu")
                .endpoint(simulator.resource("ptu").baseUrl())
                .tier(0)
                .deployment(Deployment.ptu("gpt-4o", "gpt4o-ptu", PTU_TOKENS_PER_MINUTE))
                .build(),
            Credential.apiKey("key-ptu"))
        .backend(
            Backend.builder("paygo-1")
                .endpoint(simulator.resource("paygo-1").baseUrl())
                .tier(1)
                .deployment(Deployment.of("gpt-4o", "gpt-4o").withTpm(PAYGO_TPM).withRpm(PAYGO_RPM))
                .build(),
            Credential.apiKey("key-paygo-1"))
        .backend(
            Backend.builder("paygo-2")
                .endpoint(simulator.resource("paygo-2").baseUrl())
                .tier(1)
                .deployment(Deployment.of("gpt-4o", "gpt-4o").withTpm(PAYGO_TPM).withRpm(PAYGO_RPM))
                .build(),
            Credential.apiKey("key-paygo-2"))
        .settings(
            PoolSettings.builder()
                .timeout(scaled(Duration.ofSeconds(120)))
                .attemptTimeout(scaled(Duration.ofSeconds(60)))
                .ewmaDecay(scaled(Duration.ofSeconds(10)))
                .circuitBreakDuration(scaled(Duration.ofSeconds(5)))
                .throttleFallbackCoolDown(scaled(Duration.ofSeconds(1)))
                .lapBackoff(scaled(Duration.ofMillis(100)))
                .quotaWindow(scaled(Duration.ofMinutes(1)))
                .build())
        .listener(
            new PoolListener() {
              @Override
              public void onCallComplete(CallOutcome outcome) {
                outcomes.add(outcome);
              }
            })
        .build();
  }

  private static Duration scaled(Duration d) {
    return Duration.ofNanos((long) (d.toNanos() / TIME_SCALE));
  }
}
