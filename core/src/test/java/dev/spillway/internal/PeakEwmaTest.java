package dev.spillway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PeakEwmaTest {
  private static final long TAU = 10_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final long CAP_WITHOUT_SUCCESS = 60_000 * MS;

  @Test
  void aBurstOfThrottlesRaisesTheEstimateButNoFurtherThanEightTimesTheLastSuccess() {
    PeakEwma ewma = new PeakEwma(TAU);
    ewma.observe(170 * MS, 0);
    for (int i = 0; i < 11; i++) {
      ewma.penalize(2 * MS, MS, CAP_WITHOUT_SUCCESS, 0);
    }
    assertThat(ewma.value(0)).isEqualTo(8 * 170 * MS);
  }

  @Test
  void successesBetweenThrottleBurstsDoNotRaiseTheCap() {
    PeakEwma ewma = new PeakEwma(TAU);
    ewma.observe(100 * MS, 0);
    for (int cycle = 0; cycle < 5; cycle++) {
      for (int i = 0; i < 11; i++) {
        ewma.penalize(2 * MS, MS, CAP_WITHOUT_SUCCESS, 0);
      }
      ewma.observe(100 * MS, 0); // a probe succeeds at the same latency as before
    }
    for (int i = 0; i < 11; i++) {
      ewma.penalize(2 * MS, MS, CAP_WITHOUT_SUCCESS, 0);
    }
    assertThat(ewma.value(0)).isEqualTo(8 * 100 * MS);
  }

  @Test
  void onePenaltyDoublesTheEstimateAndNeverLowersIt() {
    PeakEwma ewma = new PeakEwma(TAU);
    ewma.observe(100 * MS, 0);
    ewma.penalize(2 * MS, MS, CAP_WITHOUT_SUCCESS, 0);
    assertThat(ewma.value(0)).isEqualTo(200 * MS);
    ewma.penalize(2 * MS, MS, CAP_WITHOUT_SUCCESS, 0);
    assertThat(ewma.value(0)).isEqualTo(400 * MS);
  }

  @Test
  void beforeAnySuccessPenaltiesGrowUpToTheCapWithoutSuccess() {
    PeakEwma ewma = new PeakEwma(TAU);
    for (int i = 0; i < 40; i++) {
      ewma.penalize(0, MS, CAP_WITHOUT_SUCCESS, 0);
    }
    assertThat(ewma.value(0)).isEqualTo(CAP_WITHOUT_SUCCESS);
  }

  @Test
  void aPeakSampleReplacesTheEstimateAndALowerOneDecaysTowardIt() {
    PeakEwma ewma = new PeakEwma(TAU);
    ewma.observe(100 * MS, 0);
    ewma.observe(300 * MS, 0);
    assertThat(ewma.value(0)).isEqualTo(300 * MS);
    ewma.observe(100 * MS, TAU); // w = e^-1
    double w = Math.exp(-1);
    assertThat(ewma.value(TAU)).isCloseTo(300 * MS * w + 100 * MS * (1 - w), within(1.0));
  }
}
