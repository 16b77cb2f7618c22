package dev.spillway.benchmarks;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The load scenarios of docs/benchmark.md §1. Rates are multiples of the nominal capacity C; times
 * are simulated seconds from the start of the measured window.
 *
 * <p>{@link #MIXED} runs only the {@code spillway} client; {@link #FLEET} runs its own clients
 * ({@link FleetClient#KEYS}) at its own time scale ({@link #FLEET_TIME_SCALE}).
 */
public enum Scenario {
  /** 0.4 C steady: everything fits on PTU. */
  LIGHT(0.4),
  /** 1.2 C steady (about 9 % above what the pool can really serve). */
  OVERLOAD(1.2),
  /** {@link #OVERLOAD} on a simulator whose standard deployments count a rolling 60 s window. */
  OVERLOAD_SLIDING_WINDOW(1.2),
  /** 0.5 C with spikes to 1.5 C lasting one simulated second every ten simulated seconds. */
  BURST(0.5),
  /** 0.8 C; ptu-a refuses connections during the middle third, then comes back. */
  FAILURE(0.8),
  /** 0.9 C; paygo-1 latency ×10 during the middle third: the choice inside tier 1. */
  SLOWDOWN(0.9),
  /** 0.3 C (fits on ptu-a alone); ptu-b latency ×10 during the middle third: inside tier 0. */
  SLOWDOWN_PTU(0.3),
  /**
   * Interactive calls at 0.4 C plus batch calls (tier 0 only) at 0.4 C, against an interactive-only
   * run at 0.4 C (same arrivals for the interactive stream), both through {@code spillway} only.
   */
  MIXED(0.8),
  /**
   * Four pool instances, each with a quarter of 1.2 C, on the same backends, without and with the
   * Redis state store, against one instance carrying 1.2 C; at F = 5 whatever the run's F.
   */
  FLEET(1.2),
  /** 1.1 C for ten simulated minutes ({@code --full} only): queueing and deadlines. */
  LONG(1.1);

  /** Burst spikes: 1.5 C during [5 s, 6 s) of every 10 simulated seconds. */
  static final double BURST_PEAK = 1.5;

  static final double BURST_PERIOD_S = 10;
  static final double BURST_START_S = 5;
  static final double BURST_LENGTH_S = 1;

  /** What the PTU deployments drain, as a multiple of C: 400k of 760k tokens per minute. */
  static final double PTU_SHARE_OF_C = 400.0 / 760.0;

  /** The PTU utilization a saturated bucket sits at: admission stops at 100 %. */
  static final double SATURATED_UTILIZATION = 1.0;

  /** The length of {@link #LONG}'s window, simulated seconds. */
  static final double LONG_WINDOW_S = 600;

  /** The time scale {@link #FLEET} runs at: store propagation does not scale with F. */
  static final double FLEET_TIME_SCALE = 5;

  private final double baseRate;

  Scenario(double baseRate) {
    this.baseRate = baseRate;
  }

  /**
   * @return the key used in report.json, e.g. {@code slowdown-ptu}
   */
  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * @return the steady rate, a multiple of C (also the warm-up rate)
   */
  public double baseRate() {
    return baseRate;
  }

  /**
   * The arrival rate at a simulated instant of the measured window.
   *
   * @param seconds simulated seconds since the window started
   * @return the rate as a multiple of C
   */
  public double rate(double seconds) {
    if (this == BURST) {
      double inPeriod = seconds % BURST_PERIOD_S;
      return inPeriod >= BURST_START_S && inPeriod < BURST_START_S + BURST_LENGTH_S
          ? BURST_PEAK
          : baseRate;
    }
    return baseRate;
  }

  /**
   * @return the highest rate of the scenario, for thinning
   */
  public double peakRate() {
    return this == BURST ? BURST_PEAK : baseRate;
  }

  /**
   * @return whether a fault is injected during the middle third
   */
  public boolean hasFault() {
    return this == FAILURE || this == SLOWDOWN || this == SLOWDOWN_PTU;
  }

  /**
   * @return the backend the fault hits, or null
   */
  String faultTarget() {
    return switch (this) {
      case FAILURE -> Target.FAILING;
      case SLOWDOWN -> Target.SLOWED;
      case SLOWDOWN_PTU -> Target.SLOWED_PTU;
      default -> null;
    };
  }

  /**
   * Whether the offered load exceeds the PTU drain, so the PTU buckets are saturated in steady
   * state and the harness sets them to {@link #SATURATED_UTILIZATION} before the warm-up.
   *
   * @return true for overload, failure, slowdown, mixed, fleet and long
   */
  public boolean saturatesPtu() {
    return baseRate > PTU_SHARE_OF_C;
  }

  /**
   * @return whether the simulator counts standard TPM over a rolling window
   */
  boolean slidingWindow() {
    return this == OVERLOAD_SLIDING_WINDOW;
  }

  /**
   * The scenario whose arrivals this one uses (the sliding-window variant sends overload's).
   *
   * @return the scenario that seeds the arrivals
   */
  Scenario arrivals() {
    return this == OVERLOAD_SLIDING_WINDOW ? OVERLOAD : this;
  }

  /**
   * @return why the harness cannot run it yet, or null when it can
   */
  public String pendingReason() {
    return null; // every scenario defined has its clients
  }

  /**
   * The scenario's parameters, as report.json lists them.
   *
   * @param options the run's options
   * @return parameter name → value
   */
  Map<String, Object> parameters(BenchOptions options) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("rate_c", baseRate);
    switch (this) {
      case BURST -> {
        p.put("peak_rate_c", BURST_PEAK);
        p.put("peak_every_simulated_s", BURST_PERIOD_S);
        p.put("peak_length_simulated_s", BURST_LENGTH_S);
      }
      case FAILURE -> p.put("fault", "ptu-a refuses connections in the middle third");
      case SLOWDOWN -> p.put("fault", "paygo-1 latency x10 in the middle third (tier 1)");
      case SLOWDOWN_PTU -> p.put("fault", "ptu-b latency x10 in the middle third (tier 0)");
      case OVERLOAD_SLIDING_WINDOW ->
          p.put("simulator", "standard deployments count TPM over a rolling 60 s window");
      case MIXED -> {
        p.put("interactive_rate_c", 0.4);
        p.put("batch_rate_c", 0.4);
        p.put("batch_tiers", java.util.List.of(0));
        p.put("baseline", "interactive only at 0.4 C, same harness run");
        p.put("consumers", Map.of("chat", "interactive", "batch-jobs", "batch"));
        p.put(
            "clients",
            java.util.List.of("spillway (the baselines have no consumers or priorities)"));
        p.put(
            "rows",
            Map.of(
                "spillway",
                java.util.List.of(
                    "payg_tokens_batch",
                    "interactive_latency_p50_ms",
                    "interactive_latency_p99_ms",
                    "batch_latency_p50_ms",
                    "batch_latency_p99_ms",
                    "interactive_only_latency_p99_ms",
                    "tier0_utilization",
                    "batch_tokens_served",
                    "batch_tokens_servable",
                    "batch_errors")));
      }
      case FLEET -> {
        p.put("instances", FleetClient.INSTANCES);
        p.put("rate_per_instance_c", baseRate / FleetClient.INSTANCES);
        p.put("time_scale", FLEET_TIME_SCALE);
        p.put(
            "time_scale_note",
            "runs at F = "
                + Report.fmt(FLEET_TIME_SCALE)
                + " whatever the run's F: the store's propagation (ms of wall time) does not scale"
                + " with F");
        p.put("rows", FleetClient.KEYS);
        p.put(
            "split",
            "each call goes to one of the 4 instances by a seeded hash of its index (independent"
                + " Poisson streams at 0.3 C each); spillway-single gets the same calls");
        p.put(
            "redis",
            "redis-server from the PATH on a free loopback port, --save \"\" --appendonly no");
      }
      default -> {}
    }
    p.put("window_simulated_s", windowSeconds(options));
    p.put("ptu_utilization_preset", saturatesPtu() ? SATURATED_UTILIZATION : null);
    p.put("warmup_simulated_s", options.warmupSeconds(this));
    return p;
  }

  /**
   * @param options the run's options
   * @return the simulated length of the measured window
   */
  double windowSeconds(BenchOptions options) {
    return this == LONG ? options.longSeconds() : options.scenarioSeconds();
  }
}
