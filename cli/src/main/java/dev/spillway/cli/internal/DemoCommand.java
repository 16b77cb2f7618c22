package dev.spillway.cli.internal;

import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.simulator.Simulator;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: starts the simulator in this JVM with five Azure OpenAI resources, drives chat
 * traffic through a Spillway {@code OpenAIClient} and shows how the pool spreads it.
 */
@Command(
    name = "demo",
    sortOptions = false,
    description = {
      "Runs Spillway against an embedded simulator of five Azure OpenAI resources"
          + " (two small PTU deployments at tier 0, three pay-as-you-go at tier 1, one of them a"
          + " noisy neighbour) with chat traffic that overflows the PTUs in the middle of the run.",
      "Shows the backends live, then a summary."
    },
    footer = {"", "Exit codes: 0 every call succeeded, 1 a call failed, 2 bad arguments."})
final class DemoCommand implements Callable<Integer> {
  /** How often the table is redrawn on a terminal. */
  static final Duration TABLE_REFRESH = Duration.ofMillis(250);

  /** How often a plain line is printed when output is not a terminal. */
  static final Duration LINE_INTERVAL = Duration.ofSeconds(5);

  /** Calls sent before the demo starts, not counted. */
  static final int WARM_UP_CALLS = 40;

  private static final String CLEAR_LINE = "\u001b[2K";

  @Option(
      names = "--seconds",
      defaultValue = "25",
      paramLabel = "N",
      description = "How long to send traffic (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--json", description = "Print only the summary, as one JSON object.")
  boolean json;

  @Mixin SdkOption sdk;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  @Spec CommandSpec spec;

  private final PrintStream out;
  private final boolean interactive;

  DemoCommand(PrintStream out, boolean interactive) {
    this.out = out;
    this.interactive = interactive;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (seconds < 1) {
      throw new ParameterException(spec.commandLine(), "--seconds must be >= 1, was " + seconds);
    }
    Duration length = Duration.ofSeconds(seconds);
    CallCorrelator correlator = new CallCorrelator();
    try (Simulator simulator = Simulator.start(DemoPool.simulator())) {
      PoolConfig config = DemoPool.pool(simulator);
      warmUp(config);
      try (SpillwayPool pool = SpillwayPool.builder().config(config).listener(correlator).build();
          ChatClient client = sdk.value().client(pool)) {
        LoadDriver driver = new LoadDriver(client, DemoPool.MODEL, correlator, Secrets.of(config));
        if (!json) {
          out.println(
              String.format(
                  Locale.ROOT,
                  "Spillway demo: %d s of %s traffic through %s over five"
                      + " simulated Azure OpenAI resources on 127.0.0.1 (time x%.0f: a quota minute"
                      + " lasts %.0f s).",
                  seconds,
                  DemoPool.MODEL,
                  sdk.value().library(),
                  DemoPool.TIME_SCALE,
                  60 / DemoPool.TIME_SCALE));
          out.println(
              "Tier 0: two small PTU deployments. Tier 1: three pay-as-you-go, westus-paygo"
                  + " a noisy neighbour. Load peaks above the PTUs' capacity mid-run; 1 call in "
                  + DemoPool.STREAM_EVERY
                  + " streams.");
          out.println();
        }
        List<CallResult> results = new ArrayList<>();
        long start = System.nanoTime();
        CompletableFuture<Void> load =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    driver.run(
                        new LoadDriver.Plan(
                            Integer.MAX_VALUE,
                            length,
                            DemoPool.rate(length),
                            RunCommand.DEFAULT_OPEN_LOOP_LIMIT),
                        DemoPool::call,
                        result -> {
                          synchronized (results) {
                            results.add(result);
                          }
                        });
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CompletionException(e);
                  }
                });
        show(load, pool, results, start, length);
        return Summary.print(results, json, out);
      }
    }
  }

  /**
   * Sends a few calls through a throwaway pool first, so that loading classes and compiling the hot
   * paths does not count as the pool's latency.
   */
  private void warmUp(PoolConfig config) throws InterruptedException {
    CallCorrelator correlator = new CallCorrelator();
    try (SpillwayPool pool = SpillwayPool.builder().config(config).listener(correlator).build();
        ChatClient client = sdk.value().client(pool)) {
      new LoadDriver(client, DemoPool.MODEL, correlator, Secrets.of(config))
          .run(new LoadDriver.Plan(WARM_UP_CALLS, null, null, 2), DemoPool::call, result -> {});
    }
  }

  /**
   * Shows the progress until the load ends: the table redrawn in place on a terminal (and once more
   * at the end), a plain line now and then otherwise, nothing with {@code --json}.
   */
  private void show(
      CompletableFuture<Void> load,
      SpillwayPool pool,
      List<CallResult> results,
      long start,
      Duration length)
      throws InterruptedException {
    Duration period = interactive ? TABLE_REFRESH : LINE_INTERVAL;
    int drawn = 0;
    while (!finished(load, period)) {
      if (!json) {
        drawn = display(pool, progress(results, start, length), drawn);
      }
    }
    if (interactive && !json) {
      display(pool, progress(results, start, length), drawn);
    }
  }

  private int display(SpillwayPool pool, DemoDisplay.Progress progress, int drawn) {
    if (interactive) {
      return redraw(DemoDisplay.table(pool.snapshot(), DemoPool.MODEL, progress), drawn);
    }
    out.println(DemoDisplay.line(pool.snapshot(), DemoPool.MODEL, progress));
    return drawn;
  }

  /** Waits up to {@code wait} for the load to end, and tells whether it has. */
  private static boolean finished(CompletableFuture<Void> load, Duration wait)
      throws InterruptedException {
    try {
      load.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the demo's load stopped", e.getCause());
    }
  }

  private static DemoDisplay.Progress progress(
      List<CallResult> results, long start, Duration length) {
    synchronized (results) {
      int failed = (int) results.stream().filter(r -> !r.ok()).count();
      return new DemoDisplay.Progress(
          Duration.ofNanos(System.nanoTime() - start), length, results.size(), failed);
    }
  }

  /** Moves the cursor up over the previous table and prints the new one. */
  private int redraw(List<String> lines, int previous) {
    StringBuilder text = new StringBuilder();
    if (previous > 0) {
      text.append("\u001b[").append(previous).append('A').append('\r');
    }
    for (String line : lines) {
      text.append(CLEAR_LINE).append(line).append(System.lineSeparator());
    }
    out.print(text);
    out.flush();
    return lines.size();
  }
}
