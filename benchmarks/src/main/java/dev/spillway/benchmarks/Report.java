package dev.spillway.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Collects the figures and writes report.json, report.md and report.html. With repeats ({@code
 * --full}) every figure of report.json's {@code scenarios} is a list, one value per run, {@code
 * spread} gives max − min of the headline figures, and the targets are checked on the mean.
 */
final class Report {
  static final List<String> BACKENDS = List.of("ptu-a", "ptu-b", "paygo-1", "paygo-2", "paygo-3");
  static final List<Scenario> CHARTED =
      List.of(Scenario.OVERLOAD, Scenario.FAILURE, Scenario.SLOWDOWN, Scenario.SLOWDOWN_PTU);

  /** The figures whose spread over repeats is reported. */
  static final List<String> HEADLINE =
      List.of(
          "goodput_fraction",
          "capacity_fraction",
          "caller_429_rate",
          "caller_error_rate",
          "backend_429_per_success",
          "ptu_token_share",
          "latency_p50_ms",
          "latency_p99_ms",
          "recovery_ms");

  /** The figures of {@code mixed}'s spillway row beside the usual ones. */
  static final List<String> MIXED_FIGURES =
      List.of(
          "payg_tokens_batch",
          "interactive_latency_p50_ms",
          "interactive_latency_p99_ms",
          "batch_latency_p50_ms",
          "batch_latency_p99_ms",
          "interactive_only_latency_p50_ms",
          "interactive_only_latency_p99_ms",
          "tier0_utilization",
          "batch_tokens_served",
          "batch_tokens_servable",
          "batch_errors",
          "batch_errors_by_reason");

  /** The figures of {@code fleet}'s rows beside the usual ones (the last four: Redis only). */
  static final List<String> FLEET_FIGURES =
      List.of(
          "instances",
          "time_scale",
          "probes_after_cooldown",
          "probes_after_cooldown_by_backend",
          "backend_429_by_backend",
          "backend_429_in_others_cooldown",
          "cooldowns_cleared_early",
          "propagation_ms",
          "added_latency_us",
          "added_latency_failures",
          "added_latency_detail");

  /** The figures only {@code spillway-redis} has. */
  static final List<String> FLEET_REDIS_FIGURES =
      List.of(
          "propagation_ms", "added_latency_us", "added_latency_failures", "added_latency_detail");

  static final List<String> BASELINES =
      List.of("single", "round-robin", "weighted-random", "priority-cooldown");

  private final BenchOptions options;
  private final Map<String, Map<String, List<Map<String, Object>>>> runs = new LinkedHashMap<>();
  private final Map<String, String> notRun = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> skipped = new LinkedHashMap<>();
  private final Map<String, Map<String, Map<String, double[]>>> traffic = new LinkedHashMap<>();
  private final Map<String, Map<String, Map<String, Double>>> latencyProfiles =
      new LinkedHashMap<>();
  private Map<String, Object> jmh;

  Report(BenchOptions options) {
    this.options = options;
  }

  /** Records one run; the first run of a scenario and client gives its charts. */
  void add(RunResult run, Map<String, Object> figures) {
    List<Map<String, Object>> repeats =
        runs.computeIfAbsent(run.scenario().key(), k -> new LinkedHashMap<>())
            .computeIfAbsent(run.client(), k -> new ArrayList<>());
    repeats.add(figures);
    if (repeats.size() > 1) {
      return;
    }
    if (CHARTED.contains(run.scenario())) {
      traffic
          .computeIfAbsent(run.scenario().key(), k -> new LinkedHashMap<>())
          .put(run.client(), Figures.trafficShare(run, BACKENDS));
    }
    long[] sorted =
        run.records().stream()
            .filter(r -> r.end == CallRecord.End.OK)
            .mapToLong(CallRecord::latencyNanos)
            .sorted()
            .toArray();
    Map<String, Double> profile = new LinkedHashMap<>();
    for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
      if (q < 0.999 || options.p999()) {
        profile.put(label(q), Figures.percentileMs(sorted, q));
      }
    }
    latencyProfiles
        .computeIfAbsent(run.scenario().key(), k -> new LinkedHashMap<>())
        .put(run.client(), profile);
  }

  /** Records why a defined scenario was not run (pending feature, full only, left out). */
  void notRun(Scenario scenario, String why) {
    notRun.put(scenario.key(), why);
  }

  /** Records why one row of a scenario that ran was left out (redis-server not installed). */
  void skipped(Scenario scenario, String client, String why) {
    skipped.computeIfAbsent(scenario.key(), k -> new LinkedHashMap<>()).put(client, why);
  }

  Map<String, Map<String, String>> skippedRows() {
    return skipped;
  }

  void jmh(Map<String, Object> figures) {
    this.jmh = figures;
  }

  Map<String, Object> json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("seed", options.seed());
    root.put("mode", options.mode());
    root.put("time_scale", options.timeScale());
    root.put("repeats", options.repeats());
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("java", System.getProperty("java.version"));
    machine.put("load_average_at_end", loadAverage());
    root.put("machine", machine);
    root.put(
        "units",
        "latency and *_ms figures are wall-clock ms at time scale F (x F for simulated time);"
            + " rates are fractions; latencies are of successful calls, from the scheduled send time");
    root.put("window_simulated_s", options.scenarioSeconds());
    root.put("warmup_simulated_s", options.warmupSeconds());
    root.put("warmup_sustained_only", options.warmupSustainedOnly());
    root.put("scenario_definitions", definitions());
    root.put("scenarios", scenarios());
    root.put("skipped_rows", skipped);
    root.put("spread", options.repeats() > 1 ? spread() : null);
    root.put("jmh", jmh);
    root.put("targets", targets());
    root.put("traffic_share", traffic);
    root.put("latency_percentiles_ms", latencyProfiles);
    return root;
  }

  private static Double loadAverage() {
    double load =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? null : Figures.round(load, 2);
  }

  /**
   * Every scenario of docs/benchmark.md §1 with its parameters and whether this run measured it.
   */
  Map<String, Object> definitions() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Scenario scenario : Scenario.values()) {
      Map<String, Object> d = new LinkedHashMap<>();
      String why = notRun.get(scenario.key());
      d.put("status", runs.containsKey(scenario.key()) ? "run" : why == null ? "not run" : why);
      d.putAll(scenario.parameters(options));
      out.put(scenario.key(), d);
    }
    return out;
  }

  /** Scenario → client → figure: the value of the single run, or the list over the repeats. */
  Map<String, Map<String, Map<String, Object>>> scenarios() {
    Map<String, Map<String, Map<String, Object>>> out = new LinkedHashMap<>();
    runs.forEach(
        (scenario, clients) -> {
          Map<String, Map<String, Object>> byClient = new LinkedHashMap<>();
          clients.forEach((client, repeats) -> byClient.put(client, merged(repeats)));
          out.put(scenario, byClient);
        });
    return out;
  }

  private static Map<String, Object> merged(List<Map<String, Object>> repeats) {
    if (repeats.size() == 1) {
      return repeats.get(0);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (String key : repeats.get(0).keySet()) {
      List<Object> values = new ArrayList<>();
      for (Map<String, Object> r : repeats) {
        values.add(r.get(key));
      }
      m.put(key, values);
    }
    return m;
  }

  /** Scenario → client → headline figure → max − min over the repeats. */
  Map<String, Map<String, Map<String, Double>>> spread() {
    Map<String, Map<String, Map<String, Double>>> out = new LinkedHashMap<>();
    runs.forEach(
        (scenario, clients) ->
            clients.forEach(
                (client, repeats) -> {
                  Map<String, Double> m = new LinkedHashMap<>();
                  for (String key : HEADLINE) {
                    double lo = Double.MAX_VALUE;
                    double hi = -Double.MAX_VALUE;
                    for (Map<String, Object> r : repeats) {
                      if (r.get(key) instanceof Number n) {
                        lo = Math.min(lo, n.doubleValue());
                        hi = Math.max(hi, n.doubleValue());
                      }
                    }
                    m.put(key, hi < lo ? null : Figures.round(hi - lo, 4));
                  }
                  out.computeIfAbsent(scenario, k -> new LinkedHashMap<>()).put(client, m);
                }));
    return out;
  }

  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Files.writeString(
        dir.resolve("report.json"), mapper.writeValueAsString(json()), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("report.md"), markdown(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("report.html"), HtmlReport.render(this), StandardCharsets.UTF_8);
  }

  BenchOptions options() {
    return options;
  }

  Map<String, Map<String, Map<String, double[]>>> traffic() {
    return traffic;
  }

  Map<String, Map<String, Map<String, Double>>> latencyProfiles() {
    return latencyProfiles;
  }

  Map<String, Object> jmhFigures() {
    return jmh;
  }

  // ---- targets (docs/benchmark.md §1 and §2) ------------------------------------------------

  /**
   * One target: what it asks, the measured value, whether Spillway meets it (null: not measured),
   * and its status: {@code met}, {@code not met}, {@code pending: why} or {@code not measured}.
   */
  record Check(String figure, String target, String measured, Boolean met, String status) {
    static Check of(String figure, String target, String measured, Boolean met) {
      return new Check(
          figure, target, measured, met, met == null ? "not measured" : met ? "met" : "not met");
    }

    /** The same row about another client than {@code spillway}: its key after the figure. */
    Check about(String subject) {
      return new Check(figure + " [" + subject + "]", target, measured, met, status);
    }

    static Check pending(String figure, String target, String why) {
      return new Check(
          figure, target, "-", null, why.startsWith("pending: ") ? why : "pending: " + why);
    }
  }

  /**
   * The clients the targets hold for: Spillway through azure-ai-openai, and through openai-java
   * when that client ran; its rows carry its key after the figure.
   */
  static final List<String> SUBJECTS = List.of("spillway", "spillway-openai");

  List<Check> checks() {
    List<Check> out = new ArrayList<>();
    for (String subject : SUBJECTS) {
      if (subject.equals("spillway") || ranAnywhere(subject)) {
        for (Check check : checks(subject)) {
          out.add(subject.equals("spillway") ? check : check.about(subject));
        }
      }
    }
    mixedChecks(out);
    fleetCheck(out);
    jmhChecks(out);
    return out.stream().map(this::unlessStarved).toList();
  }

  /** The targets of docs/benchmark.md §1 for one client, in report order. */
  private List<Check> checks(String subject) {
    List<Check> out = new ArrayList<>();
    overloadChecks(out, Scenario.OVERLOAD, "overload", subject);
    for (String s : List.of("light", "burst")) {
      out.add(
          ran(s, subject)
              ? Check.of(
                  s + " caller_429_rate",
                  "<= 0.001",
                  fmt(num(s, subject, "caller_429_rate")),
                  le(num(s, subject, "caller_429_rate"), 0.001))
              : pending(s + " caller_429_rate", "<= 0.001", s));
    }
    overloadRate(out, Scenario.OVERLOAD, "overload", subject);
    Double share = num("light", subject, "ptu_token_share");
    out.add(
        ran("light", subject)
            ? Check.of("light ptu_token_share", ">= 0.99", fmt(share), ge(share, 0.99))
            : pending("light ptu_token_share", ">= 0.99", "light"));
    slowdownChecks(out, subject);
    failureChecks(out, subject);
    String sliding = label(Scenario.OVERLOAD_SLIDING_WINDOW);
    overloadChecks(out, Scenario.OVERLOAD_SLIDING_WINDOW, sliding, subject);
    overloadRate(out, Scenario.OVERLOAD_SLIDING_WINDOW, sliding, subject);
    return out;
  }

  /**
   * Most calls a run may leave unsent (still waiting for the harness at the deadline) before its
   * figures describe the machine rather than the clients.
   */
  static final double MAX_NOT_SENT_SHARE = 0.01;

  /**
   * The check itself, or, when the harness fell behind its own schedule in the check's scenario
   * (for any client: over {@link #MAX_NOT_SENT_SHARE} of the calls never sent, or a p99 send lag
   * over one simulated second), the same row marked invalid: an open-loop figure taken from a
   * starved harness would compare arrival patterns nobody asked for, and could read "met" for a run
   * in which no call reached a backend.
   */
  private Check unlessStarved(Check check) {
    String starved = starvation(scenarioOfFigure(check.figure()));
    return starved == null || check.status().startsWith("pending")
        ? check
        : new Check(check.figure(), check.target(), check.measured(), null, "invalid: " + starved);
  }

  /** Why the scenario's runs say nothing about the clients, or null when they are valid. */
  String starvation(String scenario) {
    Map<String, List<Map<String, Object>>> clients = scenario == null ? null : runs.get(scenario);
    if (clients == null) {
      return null;
    }
    double second = 1000 / options.timeScale(scenarioOf(scenario));
    for (Map.Entry<String, List<Map<String, Object>>> client : clients.entrySet()) {
      for (Map<String, Object> r : client.getValue()) {
        double calls = r.get("calls") instanceof Number n ? n.doubleValue() : 0;
        double notSent = r.get("not_sent") instanceof Number n ? n.doubleValue() : 0;
        Double lag = r.get("send_lag_p99_ms") instanceof Number n ? n.doubleValue() : null;
        if (calls > 0 && notSent / calls > MAX_NOT_SENT_SHARE) {
          return String.format(
              Locale.ROOT,
              "harness fell behind: %s left %.0f of %.0f calls unsent",
              client.getKey(),
              notSent,
              calls);
        }
        if (lag != null && lag > second) {
          return String.format(
              Locale.ROOT,
              "harness fell behind: %s's p99 send lag %.1f ms > one simulated second (%.1f ms)",
              client.getKey(),
              lag,
              second);
        }
      }
    }
    return null;
  }

  /** How target rows name a scenario: its key, but for the sliding-window run of overload. */
  static String label(Scenario scenario) {
    return scenario == Scenario.OVERLOAD_SLIDING_WINDOW
        ? "overload (sliding window)"
        : scenario.key();
  }

  /** The key of the scenario a target row is about: the longest label its figure starts with. */
  private static String scenarioOfFigure(String figure) {
    Scenario best = null;
    for (Scenario s : Scenario.values()) {
      String label = label(s);
      if ((figure.equals(label) || figure.startsWith(label + " "))
          && (best == null || label.length() > label(best).length())) {
        best = s;
      }
    }
    return best == null ? null : best.key();
  }

  private void overloadChecks(List<Check> out, Scenario scenario, String label, String subject) {
    String s = scenario.key();
    String gTarget = ">= 0.97 and >= every baseline's";
    String bTarget = "<= 0.01 and <= weighted-random's";
    String pTarget = "<= weighted-random's";
    if (!ran(s, subject)) {
      out.add(pending(label + " goodput_fraction", gTarget, s));
      out.add(pending(label + " backend_429_per_success", bTarget, s));
      out.add(pending(label + " latency_p99_ms", pTarget, s));
      return;
    }
    Double g = num(s, subject, "goodput_fraction");
    String best = null;
    Double bestG = null;
    boolean allBaselines = true;
    for (String b : BASELINES) {
      Double v = num(s, b, "goodput_fraction");
      if (v == null) {
        allBaselines = false;
      } else if (bestG == null || v > bestG) {
        bestG = v;
        best = b;
      }
    }
    out.add(
        Check.of(
            label + " goodput_fraction",
            gTarget,
            fmt(g) + " (best baseline " + best + " " + fmt(bestG) + ")",
            (g == null || !allBaselines) ? null : g >= 0.97 && g >= bestG));
    Double b = num(s, subject, "backend_429_per_success");
    Double wr = num(s, "weighted-random", "backend_429_per_success");
    out.add(
        Check.of(
            label + " backend_429_per_success",
            bTarget,
            fmt(b) + " (weighted-random " + fmt(wr) + ")",
            (b == null || wr == null) ? null : b <= 0.01 && b <= wr));
    Double p99 = num(s, subject, "latency_p99_ms");
    Double wrP99 = num(s, "weighted-random", "latency_p99_ms");
    out.add(
        Check.of(
            label + " latency_p99_ms",
            pTarget,
            fmt(p99) + " (weighted-random " + fmt(wrP99) + ")",
            (p99 == null || wrP99 == null) ? null : p99 <= wrP99));
  }

  private void overloadRate(List<Check> out, Scenario scenario, String label, String subject) {
    double unavoidable = (1.2 - 1) / 1.2 + 0.01;
    String target = "<= " + fmt(unavoidable) + " ((1.2-1)/1.2 + 1 pt)";
    Double r = num(scenario.key(), subject, "caller_429_rate");
    out.add(
        ran(scenario.key(), subject)
            ? Check.of(label + " caller_429_rate", target, fmt(r), le(r, unavoidable))
            : pending(label + " caller_429_rate", target, scenario.key()));
  }

  private void slowdownChecks(List<Check> out, String subject) {
    String target =
        "<= 0.3 x round-robin's, <= 0.7 x priority-cooldown's, <= 1.5 x own first third";
    if (ran("slowdown", subject)) {
      Double p99 = num("slowdown", subject, "latency_p99_ms");
      Double rr = num("slowdown", "round-robin", "latency_p99_ms");
      Double pc = num("slowdown", "priority-cooldown", "latency_p99_ms");
      Double first = num("slowdown", subject, "latency_p99_first_third_ms");
      out.add(
          Check.of(
              "slowdown latency_p99_ms",
              target,
              fmt(p99)
                  + " (round-robin "
                  + fmt(rr)
                  + ", priority-cooldown "
                  + fmt(pc)
                  + ", own first third "
                  + fmt(first)
                  + ")",
              (p99 == null || rr == null || pc == null || first == null)
                  ? null
                  : p99 <= 0.3 * rr && p99 <= 0.7 * pc && p99 <= 1.5 * first));
    } else {
      out.add(pending("slowdown latency_p99_ms", target, "slowdown"));
    }
    String ptuTarget = "<= 0.5 x priority-cooldown's, with ptu_token_share >= 0.99";
    if (ran("slowdown-ptu", subject)) {
      Double p99 = num("slowdown-ptu", subject, "latency_p99_ms");
      Double pc = num("slowdown-ptu", "priority-cooldown", "latency_p99_ms");
      Double share = num("slowdown-ptu", subject, "ptu_token_share");
      out.add(
          Check.of(
              "slowdown-ptu latency_p99_ms",
              ptuTarget,
              fmt(p99) + " (priority-cooldown " + fmt(pc) + "; ptu_token_share " + fmt(share) + ")",
              (p99 == null || pc == null || share == null)
                  ? null
                  : p99 <= 0.5 * pc && share >= 0.99));
    } else {
      out.add(pending("slowdown-ptu latency_p99_ms", ptuTarget, "slowdown-ptu"));
    }
  }

  private void failureChecks(List<Check> out, String subject) {
    String eTarget = "<= 0.001";
    String sTarget = ">= priority-cooldown's - 0.02";
    double second = 1000 / options.timeScale();
    String rTarget = "<= max(2 x priority-cooldown's, 1 simulated s = " + fmt(second) + " ms at F)";
    if (!ran("failure", subject)) {
      out.add(pending("failure caller_error_rate", eTarget, "failure"));
      out.add(pending("failure ptu_token_share", sTarget, "failure"));
      out.add(pending("failure recovery_ms", rTarget, "failure"));
      return;
    }
    Double e = num("failure", subject, "caller_error_rate");
    out.add(Check.of("failure caller_error_rate", eTarget, fmt(e), le(e, 0.001)));
    Double share = num("failure", subject, "ptu_token_share");
    Double pcShare = num("failure", "priority-cooldown", "ptu_token_share");
    out.add(
        Check.of(
            "failure ptu_token_share",
            sTarget,
            fmt(share) + " (priority-cooldown " + fmt(pcShare) + ")",
            (share == null || pcShare == null) ? null : share >= pcShare - 0.02));
    Double rec = num("failure", subject, "recovery_ms");
    Double pcRec = num("failure", "priority-cooldown", "recovery_ms");
    double bound = Math.max(pcRec == null ? 0 : 2 * pcRec, second);
    out.add(
        Check.of(
            "failure recovery_ms",
            rTarget,
            (rec == null ? "never back on ptu-a" : fmt(rec))
                + " (priority-cooldown "
                + (pcRec == null ? "never" : fmt(pcRec))
                + ")",
            rec != null && rec <= bound));
  }

  /** The mixed targets: only {@code spillway} runs mixed (the baselines have no priorities). */
  private void mixedChecks(List<Check> out) {
    String c = BenchmarkMain.MIXED_CLIENT;
    String[][] targets = {
      {"mixed payg_tokens_batch", "= 0 (batch: tier 0 only)"},
      {"mixed interactive_latency_p99_ms", "<= 1.2 x interactive-only run's p99"},
      {"mixed tier0_utilization", ">= 0.95"},
      {"mixed batch_tokens_served", ">= 0.9 x batch_tokens_servable (tier-0 capacity left)"}
    };
    if (!ran("mixed", c)) {
      for (String[] t : targets) {
        out.add(pending(t[0], t[1], "mixed"));
      }
      return;
    }
    Double payg = num("mixed", c, "payg_tokens_batch");
    out.add(Check.of(targets[0][0], targets[0][1], fmt(payg), payg == null ? null : payg == 0));
    Double p99 = num("mixed", c, "interactive_latency_p99_ms");
    Double only = num("mixed", c, "interactive_only_latency_p99_ms");
    out.add(
        Check.of(
            targets[1][0],
            targets[1][1],
            fmt(p99) + " (interactive-only " + fmt(only) + ")",
            (p99 == null || only == null) ? null : p99 <= 1.2 * only));
    Double util = num("mixed", c, "tier0_utilization");
    out.add(Check.of(targets[2][0], targets[2][1], fmt(util), ge(util, 0.95)));
    Double served = num("mixed", c, "batch_tokens_served");
    Double servable = num("mixed", c, "batch_tokens_servable");
    out.add(
        Check.of(
            targets[3][0],
            targets[3][1],
            fmt(served) + " of " + fmt(servable),
            (served == null || servable == null) ? null : served >= 0.9 * servable));
  }

  /** The fleet target: four pools sharing Redis waste no more than one pool carrying it all. */
  private void fleetCheck(List<Check> out) {
    String figure = "fleet with Redis backend_429_per_success";
    String target =
        "<= 1.2 x spillway-single's (one instance carrying 1.2 C); spillway-local beside";
    String redisSkipped = skipped.getOrDefault("fleet", Map.of()).get(FleetClient.REDIS);
    if (!ran("fleet", "spillway-single") && !ran("fleet", FleetClient.REDIS)) {
      out.add(pending(figure, target, "fleet"));
      return;
    }
    if (redisSkipped != null) {
      out.add(Check.pending(figure, target, "pending: " + redisSkipped));
      return;
    }
    Double r = num("fleet", FleetClient.REDIS, "backend_429_per_success");
    Double single = num("fleet", "spillway-single", "backend_429_per_success");
    Double local = num("fleet", "spillway-local", "backend_429_per_success");
    out.add(
        Check.of(
            figure,
            target,
            fmt(r) + " (spillway-single " + fmt(single) + ", spillway-local " + fmt(local) + ")",
            (r == null || single == null) ? null : r <= 1.2 * single));
  }

  private void jmhChecks(List<Check> out) {
    if (jmh == null) {
      out.add(
          Check.pending(
              "JMH", "docs/benchmark.md section 2", "micro-benchmarks not run (--no-jmh)"));
      return;
    }
    Double sel = jnum("select_ns_op");
    Double plain = jnum("plain_pick_ns_op");
    Double bytes = jnum("select_bytes_op");
    out.add(
        Check.of(
            "JMH select ns/op",
            "<= 4 x plain weighted-random pick",
            fmt(sel) + " (plain " + fmt(plain) + ")",
            (sel == null || plain == null) ? null : sel <= 4 * plain));
    out.add(Check.of("JMH select B/op", "0 B/op", fmt(bytes), bytes == null ? null : bytes < 0.5));
    for (String prefix : List.of("", "loopback_", "openai_", "openai_loopback_")) {
      String where =
          (prefix.startsWith("openai_") ? "openai-java, " : "")
              + (prefix.contains("loopback_") ? "loopback HTTP" : "instant stub");
      String p50Target = "<= 1.3 x the plain call's p50";
      String p99Target = "<= 2 x the plain call's p99";
      if (prefix.contains("loopback_")
          && jmh.get(JmhSuite.LOOPBACK_SKIPPED) instanceof String why) {
        out.add(Check.pending("JMH whole call p50, " + where, p50Target, why));
        out.add(Check.pending("JMH whole call p99, " + where, p99Target, why));
        continue;
      }
      Double p50 = jnum(prefix + "spillway_call_p50_us");
      Double plain50 = jnum(prefix + "plain_call_p50_us");
      Double p99 = jnum(prefix + "spillway_call_p99_us");
      Double plain99 = jnum(prefix + "plain_call_p99_us");
      out.add(
          Check.of(
              "JMH whole call p50, " + where,
              p50Target,
              fmt(p50) + " us (plain " + fmt(plain50) + " us)",
              (p50 == null || plain50 == null) ? null : p50 <= 1.3 * plain50));
      out.add(
          Check.of(
              "JMH whole call p99, " + where,
              p99Target,
              fmt(p99) + " us (plain " + fmt(plain99) + " us)",
              (p99 == null || plain99 == null) ? null : p99 <= 2 * plain99));
    }
  }

  private boolean ran(String scenario, String subject) {
    return runs.containsKey(scenario) && runs.get(scenario).containsKey(subject);
  }

  private boolean ranAnywhere(String subject) {
    return runs.values().stream().anyMatch(clients -> clients.containsKey(subject));
  }

  private Check pending(String figure, String target, String scenario) {
    return Check.pending(figure, target, why(scenarioOf(scenario)));
  }

  private String why(Scenario scenario) {
    String reason = notRun.get(scenario.key());
    return reason != null ? reason : scenario.key() + " not run";
  }

  private static Scenario scenarioOf(String key) {
    for (Scenario s : Scenario.values()) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no scenario '" + key + "'");
  }

  List<Map<String, Object>> targets() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Check c : checks()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("figure", c.figure());
      m.put("target", c.target());
      m.put("measured", c.measured());
      m.put("met", c.met());
      m.put("status", c.status());
      out.add(m);
    }
    return out;
  }

  /** A figure of spillway or a baseline: the value, or the mean over the repeats. */
  private Double num(String scenario, String client, String key) {
    Map<String, List<Map<String, Object>>> s = runs.get(scenario);
    if (s == null || s.get(client) == null) {
      return null;
    }
    double sum = 0;
    int n = 0;
    for (Map<String, Object> r : s.get(client)) {
      if (r.get(key) instanceof Number v) {
        sum += v.doubleValue();
        n++;
      }
    }
    return n == 0 ? null : sum / n;
  }

  private Double jnum(String key) {
    Object v = jmh == null ? null : jmh.get(key);
    return v instanceof Number n ? n.doubleValue() : null;
  }

  private static Boolean ge(Double v, double min) {
    return v == null ? null : v >= min;
  }

  private static Boolean le(Double v, double max) {
    return v == null ? null : v <= max;
  }

  static String fmt(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof List<?> list) {
      return String.join(" / ", list.stream().map(Report::fmt).toList());
    }
    if (v instanceof Double d) {
      if (d == Math.rint(d) && Math.abs(d) < 1e6) {
        return String.format(Locale.ROOT, "%.0f", d);
      }
      return Math.abs(d) >= 100
          ? String.format(Locale.ROOT, "%.1f", d)
          : String.format(Locale.ROOT, "%.4g", d);
    }
    return v.toString();
  }

  /** {@link #fmt} for maps too ({@code key: value, ...}), as the fleet figures nest them. */
  static String fmtAny(Object v) {
    if (v instanceof Map<?, ?> map) {
      StringBuilder s = new StringBuilder();
      map.forEach(
          (k, x) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(": ").append(fmtAny(x)));
      return "{" + s + "}";
    }
    return fmt(v);
  }

  static String label(double q) {
    return q == 0.5 ? "p50" : q == 0.9 ? "p90" : q == 0.99 ? "p99" : "p99.9";
  }

  // ---- markdown -------------------------------------------------------------------------------

  static final String[][] COLUMNS = {
    {"goodput_fraction", "goodput"},
    {"capacity_fraction", "capacity"},
    {"caller_429_rate", "429 rate"},
    {"caller_error_rate", "error rate"},
    {"backend_429_per_success", "backend 429/success"},
    {"ptu_token_share", "PTU share"},
    {"latency_p50_ms", "p50 ms"},
    {"latency_p99_ms", "p99 ms"},
    {"latency_p99_first_third_ms", "p99 1st third ms"},
    {"latency_p999_ms", "p99.9 ms"},
    {"failover_detect_ms", "failover ms"},
    {"recovery_ms", "recovery ms"},
    {"calls", "calls"},
    {"throughput_rps", "ok/s"}
  };

  String summaryMarkdown() {
    StringBuilder md = new StringBuilder();
    Map<String, Map<String, Map<String, Object>>> scenarios = scenarios();
    if (!scenarios.isEmpty()) {
      md.append("| scenario | client |");
      for (String[] c : COLUMNS) {
        if (!c[0].equals("latency_p999_ms") || options.p999()) {
          md.append(' ').append(c[1]).append(" |");
        }
      }
      md.append('\n').append("| --- | --- |");
      for (String[] c : COLUMNS) {
        if (!c[0].equals("latency_p999_ms") || options.p999()) {
          md.append(" ---: |");
        }
      }
      md.append('\n');
      scenarios.forEach(
          (scenario, clients) ->
              clients.forEach(
                  (client, figures) -> {
                    md.append("| ").append(scenario).append(" | ").append(client).append(" |");
                    for (String[] c : COLUMNS) {
                      if (!c[0].equals("latency_p999_ms") || options.p999()) {
                        md.append(' ').append(fmt(figures.get(c[0]))).append(" |");
                      }
                    }
                    md.append('\n');
                  }));
      md.append('\n');
    }
    Map<String, Object> mixed =
        scenarios.getOrDefault("mixed", Map.of()).get(BenchmarkMain.MIXED_CLIENT);
    if (mixed != null) {
      md.append("| mixed (spillway only: the baselines have no priorities) | value |\n")
          .append("| --- | ---: |\n");
      for (String key : MIXED_FIGURES) {
        md.append("| ").append(key).append(" | ").append(fmt(mixed.get(key))).append(" |\n");
      }
      md.append('\n');
    }
    Map<String, Map<String, Object>> fleet = scenarios.get("fleet");
    if (fleet != null) {
      md.append("| fleet (F = ")
          .append(fmt(Scenario.FLEET_TIME_SCALE))
          .append(" whatever the run's F) |");
      fleet.keySet().forEach(row -> md.append(' ').append(row).append(" |"));
      md.append("\n| --- |");
      fleet.keySet().forEach(row -> md.append(" ---: |"));
      md.append('\n');
      for (String key : FLEET_FIGURES) {
        md.append("| ").append(key).append(" |");
        fleet.values().forEach(f -> md.append(' ').append(fmtAny(f.get(key))).append(" |"));
        md.append('\n');
      }
      md.append('\n');
    }
    if (!skipped.isEmpty()) {
      md.append("| row skipped | why |\n| --- | --- |\n");
      skipped.forEach(
          (s, rows) ->
              rows.forEach(
                  (row, why) ->
                      md.append("| ")
                          .append(s)
                          .append(" / ")
                          .append(row)
                          .append(" | ")
                          .append(why)
                          .append(" |\n")));
      md.append('\n');
    }
    if (!notRun.isEmpty()) {
      md.append("| scenario not run | why |\n| --- | --- |\n");
      notRun.forEach(
          (k, why) -> md.append("| ").append(k).append(" | ").append(why).append(" |\n"));
      md.append('\n');
    }
    md.append("| target (spillway) | wants | measured | met |\n| --- | --- | --- | --- |\n");
    for (Check c : checks()) {
      md.append("| ")
          .append(c.figure())
          .append(" | ")
          .append(c.target())
          .append(" | ")
          .append(c.measured())
          .append(" | ")
          .append(
              c.status().startsWith("pending") || c.status().startsWith("invalid")
                  ? c.status()
                  : c.met() == null ? "n/a" : c.met() ? "yes" : "**no**")
          .append(" |\n");
    }
    if (jmh != null) {
      md.append("\n| JMH figure | value | error |\n| --- | ---: | ---: |\n");
      jmh.forEach(
          (k, v) -> {
            if (!k.endsWith("_error") && !(v instanceof Map)) {
              md.append("| ")
                  .append(k)
                  .append(" | ")
                  .append(fmt(v))
                  .append(" | ")
                  .append(fmt(jmh.get(k + "_error")))
                  .append(" |\n");
            }
          });
    }
    return md.toString();
  }

  String markdown() {
    return "# Spillway benchmark report\n\n"
        + "Mode `"
        + options.mode()
        + "`, seed "
        + options.seed()
        + ", time scale F = "
        + fmt(options.timeScale())
        + " (a quota minute lasts "
        + fmt(60 / options.timeScale())
        + " s), measured window "
        + fmt(options.scenarioSeconds())
        + " simulated s after "
        + fmt(options.warmupSeconds())
        + " simulated s of warm-up"
        + (options.warmupSustainedOnly()
            ? " (the scenarios above the PTU drain, whose PTU buckets are first set to 100 %"
                + " utilization, their saturated steady state; light, burst and slowdown-ptu"
                + " start cold, their steady state)"
            : "")
        + (options.repeats() > 1
            ? "; every scenario runs "
                + options.repeats()
                + " times: figures are listed per run, targets use the mean"
            : "")
        + ", "
        + Runtime.getRuntime().availableProcessors()
        + " cores, Java "
        + System.getProperty("java.version")
        + ".\n\n"
        + "The `fleet` scenario runs at F = "
        + fmt(Scenario.FLEET_TIME_SCALE)
        + " whatever the run's F (a quota minute lasts "
        + fmt(60 / Scenario.FLEET_TIME_SCALE)
        + " s): the Redis store's propagation, milliseconds of wall time, does not scale with F;"
        + " its times are ms at that F.\n\n"
        + "Times are wall-clock ms at F (multiply by F for simulated time). Latency is of successful calls,"
        + " from the scheduled send time. Rates are fractions of the calls scheduled in the window;"
        + " the error rate includes the 429s. Absolute times on a shared machine are noise: compare"
        + " clients within this run.\n\n"
        + summaryMarkdown();
  }
}
