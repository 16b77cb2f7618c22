package dev.spillway.cli;

import dev.spillway.cli.internal.Cli;
import dev.spillway.cli.internal.Terminal;
import java.io.PrintStream;

/**
 * The entry point of {@code spillway-cli.jar}:
 *
 * <pre>
 * java -jar spillway-cli.jar demo [--seconds N] [--json]
 * java -jar spillway-cli.jar run --config FILE --model M [--requests N] [--concurrency C]
 *     [--rate R] [--stream] [--max-tokens K] [--prompt TEXT] [--json]
 * </pre>
 *
 * <p>Exit codes: 0 when every call succeeded, 1 when a call failed, 2 for bad arguments or
 * configuration (with a one-line reason on stderr). Thread-safe: each {@link #run} is independent.
 */
public final class Main {
  private Main() {}

  /**
   * Runs the command line and exits with its exit code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command line without exiting: the testable entry point. The demo redraws its table in
   * place only when {@code out} is the JVM's standard output and that is a terminal.
   *
   * @param args the arguments
   * @param out where results go (with {@code --json}, only the documented lines)
   * @param err where errors and diagnostics go
   * @return the exit code
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return Cli.execute(args, out, err, out == System.out && Terminal.isInteractive());
  }
}
