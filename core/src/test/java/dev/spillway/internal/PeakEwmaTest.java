package dev.spillway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
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

  /**
   * The comparison of P2C decides by the bounds of exp where it can; it must answer as comparing
   * against the decayed value with exp does, for pairs near a tie (inside the band), far apart, and
   * with samples from moments far apart (|x| beyond the bounded range, exp overflowing to
   * infinity).
   */
  @Test
  void comparingScaledEstimatesAnswersAsTheDecayedValuesDo() {
    SplittableRandom random = new SplittableRandom(7);
    for (int n = 0; n < 200_000; n++) {
      PeakEwma a = new PeakEwma(TAU);
      PeakEwma b = new PeakEwma(TAU);
      long aAt = random.nextLong(0, 1_000 * TAU);
      long bAt =
          random.nextInt(4) == 0
              ? aAt + random.nextLong(-TAU / 2, TAU / 2)
              : random.nextLong(0, 1_000 * TAU);
      long aValue = random.nextLong(0, 10_000 * MS);
      double near =
          aValue * Math.exp(-(bAt - aAt) / (double) TAU) * (1 + random.nextDouble(-1e-6, 1e-6));
      long bValue = random.nextBoolean() ? (long) near : random.nextLong(0, 10_000 * MS);
      a.observe(aValue, aAt);
      b.observe(bValue, bAt);
      double aCount = random.nextInt(8) + 1;
      double aWeight = random.nextBoolean() ? random.nextInt(4) + 1 : random.nextDouble(0.1, 5);
      boolean same = random.nextBoolean();
      double bCount = same ? aCount : random.nextInt(8) + 1;
      double bWeight = same ? aWeight : random.nextInt(4) + 1;

      double left = aValue * (aCount / aWeight);
      double right = bValue * (bCount / bWeight) * Math.exp((bAt - aAt) / (double) TAU);
      assertThat(a.exceedsScaled(aCount, aWeight, b, bCount, bWeight))
          .as(
              "a=%d@%d ×%s/%s, b=%d@%d ×%s/%s",
              aValue, aAt, aCount, aWeight, bValue, bAt, bCount, bWeight)
          .isEqualTo(Double.compare(left, right) > 0);
    }
  }
}
