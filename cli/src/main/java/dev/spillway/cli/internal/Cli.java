package dev.spillway.cli.internal;

import dev.spillway.cli.PoolConfigException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Parses the command line and runs a command. Exit codes: 0 when every call succeeded (or help was
 * asked for), 1 when a call failed, 2 for bad arguments or configuration, with a one-line reason on
 * stderr. Thread-safe (each execution has its own commands).
 */
public final class Cli {
  /** Exit code: every call succeeded. */
  public static final int OK = 0;

  /** Exit code: at least one call failed, or an unexpected error. */
  public static final int CALLS_FAILED = 1;

  /** Exit code: bad arguments or configuration. */
  public static final int USAGE = 2;

  private Cli() {}

  /**
   * Runs the command line.
   *
   * @param args the arguments
   * @param out where results go
   * @param err where errors and diagnostics go
   * @param interactive whether {@code out} is a terminal the demo may redraw in place
   * @return the exit code
   */
  public static int execute(String[] args, PrintStream out, PrintStream err, boolean interactive) {
    CommandLine cli =
        new CommandLine(new Root())
            .addSubcommand(new DemoCommand(out, interactive))
            .addSubcommand(new RunCommand(out))
            .addSubcommand(new ReportCommand(out));
    // picocli's help and errors in UTF-8, as the JSON lines are written.
    cli.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cli.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cli.setParameterExceptionHandler(
        (e, ignored) -> {
          err.println(
              e.getCommandLine().getCommandSpec().qualifiedName()
                  + ": "
                  + oneLine(e.getMessage())
                  + " (see --help)");
          return USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          String name = command.getCommandSpec().qualifiedName();
          if (e instanceof PoolConfigException || e instanceof UsageException) {
            err.println(name + ": " + oneLine(e.getMessage()));
            return USAGE;
          }
          err.println(name + ": unexpected error: " + oneLine(String.valueOf(e)));
          e.printStackTrace(err);
          return CALLS_FAILED;
        });
    return cli.execute(args);
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ").trim();
  }

  /** The top-level command: it only lists the subcommands. */
  @Command(
      name = "spillway-cli",
      description = "Spillway: a pool of Azure OpenAI endpoints that behaves like one endpoint.",
      synopsisSubcommandLabel = "(demo | run | report)",
      footer = {
        "",
        "Exit codes: 0 every call succeeded, 1 a call failed, 2 bad arguments or"
            + " configuration."
      })
  static final class Root implements Callable<Integer> {
    @CommandLine.Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help.")
    boolean help;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
  }
}
