package dev.spillway.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @Test
  void flagsDescribeOneResource() throws IOException {
    SimulatorConfig config =
        Main.parse(
            new String[] {
              "--port",
              "0",
              "--deployments",
              "a, b",
              "--tpm",
              "5000",
              "--ptu",
              "--api-key",
              "k",
              "--time-scale",
              "20",
              "--region",
              "West Europe",
              "--retry-after-ms",
              "--sliding-window",
              "--seed",
              "4",
              "--id",
              "one"
            });

    ResourceConfig resource = config.resources().get(0);
    assertThat(resource.id()).isEqualTo("one");
    assertThat(resource.region()).isEqualTo("West Europe");
    assertThat(resource.deployments()).extracting(DeploymentConfig::name).containsExactly("a", "b");
    assertThat(resource.deployments())
        .allSatisfy(
            d -> {
              assertThat(d.ptu()).isTrue();
              assertThat(d.tpm()).isEqualTo(5000);
            });
    assertThat(config.timeScale()).isEqualTo(20);
    assertThat(config.retryAfterMs()).isTrue();
    assertThat(config.slidingWindow()).isTrue();
    assertThat(config.seed()).isEqualTo(4);
  }

  @Test
  void badCommandLinesAreExplained() {
    assertThatThrownBy(() -> Main.parse(new String[] {"--port", "1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--config FILE, or all of");
    assertThatThrownBy(() -> Main.parse(new String[] {"--tpm", "lots"}))
        .hasMessageStartingWith("Invalid value for option '--tpm': 'lots' is not a long");
    assertThatThrownBy(() -> Main.parse(new String[] {"--frobnicate"}))
        .hasMessage("Unknown option: '--frobnicate'");
    assertThatThrownBy(() -> Main.parse(new String[] {"--config", "x.yaml", "--tpm", "1"}))
        .hasMessageContaining("cannot be combined");
    assertThatThrownBy(() -> Main.parse(new String[] {"--api-key"}))
        .hasMessage("Missing required parameter for option '--api-key' (KEY)");
  }

  @Test
  void launchPrintsOneListeningLinePerResource(@TempDir Path dir) throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("sim.yaml"),
            """
                resources:
                  - {id: a, api-key: k, deployments: [{name: d, tpm: 1000}]}
                  - {id: b, api-key: k, deployments: [{name: d, tpm: 1000, ptu: true}]}
                """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    try (Simulator simulator =
        Main.launch(
            new String[] {"--config", file.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8))) {
      assertThat(out.toString(StandardCharsets.UTF_8).lines())
          .containsExactly(
              "listening a http://127.0.0.1:" + simulator.resource("a").port(),
              "listening b http://127.0.0.1:" + simulator.resource("b").port());
    }
  }
}
