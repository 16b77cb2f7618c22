package dev.spillway.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.spillway.simulator.DeploymentStats;
import dev.spillway.simulator.SimulatorStats;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FiguresTest {
  static DeploymentStats ptu(String id, long served, long chargeable) {
    return new DeploymentStats(
        id,
        "gpt-4o",
        true,
        0,
        0,
        0,
        0,
        served * 8 / 6,
        served,
        served,
        served,
        chargeable,
        Duration.ofMinutes(1));
  }

  static DeploymentStats standard(String id, long admitted, long used, long tpm) {
    return new DeploymentStats(
        id,
        "gpt-4o",
        false,
        0,
        0,
        0,
        0,
        admitted,
        used,
        used,
        admitted,
        tpm,
        Duration.ofMinutes(1));
  }

  @Test
  void goodputScalesStandardCapacityByActualOverEstimatedTokens() {
    // PTU serves its whole drain; the standard deployment admits its whole TPM in estimates, of
    // which 3/4 are really produced: the pool served everything it could.
    SimulatorStats full =
        new SimulatorStats(
            20,
            List.of(ptu("ptu-a", 240_000, 240_000), standard("paygo-1", 120_000, 90_000, 120_000)));
    assertThat(Figures.goodputFraction(full)).isCloseTo(1.0, within(1e-9));
    assertThat(full.capacityFraction()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void sendingMoreToStandardDeploymentsDoesNotRaiseIt() {
    // Half the PTU drain unused, the standard deployment full: capacity_fraction counts the
    // standard books at the admission estimate, goodput at what was really served.
    SimulatorStats skewed =
        new SimulatorStats(
            20,
            List.of(ptu("ptu-a", 120_000, 240_000), standard("paygo-1", 120_000, 90_000, 120_000)));
    assertThat(Figures.goodputFraction(skewed))
        .isCloseTo((120_000.0 + 90_000) / (240_000 + 90_000), within(1e-9));
    assertThat(skewed.capacityFraction()).isCloseTo(240_000.0 / 360_000, within(1e-9));
  }

  @Test
  void withoutStandardAdmissionsThePoolWideRatioStandsIn() {
    SimulatorStats ptuOnly =
        new SimulatorStats(
            20, List.of(ptu("ptu-a", 60_000, 240_000), standard("paygo-1", 0, 0, 120_000)));
    // ptu(): admitted = served × 8/6, so actual ÷ estimate = 0.75.
    assertThat(Figures.goodputFraction(ptuOnly))
        .isCloseTo(60_000.0 / (240_000 + 120_000 * 0.75), within(1e-9));
    assertThat(Figures.goodputFraction(new SimulatorStats(20, List.of()))).isNull();
  }
}
