package dev.spillway.simulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StandardQuotaTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long S = TimeUnit.SECONDS.toNanos(1);

  @Test
  void chargesPromptPlusMaxTokensAgainstTheMinuteAndRefusesWhatDoesNotFit() {
    StandardQuota quota = new StandardQuota(120_000); // 720 RPM: 12 per second, 120 per 10 s
    long now = 0;
    long admitted = 0;
    for (int i = 0; i < 200; i++, now += 200 * MS) { // 5 per second, within the call limits
      Admission a = quota.admit(now, 1_000);
      if (now >= TimeUnit.MINUTES.toNanos(1)) {
        break;
      }
      if (a.admitted()) {
        admitted += 1_000;
        assertThat(a.remainingTokens()).isEqualTo(120_000 - admitted);
      } else {
        assertThat(a.limit()).isEqualTo(Admission.Limit.TOKENS);
        assertThat(a.retryAfterSimNanos()).isEqualTo(TimeUnit.MINUTES.toNanos(1) - now);
        assertThat(a.limitTokens()).isEqualTo(120_000);
        assertThat(a.limitRequests()).isEqualTo(720);
      }
    }
    assertThat(admitted).isEqualTo(120_000);
    assertThat(quota.admit(TimeUnit.MINUTES.toNanos(1), 1_000).admitted())
        .as("a new minute")
        .isTrue();
  }

  @Test
  void refusedRequestsAreNotCharged() {
    StandardQuota quota = new StandardQuota(100_000);
    assertThat(quota.admit(0, 99_000).admitted()).isTrue();
    assertThat(quota.admit(S, 2_000).admitted()).isFalse();
    assertThat(quota.admit(2 * S, 1_000).admitted()).isTrue();
  }

  @Test
  void limitsRequestsOverOneSecondWindows() {
    StandardQuota quota = new StandardQuota(120_000);
    for (int i = 0; i < 12; i++) {
      assertThat(quota.admit(100 * MS, 10).admitted()).isTrue();
    }
    Admission refused = quota.admit(300 * MS, 10);
    assertThat(refused.limit()).isEqualTo(Admission.Limit.CALLS);
    assertThat(refused.retryAfterSimNanos()).isEqualTo(700 * MS);
    assertThat(quota.admit(S, 10).admitted()).isTrue();
  }

  @Test
  void limitsRequestsOverTenSecondWindows() {
    StandardQuota quota = new StandardQuota(120_000); // 120 per 10 s
    for (int i = 0; i < 120; i++) {
      assertThat(quota.admit((i / 12) * S, 10).admitted()).isTrue();
    }
    Admission refused = quota.admit(9 * S + 500 * MS, 10);
    assertThat(refused.limit()).isEqualTo(Admission.Limit.CALLS);
    assertThat(refused.retryAfterSimNanos()).isEqualTo(500 * MS);
    assertThat(quota.admit(10 * S, 10).admitted()).isTrue();
  }

  @Test
  void smallDeploymentsStillAdmitOneRequestPerWindow() {
    StandardQuota quota = new StandardQuota(1_000); // 6 RPM
    assertThat(quota.admit(0, 10).admitted()).isTrue();
    assertThat(quota.admit(2 * S, 10).limit()).isEqualTo(Admission.Limit.CALLS);
    assertThat(quota.admit(10 * S, 10).admitted()).isTrue();
  }

  @Test
  void limitFactorShrinksTokensAndRequests() {
    StandardQuota quota = new StandardQuota(120_000);
    quota.limitFactor(0, 0.5);

    Admission a = quota.admit(0, 1_000);
    assertThat(a.limitTokens()).isEqualTo(60_000);
    assertThat(a.limitRequests()).isEqualTo(360);
    assertThat(a.limitReduced()).isTrue();
    assertThat(quota.tokensPerMinute()).isEqualTo(60_000);
    assertThat(quota.admit(0, 59_001).limit()).isEqualTo(Admission.Limit.TOKENS);
  }

  @Test
  void settlingChangesNothingOnAStandardDeployment() {
    StandardQuota quota = new StandardQuota(10_000);
    quota.admit(0, 10_000);
    quota.settle(0, -9_000);
    assertThat(quota.admit(5 * S, 1).limit()).isEqualTo(Admission.Limit.TOKENS);
  }
}
