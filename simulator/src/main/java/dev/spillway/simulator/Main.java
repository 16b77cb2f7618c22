package dev.spillway.simulator;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The runnable jar's entry point ({@code java -jar spillway-simulator.jar}), its command line
 * parsed by picocli ({@code --help} lists it):
 *
 * <pre>
 * --config FILE                      a whole set-up, YAML or JSON (see the module README)
 * --port P --deployments a,b --tpm N [--ptu] --api-key KEY
 *     [--time-scale F] [--region R] [--retry-after-ms] [--sliding-window] [--seed S] [--id ID]   one resource
 * </pre>
 *
 * It prints {@code listening <resource-id> http://127.0.0.1:<port>} per resource and runs until
 * stopped. Not thread-safe (used once, from {@code main}).
 */
public final class Main {
  static final String DEFAULT_RESOURCE_ID = "simulator";

  private Main() {}

  /**
   * Starts the simulator and waits until the JVM is stopped; a bad command line or set-up exits
   * with code 2 after a one-line reason and the usage.
   *
   * @param args the command line
   * @throws InterruptedException if interrupted while waiting
   */
  public static void main(String[] args) throws InterruptedException {
    CommandLine cli = commandLine();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
    try {
      cli.parseArgs(args);
      if (cli.isUsageHelpRequested()) {
        cli.usage(out);
        out.flush();
        return;
      }
    } catch (CommandLine.ParameterException e) {
      fail(cli, e.getMessage());
      return;
    }
    Simulator simulator;
    try {
      simulator = launch(args, System.out);
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      fail(cli, e.getMessage());
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  simulator.close();
                  stopped.countDown();
                },
                "spillway-sim-shutdown"));
    stopped.await();
  }

  private static void fail(CommandLine cli, String reason) {
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8));
    err.println("error: " + reason);
    cli.usage(err);
    err.flush();
    System.exit(2);
  }

  /**
   * Parses the command line, starts the simulator and prints one line per resource.
   *
   * @param args the command line
   * @param out where to print
   * @return the running simulator
   * @throws IOException if a config file cannot be read
   * @throws IllegalArgumentException for a bad command line or set-up
   * @throws IllegalStateException if a port cannot be bound
   */
  static Simulator launch(String[] args, PrintStream out) throws IOException {
    Simulator simulator = Simulator.start(parse(args));
    for (SimulatedResource resource : simulator.resources()) {
      out.println("listening " + resource.id() + " " + resource.baseUrl());
    }
    out.flush();
    return simulator;
  }

  /**
   * Turns the command line into a set-up.
   *
   * @param args the command line
   * @return the set-up
   * @throws IOException if a config file cannot be read
   * @throws IllegalArgumentException for a bad command line, with picocli's reason
   */
  static SimulatorConfig parse(String[] args) throws IOException {
    CommandLine cli = commandLine();
    try {
      cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return cli.<Options>getCommand().toConfig();
  }

  private static CommandLine commandLine() {
    return new CommandLine(new Options());
  }

  /** The options, filled in by picocli. */
  @Command(
      name = "java -jar spillway-simulator.jar",
      sortOptions = false,
      description = {
        "A local Azure OpenAI-compatible server with real quota and throttling behaviour.",
        "Give --config FILE (YAML, or JSON when named *.json), or one resource with --port,"
            + " --deployments, --tpm and --api-key."
      })
  static final class Options {
    @Option(
        names = "--config",
        paramLabel = "FILE",
        description = "A whole set-up, YAML or JSON (see the module README).")
    Path config;

    @Option(names = "--port", paramLabel = "P", description = "The port (0: an ephemeral one).")
    Integer port;

    @Option(
        names = "--deployments",
        split = ",",
        paramLabel = "a,b",
        description = "The deployment names, comma-separated.")
    List<String> deployments;

    @Option(
        names = "--tpm",
        paramLabel = "N",
        description = "Standard: the tokens-per-minute quota; PTU: the drain rate per minute.")
    Long tpm;

    @Option(names = "--ptu", description = "Provisioned (PTU) deployments instead of standard.")
    boolean ptu;

    @Option(
        names = "--api-key",
        paramLabel = "KEY",
        description = "The key clients must send in api-key or Authorization: Bearer.")
    String apiKey;

    @Option(
        names = "--time-scale",
        paramLabel = "F",
        description = "A quota minute lasts 60/F s (default: 1).")
    double timeScale = SimulatorConfig.DEFAULT_TIME_SCALE;

    @Option(
        names = "--region",
        paramLabel = "R",
        description = "The region in x-ms-region (default: " + ResourceConfig.DEFAULT_REGION + ").")
    String region = ResourceConfig.DEFAULT_REGION;

    @Option(names = "--retry-after-ms", description = "Standard 429s also carry retry-after-ms.")
    boolean retryAfterMs;

    @Option(
        names = "--sliding-window",
        description =
            "Standard deployments count tokens over a rolling 60 s window (also with --config).")
    boolean slidingWindow;

    @Option(names = "--seed", paramLabel = "S", description = "The seed (default: 42).")
    long seed = SimulatorConfig.DEFAULT_SEED;

    @Option(
        names = "--id",
        paramLabel = "ID",
        description = "The resource id (default: " + DEFAULT_RESOURCE_ID + ").")
    String id = DEFAULT_RESOURCE_ID;

    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help.")
    boolean help;

    SimulatorConfig toConfig() throws IOException {
      if (config != null) {
        if (port != null || deployments != null || tpm != null || apiKey != null) {
          throw new IllegalArgumentException(
              "--config cannot be combined with --port, --deployments, --tpm or --api-key");
        }
        SimulatorConfig loaded = SimulatorConfigs.load(config);
        return slidingWindow ? loaded.withSlidingWindow(true) : loaded;
      }
      if (port == null || deployments == null || tpm == null || apiKey == null) {
        throw new IllegalArgumentException(
            "give --config FILE, or all of --port, --deployments, --tpm and --api-key");
      }
      List<DeploymentConfig> configs = new ArrayList<>();
      for (String name : deployments) {
        String trimmed = name.trim();
        if (!trimmed.isEmpty()) {
          configs.add(
              ptu ? DeploymentConfig.ptu(trimmed, tpm) : DeploymentConfig.standard(trimmed, tpm));
        }
      }
      return new SimulatorConfig(
          List.of(new ResourceConfig(id, port, region, apiKey, configs)),
          timeScale,
          seed,
          retryAfterMs,
          slidingWindow);
    }
  }
}
