package dev.spillway.simulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PtuQuotaTest {
  private static final long S = TimeUnit.SECONDS.toNanos(1);

  @Test
  void admitsWhileAtMostFullAndRefusesAboveWithTheDrainTime() {
    PtuQuota quota = new PtuQuota(60_000, 0); // 1,000 tokens per second, capacity 60,000
    assertThat(quota.admit(0, 60_000).admitted()).isTrue();
    assertThat(quota.admit(0, 5_000).admitted()).as("exactly 100 % still admits").isTrue();

    Admission refused = quota.admit(S, 1);
    assertThat(refused.limit()).isEqualTo(Admission.Limit.UTILIZATION);
    assertThat(refused.utilization()).isCloseTo(64_000.0 / 60_000, within(1e-9));
    assertThat(refused.retryAfterSimNanos()).isEqualTo(4 * S);

    assertThat(quota.admit(5 * S, 1).admitted()).isTrue();
  }

  @Test
  void drainsContinuouslyAndNeverBelowEmpty() {
    PtuQuota quota = new PtuQuota(60_000, 0);
    quota.admit(0, 30_000);
    assertThat(quota.utilization(15 * S)).isCloseTo(0.25, within(1e-9));
    assertThat(quota.utilization(100 * S)).isZero();
  }

  @Test
  void settlingCorrectsTheChargeToTheActualCost() {
    PtuQuota quota = new PtuQuota(60_000, 0);
    quota.admit(0, 61_000);
    assertThat(quota.admit(0, 1).admitted()).isFalse();

    quota.settle(0, -2_000);

    assertThat(quota.utilization(0)).isCloseTo(59_000.0 / 60_000, within(1e-9));
    assertThat(quota.admit(0, 1).admitted()).isTrue();
    quota.settle(0, -1_000_000);
    assertThat(quota.utilization(0)).isZero();
  }

  @Test
  void limitFactorShrinksCapacityAndRate() {
    PtuQuota quota = new PtuQuota(60_000, 0);
    quota.limitFactor(0, 0.5);
    quota.admit(0, 31_000);

    Admission refused = quota.admit(0, 1);
    assertThat(refused.limitTokens()).isEqualTo(30_000);
    assertThat(refused.limitReduced()).isTrue();
    assertThat(refused.retryAfterSimNanos())
        .isEqualTo(2 * S); // 1,000 over, draining 500 per second
    assertThat(quota.tokensPerMinute()).isEqualTo(30_000);
  }
}
