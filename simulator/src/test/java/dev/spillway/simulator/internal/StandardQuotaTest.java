package dev.spillway.simulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StandardQuotaTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long S = TimeUnit.SECONDS.toNanos(1);

  @Test
  void chargesPromptPlusMaxTokensAgainstTheMinuteAndRefusesWhatDoesNotFit() {
    StandardQuota quota = new StandardQuota(120_000, false); // 720 RPM: 12 per second, 120 per 10 s
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
    StandardQuota quota = new StandardQuota(100_000, false);
    assertThat(quota.admit(0, 99_000).admitted()).isTrue();
    assertThat(quota.admit(S, 2_000).admitted()).isFalse();
    assertThat(quota.admit(2 * S, 1_000).admitted()).isTrue();
  }

  @Test
  void limitsRequestsOverOneSecondWindows() {
    StandardQuota quota = new StandardQuota(120_000, false);
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
    StandardQuota quota = new StandardQuota(120_000, false); // 120 per 10 s
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
    StandardQuota quota = new StandardQuota(1_000, false); // 6 RPM
    assertThat(quota.admit(0, 10).admitted()).isTrue();
    assertThat(quota.admit(2 * S, 10).limit()).isEqualTo(Admission.Limit.CALLS);
    assertThat(quota.admit(10 * S, 10).admitted()).isTrue();
  }

  @Test
  void limitFactorShrinksTokensAndRequests() {
    StandardQuota quota = new StandardQuota(120_000, false);
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
    StandardQuota quota = new StandardQuota(10_000, false);
    quota.admit(0, 10_000);
    quota.settle(0, -9_000);
    assertThat(quota.admit(5 * S, 1).limit()).isEqualTo(Admission.Limit.TOKENS);
  }

  @Test
  void aSlidingWindowCountsTokensOverTheLastSixtySeconds() {
    long minute = TimeUnit.MINUTES.toNanos(1);
    StandardQuota sliding = new StandardQuota(120_000, true);
    StandardQuota fixed = new StandardQuota(120_000, false);
    for (StandardQuota quota : new StandardQuota[] {sliding, fixed}) {
      assertThat(quota.admit(10 * S, 60_000).admitted()).isTrue();
      assertThat(quota.admit(40 * S, 60_000).admitted()).isTrue();
    }
    // A new fixed minute forgets everything; the rolling window still holds both admissions.
    assertThat(fixed.admit(minute, 120_000).admitted()).isTrue();
    Admission refused = sliding.admit(minute, 1);
    assertThat(refused.limit()).isEqualTo(Admission.Limit.TOKENS);
    assertThat(refused.remainingTokens()).isZero();
    assertThat(refused.retryAfterSimNanos())
        .as("until the admission at 10 s leaves the window")
        .isEqualTo(10 * S);
    assertThat(sliding.admit(minute + 10 * S - 1, 1).admitted()).isFalse();

    Admission admitted = sliding.admit(minute + 10 * S, 60_000);
    assertThat(admitted.admitted()).as("the one at 10 s expired").isTrue();
    assertThat(admitted.remainingTokens()).isZero();
    Admission later = sliding.admit(minute + 20 * S, 70_000);
    assertThat(later.retryAfterSimNanos())
        .as("60k must expire at 100 s, and 60k more at 130 s")
        .isEqualTo(minute + 70 * S - (minute + 20 * S));
    assertThat(sliding.admit(minute + 70 * S, 60_000).admitted()).isTrue();
  }
}
