package dev.spillway.simulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.spillway.simulator.DeploymentConfig;
import dev.spillway.simulator.DeploymentStats;
import dev.spillway.simulator.Faults;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeploymentRuntimeTest {
  private final AtomicLong ticker = new AtomicLong();
  private final SimClock clock = new SimClock(ticker::get, 20);

  @Test
  void standardBooksChargeAdmissionEstimatesAgainstTpmOverTime() {
    DeploymentRuntime d =
        new DeploymentRuntime("r", DeploymentConfig.standard("d", 120_000), clock, 1, false);
    d.onRequest();
    d.admit(800);
    d.settle(true, 800, 400);
    d.onRequest();
    d.admit(200_000);
    ticker.addAndGet(TimeUnit.SECONDS.toNanos(3)); // one simulated minute

    DeploymentStats stats = d.stats();
    assertThat(stats.requests()).isEqualTo(2);
    assertThat(stats.succeeded()).isEqualTo(1);
    assertThat(stats.throttled()).isEqualTo(1);
    assertThat(stats.tokensAdmitted()).isEqualTo(800);
    assertThat(stats.tokensCharged()).isEqualTo(800);
    assertThat(stats.tokensServed()).isEqualTo(400);
    assertThat(stats.tokensUsed()).as("the actual cost of what was admitted").isEqualTo(400);
    assertThat(stats.tokensChargeable()).isEqualTo(120_000);
    assertThat(stats.period()).isEqualTo(Duration.ofMinutes(1));
    assertThat(stats.capacityFraction()).isEqualTo(800.0 / 120_000);
  }

  @Test
  void utilizationIsSetOnPtuDeploymentsOnlyAndDrainsFromThere() {
    DeploymentRuntime ptu =
        new DeploymentRuntime("r", DeploymentConfig.ptu("d", 240_000), clock, 1, false);
    ptu.utilization(1.0);
    assertThat(ptu.admit(800).admitted()).as("exactly 100 % still admits").isTrue();
    assertThat(ptu.admit(800).admitted()).as("above 100 %").isFalse();
    ticker.addAndGet(TimeUnit.MILLISECONDS.toNanos(1500)); // half a simulated minute
    assertThat(ptu.utilization()).isCloseTo(0.5 + 800.0 / 240_000, within(1e-6));

    assertThatThrownBy(() -> ptu.utilization(-0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("resource 'r' deployment 'd': utilization must be in [0, 10], was -0.1");
    DeploymentRuntime standard =
        new DeploymentRuntime("r", DeploymentConfig.standard("s", 120_000), clock, 1, false);
    assertThatThrownBy(() -> standard.utilization(1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "resource 'r' deployment 's' is a standard deployment; utilization applies to PTU"
                + " deployments");
  }

  @Test
  void ptuBooksChargeTheCorrectedCostAndChargeableFollowsLimitChanges() {
    DeploymentRuntime d =
        new DeploymentRuntime("r", DeploymentConfig.ptu("d", 240_000), clock, 1, false);
    d.admit(800);
    d.settle(false, 800, 500);
    ticker.addAndGet(TimeUnit.MILLISECONDS.toNanos(1500)); // half a simulated minute at full rate
    d.faults(Faults.NONE.withLimitFactor(0.5));
    ticker.addAndGet(TimeUnit.MILLISECONDS.toNanos(1500)); // half a minute at half rate

    DeploymentStats stats = d.stats();
    assertThat(stats.tokensAdmitted()).isEqualTo(800);
    assertThat(stats.tokensCharged()).isEqualTo(500);
    assertThat(stats.failed()).isEqualTo(1);
    assertThat(stats.tokensServed()).isZero();
    assertThat(stats.tokensUsed()).as("a failed request's tokens still count").isEqualTo(500);
    assertThat(stats.tokensChargeable()).isEqualTo(120_000 + 60_000);

    d.resetBooks();
    assertThat(d.stats().tokensCharged()).isZero();
    assertThat(d.stats().tokensChargeable()).isZero();
  }

  @Test
  void answersAreSeededPerDeploymentAndSequence() {
    DeploymentConfig config = DeploymentConfig.standard("d", 1_000);
    DeploymentRuntime a = new DeploymentRuntime("r", config, clock, 5, false);
    DeploymentRuntime b = new DeploymentRuntime("r", config, clock, 5, false);
    DeploymentRuntime other = new DeploymentRuntime("r", config, clock, 6, false);

    long first = a.nextRandom().nextLong();
    assertThat(b.nextRandom().nextLong()).isEqualTo(first);
    assertThat(a.nextRandom().nextLong()).isNotEqualTo(first);
    assertThat(other.nextRandom().nextLong()).isNotEqualTo(first);
    assertThat(a.systemFingerprint()).isEqualTo(b.systemFingerprint()).matches("fp_[0-9a-f]{10}");
  }
}
