package dev.spillway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Arguments and configuration files the CLI refuses before sending anything: exit code 2. */
class MainTest {
  static final String CANARY = "canary-key-5d1e88";
  static final String VALID_BACKEND =
      """
          - id: local
            endpoint: http://127.0.0.1:9
            api-key: %s
            deployments: [{ model: gpt-4o, deployment: gpt-4o }]
      """
          .formatted(CANARY);

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
      missing endpoint | "    - id: a\\n      api-key: k\\n      deployments: [{ model: gpt-4o, deployment: d }]\\n" | :3: spillway.backends[0].endpoint: backend 'a': endpoint cannot be null or blank.
      bad tier         | "    - id: a\\n      endpoint: https://a.openai.azure.com\\n      tier: -1\\n      api-key: k\\n      deployments: [{ model: gpt-4o, deployment: d }]\\n" | :5: spillway.backends[0].tier: backend 'a': tier must be >= 0, was -1
      unknown property | "    - id: a\\n      endpoint: https://a.openai.azure.com\\n      tierr: 1\\n      api-key: k\\n      deployments: [{ model: gpt-4o, deployment: d }]\\n" | :5: spillway.backends[0].tierr: unknown property; expected one of api-key, api-key-secret, api-key-secret-refresh, credential, deployments, endpoint, id, region, tier, weight
      unset variable   | "    - id: a\\n      endpoint: https://a.openai.azure.com\\n      api-key: ${SPILLWAY_TEST_UNSET_VARIABLE}\\n      deployments: [{ model: gpt-4o, deployment: d }]\\n" | :5: spillway.backends[0].api-key: environment variable SPILLWAY_TEST_UNSET_VARIABLE is not set
      duplicate id     | "    - id: local\\n      endpoint: https://a.openai.azure.com\\n      api-key: k\\n      deployments: [{ model: gpt-4o, deployment: d }]\\n" | :7: spillway.backends[1].id: backend id 'local' is used twice.
      """)
  void configErrorsExitWithCode2AndOneLineNamingFilePropertyAndProblem(
      String name, String backend, String expected) throws Exception {
    String yaml =
        "spillway:\n  backends:\n"
            + (name.equals("duplicate id") ? VALID_BACKEND : "")
            + backend.replace("\\n", "\n");
    Path file = dir.resolve("pool.yaml");
    Files.writeString(file, yaml);

    CliRun run = CliRun.of("run", "--config", file.toString(), "--model", "gpt-4o");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).containsExactly("spillway-cli run: " + file + expected);
    assertThat(run.err()).doesNotContain(CANARY);
  }

  @Test
  void modelNoBackendServesIsAUsageError() throws Exception {
    Path file = dir.resolve("pool.yaml");
    Files.writeString(file, "spillway:\n  backends:\n" + VALID_BACKEND);

    CliRun run = CliRun.of("run", "--config", file.toString(), "--model", "gpt-5");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines())
        .containsExactly(
            "spillway-cli run: --model 'gpt-5': no backend of "
                + file
                + " serves it; they serve [gpt-4o]");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void missingFileIsAUsageError() {
    CliRun run = CliRun.of("run", "--config", dir.resolve("nope.yaml").toString(), "--model", "m");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString().contains("nope.yaml", "cannot read");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
      no command         | ""                                          | spillway-cli: a command is required (see --help)
      unknown command    | probe                                       | spillway-cli: Unmatched argument at index 0: 'probe' (see --help)
      missing config     | run --model m                               | spillway-cli run: Missing required option: '--config=FILE' (see --help)
      zero requests      | run --config x --model m --requests 0       | spillway-cli run: --requests must be >= 1, was 0 (see --help)
      zero concurrency   | run --config x --model m --concurrency 0    | spillway-cli run: --concurrency must be >= 1, was 0 (see --help)
      negative rate      | run --config x --model m --rate -1          | spillway-cli run: --rate must be > 0, was -1.0 (see --help)
      not a number       | run --config x --model m --max-tokens many  | spillway-cli run: Invalid value for option '--max-tokens': 'many' is not an int (see --help)
      zero seconds       | demo --seconds 0                            | spillway-cli demo: --seconds must be >= 1, was 0 (see --help)
      unknown option     | demo --fast                                 | spillway-cli demo: Unknown option: '--fast' (see --help)
      """)
  void badArgumentsExitWithCode2AndOneLine(String name, String args, String expected) {
    CliRun run = CliRun.of(args == null || args.isBlank() ? new String[0] : args.split(" "));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).containsExactly(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "--help, (demo | run | report)",
    "demo --help, --seconds=N",
    "run --help, --config=FILE",
    "report --help, --audit=FILE"
  })
  void helpGoesToStdoutWithExitCode0(String args, String mentions) {
    CliRun run = CliRun.of(args.split(" "));

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("Usage: spillway-cli").contains(mentions, "Exit codes:");
    assertThat(run.err()).isEmpty();
  }
}
