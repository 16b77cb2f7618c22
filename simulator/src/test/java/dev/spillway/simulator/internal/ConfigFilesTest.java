package dev.spillway.simulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.simulator.DeploymentConfig;
import dev.spillway.simulator.SimulatorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {
  @TempDir Path dir;

  @Test
  void readsAYamlSetUp() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("sim.yaml"),
            """
                time-scale: 20
                seed: 9007199254740993
                retry-after-ms: true
                resources:
                  - id: ptu-a
                    port: 0
                    region: Sweden Central
                    api-key: secret
                    deployments:
                      - name: gpt-4o
                        ptu: true
                        tpm: 240000
                        min-output-tokens: 50
                        latency-multiplier: 2
                        latency: {ttft-median-ms: 300, ttft-sigma: 0.1, per-token-ms: 12.5}
                      - {name: embed, model: text-embedding-ada-002, tpm: 1000}
                """);

    SimulatorConfig config = ConfigFiles.load(file);

    assertThat(config.timeScale()).isEqualTo(20);
    assertThat(config.seed()).isEqualTo(9007199254740993L);
    assertThat(config.retryAfterMs()).isTrue();
    DeploymentConfig ptu = config.resources().get(0).deployments().get(0);
    assertThat(ptu.ptu()).isTrue();
    assertThat(ptu.tpm()).isEqualTo(240_000);
    assertThat(ptu.minOutputTokens()).isEqualTo(50);
    assertThat(ptu.latencyMultiplier()).isEqualTo(2);
    assertThat(ptu.latency().timePerOutputToken()).isEqualTo(Duration.ofNanos(12_500_000));
    assertThat(config.resources().get(0).deployments().get(1).model())
        .isEqualTo("text-embedding-ada-002");
  }

  @Test
  void readsAJsonSetUpWithCamelCaseKeys() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("sim.json"),
            """
                {"timeScale": 5, "resources": [{"id": "r", "apiKey": "k",
                  "deployments": [{"name": "d", "tpm": 1000, "minOutputTokens": 3}]}]}
                """);

    SimulatorConfig config = ConfigFiles.load(file);

    assertThat(config.timeScale()).isEqualTo(5);
    assertThat(config.resources().get(0).region()).isEqualTo("East US");
    assertThat(config.resources().get(0).deployments().get(0).minOutputTokens()).isEqualTo(3);
  }

  @Test
  void errorsNameTheFileAndThePlace() throws IOException {
    Path unknown =
        Files.writeString(
            dir.resolve("a.yaml"),
            """
                resources:
                  - id: r
                    api-key: k
                    deployments:
                      - {name: d, tmp: 1000}
                """);
    Path missing =
        Files.writeString(
            dir.resolve("b.yaml"), "resources: [{id: r, api-key: k, deployments: [{name: d}]}]");
    Path invalid =
        Files.writeString(
            dir.resolve("c.yaml"),
            "resources: [{id: r, api-key: k, deployments: [{name: d, tpm: -5}]}]");
    Path broken = Files.writeString(dir.resolve("d.json"), "{\"resources\": [");

    assertThatThrownBy(() -> ConfigFiles.load(unknown))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(unknown + ":5: resources[0].deployments[0].tmp: unknown key;")
        .hasMessageContaining(
            "known keys: [latency, latency-multiplier, min-output-tokens, model,");
    assertThatThrownBy(() -> ConfigFiles.load(missing))
        .hasMessage(missing + ":1: resources[0].deployments[0].tpm: is required");
    assertThatThrownBy(() -> ConfigFiles.load(invalid))
        .hasMessage(
            invalid + ":1: resources[0].deployments[0]: deployment 'd': tpm must be > 0, was -5");
    assertThatThrownBy(() -> ConfigFiles.load(broken))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(broken + ":1: cannot parse:");
  }

  @Test
  void typeErrorsPointAtTheLineOfTheValue() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("types.yaml"),
            """
                time-scale: 20
                resources:
                  - id: r
                    api-key: k
                    port: "8080"
                    deployments: [{name: d, tpm: 1000}]
                """);
    Path fraction =
        Files.writeString(
            dir.resolve("fraction.yaml"),
            """
                resources:
                  - id: r
                    api-key: k
                    deployments:
                      - name: d
                        tpm: 1000.5
                """);
    Path twice =
        Files.writeString(
            dir.resolve("twice.yaml"),
            """
                seed: 1
                seed: 2
                resources: []
                """);

    assertThatThrownBy(() -> ConfigFiles.load(file))
        .hasMessage(file + ":5: resources[0].port: expected a whole number");
    assertThatThrownBy(() -> ConfigFiles.load(fraction))
        .hasMessage(fraction + ":6: resources[0].deployments[0].tpm: expected a whole number");
    assertThatThrownBy(() -> ConfigFiles.load(twice))
        .hasMessageStartingWith(twice + ":2: cannot parse: Duplicate field 'seed'");
  }

  @Test
  void aValueInTheWrongFieldIsNeverEchoed() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("key.yaml"),
            """
                resources:
                  - id: r
                    api-key: k
                    port: sk-canary
                    deployments: [{name: d, tpm: 1000}]
                """);

    assertThatThrownBy(() -> ConfigFiles.load(file))
        .hasMessage(file + ":4: resources[0].port: expected a whole number")
        .hasNoCause();
  }
}
