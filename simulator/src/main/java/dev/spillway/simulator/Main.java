package dev.spillway.simulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The runnable jar's entry point ({@code java -jar spillway-simulator.jar}):
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
  static final String USAGE =
      String.join(
          System.lineSeparator(),
          "usage: java -jar spillway-simulator.jar --config FILE",
          "   or: java -jar spillway-simulator.jar --port P --deployments a,b --tpm N [--ptu] --api-key KEY",
          "           [--time-scale F] [--region R] [--retry-after-ms] [--sliding-window] [--seed S]"
              + " [--id ID]",
          "--sliding-window: standard deployments count tokens over a rolling 60 s window"
              + " (also with --config)");

  private Main() {}

  /**
   * Starts the simulator and waits until the JVM is stopped.
   *
   * @param args the command line
   * @throws InterruptedException if interrupted while waiting
   */
  public static void main(String[] args) throws InterruptedException {
    Simulator simulator;
    try {
      simulator = launch(args, System.out);
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
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
   * @throws IllegalArgumentException for a bad command line
   */
  static SimulatorConfig parse(String[] args) throws IOException {
    String config = null;
    Integer port = null;
    List<String> deployments = null;
    Long tpm = null;
    boolean ptu = false;
    String apiKey = null;
    double timeScale = SimulatorConfig.DEFAULT_TIME_SCALE;
    String region = ResourceConfig.DEFAULT_REGION;
    boolean retryAfterMs = false;
    boolean slidingWindow = false;
    long seed = SimulatorConfig.DEFAULT_SEED;
    String id = DEFAULT_RESOURCE_ID;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      switch (flag) {
        case "--ptu" -> ptu = true;
        case "--retry-after-ms" -> retryAfterMs = true;
        case "--sliding-window" -> slidingWindow = true;
        case "--config" -> config = value(args, ++i, flag);
        case "--port" -> port = (int) integer(value(args, ++i, flag), flag);
        case "--deployments" ->
            deployments =
                Arrays.stream(value(args, ++i, flag).split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .toList();
        case "--tpm" -> tpm = integer(value(args, ++i, flag), flag);
        case "--api-key" -> apiKey = value(args, ++i, flag);
        case "--time-scale" -> timeScale = decimal(value(args, ++i, flag), flag);
        case "--region" -> region = value(args, ++i, flag);
        case "--seed" -> seed = integer(value(args, ++i, flag), flag);
        case "--id" -> id = value(args, ++i, flag);
        default -> throw new IllegalArgumentException("unknown argument '" + flag + "'");
      }
    }
    if (config != null) {
      if (port != null || deployments != null || tpm != null || apiKey != null) {
        throw new IllegalArgumentException(
            "--config cannot be combined with --port, --deployments, --tpm" + " or --api-key");
      }
      SimulatorConfig loaded = SimulatorConfigs.load(Path.of(config));
      return slidingWindow ? loaded.withSlidingWindow(true) : loaded;
    }
    if (port == null || deployments == null || tpm == null || apiKey == null) {
      throw new IllegalArgumentException(
          "give --config FILE, or all of --port, --deployments, --tpm and" + " --api-key");
    }
    List<DeploymentConfig> configs = new ArrayList<>();
    for (String name : deployments) {
      configs.add(ptu ? DeploymentConfig.ptu(name, tpm) : DeploymentConfig.standard(name, tpm));
    }
    return new SimulatorConfig(
        List.of(new ResourceConfig(id, port, region, apiKey, configs)),
        timeScale,
        seed,
        retryAfterMs,
        slidingWindow);
  }

  private static String value(String[] args, int index, String flag) {
    if (index >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[index];
  }

  private static long integer(String value, String flag) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be an integer, was '" + value + "'", e);
    }
  }

  private static double decimal(String value, String flag) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number, was '" + value + "'", e);
    }
  }
}
