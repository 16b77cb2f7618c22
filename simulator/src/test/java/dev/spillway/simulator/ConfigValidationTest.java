package dev.spillway.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigValidationTest {

  @Test
  void invalidValuesAreRejectedNamingOwnerFieldAndValue() {
    assertThatThrownBy(() -> DeploymentConfig.standard("d", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deployment 'd': tpm must be > 0, was 0");
    assertThatThrownBy(() -> DeploymentConfig.ptu("d", 10).withLatencyMultiplier(-1))
        .hasMessage("deployment 'd': latencyMultiplier must be > 0 and finite, was -1.0");
    assertThatThrownBy(() -> DeploymentConfig.standard(" ", 10))
        .hasMessageContaining("deployment name");
    assertThatThrownBy(() -> LatencyModel.of(Duration.ofMillis(-1), 0, Duration.ZERO))
        .hasMessageContaining("timeToFirstTokenMedian must be >= 0");
    assertThatThrownBy(() -> ResourceConfig.of("r", "k"))
        .hasMessage("resource 'r': deployments must not be empty");
    assertThatThrownBy(
            () ->
                ResourceConfig.of(
                    "r", "k", DeploymentConfig.standard("d", 1), DeploymentConfig.standard("d", 2)))
        .hasMessageContaining("'d' appears twice");
    assertThatThrownBy(
            () -> ResourceConfig.of("r", "k", DeploymentConfig.standard("d", 1)).withPort(70_000))
        .hasMessage("resource 'r': port must be in [0, 65535], was 70000");
    ResourceConfig r = ResourceConfig.of("r", "k", DeploymentConfig.standard("d", 1));
    assertThatThrownBy(() -> SimulatorConfig.of(r, r)).hasMessageContaining("'r' appears twice");
    assertThatThrownBy(() -> SimulatorConfig.of(r).withTimeScale(0))
        .hasMessageContaining("timeScale must be in [0.001, 10000.0], was 0.0");
    assertThatThrownBy(() -> Faults.NONE.withErrors(1.5, 500)).hasMessageContaining("errorRate");
    assertThatThrownBy(() -> Faults.NONE.withErrors(1, 404)).hasMessageContaining("errorStatus");
    assertThatThrownBy(() -> Faults.NONE.withLimitFactor(0)).hasMessageContaining("limitFactor");
    assertThatThrownBy(() -> Faults.NONE.withStall(Duration.ofMillis(-5)))
        .hasMessageContaining("stall");
  }

  @Test
  void secretsStayOutOfToString() {
    ResourceConfig r = ResourceConfig.of("r", "super-secret", DeploymentConfig.standard("d", 1));
    assertThat(r.toString()).doesNotContain("super-secret").contains("apiKey=***");
  }

  @Test
  void benchmarkPoolIsTheOneBenchmarkMdDescribes() {
    SimulatorConfig pool = SimulatorConfigs.benchmarkPool(3);

    assertThat(pool.timeScale()).isEqualTo(20);
    assertThat(pool.seed()).isEqualTo(3);
    assertThat(pool.retryAfterMs()).isFalse();
    assertThat(pool.resources())
        .extracting(ResourceConfig::id)
        .containsExactly("ptu-a", "ptu-b", "paygo-1", "paygo-2", "paygo-3");
    List<DeploymentConfig> deployments =
        pool.resources().stream().map(res -> res.deployments().get(0)).toList();
    assertThat(deployments)
        .extracting(DeploymentConfig::ptu)
        .containsExactly(true, true, false, false, false);
    assertThat(deployments)
        .extracting(DeploymentConfig::tpm)
        .containsExactly(240_000L, 160_000L, 120_000L, 120_000L, 120_000L);
    assertThat(deployments.get(2).rpm()).isEqualTo(720);
    assertThat(deployments.get(4).latencyMultiplier()).isEqualTo(3);
    assertThat(deployments).allSatisfy(d -> assertThat(d.minOutputTokens()).isEqualTo(50));
  }
}
