package dev.spillway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestPacerTest {
  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void admitsRpmOverSixtyPerSecondThenWaitsForTheOldestSendToLeaveTheWindow() {
    RequestPacer pacer = RequestPacer.forRpm(180, MINUTE); // 3 per second, 30 per ten seconds
    pacer.record(0);
    pacer.record(100);
    assertThat(pacer.nanosUntilFree(200, 1)).isZero();
    pacer.record(200);

    assertThat(pacer.nanosUntilFree(300, 1)).isEqualTo(SECOND - 300);
    assertThat(pacer.nanosUntilFree(SECOND, 1)).isZero();
  }

  @Test
  void tenSecondWindowHoldsBackWhenTheSecondsAddUpPastRpmOverSix() {
    RequestPacer pacer = RequestPacer.forRpm(60, MINUTE); // 1 per second, 10 per ten seconds
    for (int i = 0; i < 10; i++) {
      assertThat(pacer.nanosUntilFree(i * SECOND, 1)).isZero();
      pacer.record(i * SECOND);
    }
    // the eleventh second is free in the one-second window but not in the ten-second one
    assertThat(pacer.nanosUntilFree(10 * SECOND - 1, 1)).isEqualTo(1);
    assertThat(pacer.nanosUntilFree(10 * SECOND, 1)).isZero();
  }

  @Test
  void processesSharingTheRouteEachKeepToTheirShareOfTheWindows() {
    RequestPacer pacer = RequestPacer.forRpm(720, MINUTE); // 12 per second, 120 per ten seconds
    for (int i = 0; i < 3; i++) {
      assertThat(pacer.nanosUntilFree(i, 4)).isZero();
      pacer.record(i);
    }
    // a quarter of 12: the fourth send of this second waits for the first to leave it
    assertThat(pacer.nanosUntilFree(3, 4)).isEqualTo(SECOND - 3);
    assertThat(pacer.nanosUntilFree(3, 1)).isZero();
    assertThat(pacer.nanosUntilFree(SECOND, 4)).isZero();
    // more processes than requests per window: each still gets one
    assertThat(RequestPacer.forRpm(120, MINUTE).nanosUntilFree(0, 4)).isZero();
  }

  @Test
  void windowsShrinkWithACompressedQuotaWindow() {
    RequestPacer pacer = RequestPacer.forRpm(60, 3 * SECOND); // a 3 s "minute": 50 ms windows
    pacer.record(0);
    assertThat(pacer.nanosUntilFree(0, 1)).isEqualTo(50_000_000L);
  }

  @Test
  void withoutAConfiguredRpmNothingIsHeldBack() {
    RequestPacer pacer = RequestPacer.forRpm(0, MINUTE);
    for (int i = 0; i < 1000; i++) {
      pacer.record(i);
    }
    assertThat(pacer.nanosUntilFree(1000, 1)).isZero();
  }
}
