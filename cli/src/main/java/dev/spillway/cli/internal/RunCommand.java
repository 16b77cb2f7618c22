package dev.spillway.cli.internal;

import dev.spillway.Priority;
import dev.spillway.cli.PoolConfigLoader;
import dev.spillway.pool.InvalidPropertyException;
import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.StateConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code run}: sends chat calls through a pool described by a YAML file and reports each one. */
@Command(
    name = "run",
    sortOptions = false,
    description = {
      "Sends chat calls through the pool of a YAML file (backends, tiers,"
          + " deployments; $${ENV_VAR} is replaced by the variable) and reports each call, then a"
          + " summary.",
      "Closed loop with --concurrency calls in flight, or open loop at --rate calls per second"
          + " (latency then counts from each call's scheduled time)."
    },
    footer = {
      "",
      "Example: run --config pool.yaml --model gpt-4o --requests 600 --rate 10 --json",
      "",
      "Exit codes: 0 every call succeeded, 1 a call failed, 2 bad arguments or" + " configuration."
    })
final class RunCommand implements Callable<Integer> {
  /** Calls in flight in a closed loop when {@code --concurrency} is not given. */
  static final int DEFAULT_CONCURRENCY = 4;

  /** The most calls in flight in an open loop when {@code --concurrency} is not given. */
  static final int DEFAULT_OPEN_LOOP_LIMIT = 256;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The pool configuration (YAML).")
  Path config;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "M",
      description = "The logical model to call, such as gpt-4o.")
  String model;

  @Option(
      names = "--requests",
      defaultValue = "20",
      paramLabel = "N",
      description = "Calls to send (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(
      names = "--concurrency",
      paramLabel = "C",
      description =
          "Calls in flight: exactly C in a closed loop (default "
              + DEFAULT_CONCURRENCY
              + "), at most C with --rate (default "
              + DEFAULT_OPEN_LOOP_LIMIT
              + ").")
  Integer concurrency;

  @Option(
      names = "--rate",
      paramLabel = "R",
      description = "Open loop: send R calls per second whatever the answers.")
  Double rate;

  @Mixin SdkOption sdk;

  @Option(
      names = "--consumer",
      paramLabel = "ID",
      description =
          "The consumer the calls are for, through the SDK's own mechanism (azure-ai-openai:"
              + " SpillwayContext; openai-java: the x-spillway-consumer header); its limits are"
              + " those of spillway.consumers in the configuration.")
  String consumer;

  @Option(
      names = "--priority",
      paramLabel = "batch|interactive",
      converter = PriorityConverter.class,
      description =
          "The priority of the calls, through the SDK's own mechanism (azure-ai-openai:"
              + " SpillwayContext.PRIORITY; openai-java: the x-spillway-priority header),"
              + " overriding the --consumer's configured one.")
  Priority priority;

  @Option(names = "--stream", description = "Stream the answers.")
  boolean stream;

  @Option(
      names = "--max-tokens",
      defaultValue = "100",
      paramLabel = "K",
      description = "max_tokens of each call (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(
      names = "--prompt",
      defaultValue = "Say hello in one short sentence.",
      paramLabel = "TEXT",
      description = "The user message (default: ${DEFAULT-VALUE}).")
  String prompt;

  @Option(
      names = "--json",
      description = "One JSON object per call, then a summary line;" + " nothing else on stdout.")
  boolean json;

  @Mixin AuditOptions audit = new AuditOptions();

  @Option(
      names = "--state-uri",
      paramLabel = "URI",
      description =
          "Share the pool's state (cool-downs, circuits, probe leases) through the Redis at URI"
              + " (redis://host:port or rediss://…), so that every run given it acts as one"
              + " balancer: sets spillway.state.store to redis and spillway.state.uri. Give a"
              + " password as spillway.state.password: $${REDIS_PASSWORD} in the file rather"
              + " than in the URI.")
  String stateUri;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  @Spec CommandSpec spec;

  private final PrintStream out;

  RunCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws InterruptedException {
    positive("--requests", requests);
    positive("--max-tokens", maxTokens);
    if (concurrency != null) {
      positive("--concurrency", concurrency);
    }
    if (rate != null && !(rate > 0 && Double.isFinite(rate))) {
      throw new ParameterException(spec.commandLine(), "--rate must be > 0, was " + rate);
    }
    if (consumer != null && consumer.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--consumer cannot be blank");
    }
    SpillwayPool.Builder builder = SpillwayPool.builder();
    audit.apply(builder);
    PoolConfig poolConfig = withStateUri(PoolConfigLoader.load(config));
    CallCorrelator correlator = new CallCorrelator();
    try (SpillwayPool pool = build(builder, poolConfig, correlator)) {
      List<String> models = pool.backendPool().models();
      if (!models.contains(model)) {
        throw new UsageException(
            "--model '" + model + "': no backend of " + config + " serves it; they serve " + models,
            null);
      }
      try (ChatClient client = sdk.value().client(pool)) {
        return run(new LoadDriver(client, model, correlator, Secrets.of(poolConfig)), pool);
      }
    }
  }

  private int run(LoadDriver driver, SpillwayPool pool) throws InterruptedException {
    LoadDriver.Plan plan =
        rate == null
            ? new LoadDriver.Plan(
                requests, null, null, concurrency == null ? DEFAULT_CONCURRENCY : concurrency)
            : new LoadDriver.Plan(
                requests,
                null,
                elapsed -> rate,
                concurrency == null ? DEFAULT_OPEN_LOOP_LIMIT : concurrency);
    if (!json) {
      out.println(describe(plan, pool));
    }
    List<CallResult> results = new ArrayList<>();
    driver.run(
        plan,
        number -> new LoadDriver.Call(null, prompt, maxTokens, stream, consumer, priority),
        result -> {
          synchronized (results) {
            results.add(result);
            out.println(json ? JsonLines.call(result) : TextReport.call(result));
          }
        });
    return Summary.print(results, json, out);
  }

  /** The file's configuration with {@code --state-uri}: Redis at that URI, the rest as written. */
  private PoolConfig withStateUri(PoolConfig poolConfig) {
    if (stateUri == null) {
      return poolConfig;
    }
    StateConfig state = poolConfig.state();
    try {
      return poolConfig.withState(
          new StateConfig(
              StateConfig.REDIS,
              stateUri,
              state.keyPrefix(),
              state.password(),
              state.commandTimeout()));
    } catch (InvalidPropertyException e) {
      throw new ParameterException(spec.commandLine(), "--state-uri: " + e.getMessage());
    }
  }

  private SpillwayPool build(
      SpillwayPool.Builder builder, PoolConfig poolConfig, CallCorrelator correlator) {
    try {
      return builder.config(poolConfig).listener(correlator).build();
    } catch (InvalidPropertyException e) {
      throw new UsageException(
          config + ": " + PoolConfigLoader.ROOT_KEY + "." + e.property() + ": " + e.getMessage(),
          e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageException(config + ": " + e.getMessage(), e);
    }
  }

  private String describe(LoadDriver.Plan plan, SpillwayPool pool) {
    String loop =
        rate == null
            ? "closed loop, " + plan.concurrency() + " in flight"
            : String.format(
                Locale.ROOT, "open loop at %.1f/s, at most %d in flight", rate, plan.concurrency());
    return String.format(
        Locale.ROOT,
        "%d %s call%s of %s through %d backend%s with %s (%s)",
        requests,
        stream ? "streamed" : "chat",
        requests == 1 ? "" : "s",
        model,
        pool.backendPool().backends().size(),
        pool.backendPool().backends().size() == 1 ? "" : "s",
        sdk.value().library(),
        loop);
  }

  /** {@code --priority}: a priority's configuration name, any case. */
  static final class PriorityConverter implements ITypeConverter<Priority> {
    @Override
    public Priority convert(String value) {
      for (Priority p : Priority.values()) {
        if (p.configName().equalsIgnoreCase(value)) {
          return p;
        }
      }
      throw new TypeConversionException("expected batch or interactive, was '" + value + "'");
    }
  }

  private void positive(String option, int value) {
    if (value < 1) {
      throw new ParameterException(spec.commandLine(), option + " must be >= 1, was " + value);
    }
  }
}
