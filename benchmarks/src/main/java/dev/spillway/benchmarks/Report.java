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

/** Collects the figures and writes report.json, report.md and report.html. */
final class Report {
  static final List<String> BACKENDS = List.of("ptu-a", "ptu-b", "paygo-1", "paygo-2", "paygo-3");
  static final List<Scenario> CHARTED = List.of(Scenario.OVERLOAD, Scenario.FAILURE);

  private final BenchOptions options;
  private final Map<String, Map<String, Map<String, Object>>> scenarios = new LinkedHashMap<>();
  private final Map<String, Map<String, Map<String, double[]>>> traffic = new LinkedHashMap<>();
  private final Map<String, Map<String, Map<String, Double>>> latencyProfiles =
      new LinkedHashMap<>();
  private Map<String, Object> jmh;

  Report(BenchOptions options) {
    this.options = options;
  }

  void add(RunResult run, Map<String, Object> figures) {
    scenarios
        .computeIfAbsent(run.scenario().key(), k -> new LinkedHashMap<>())
        .put(run.client(), figures);
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

  void jmh(Map<String, Object> figures) {
    this.jmh = figures;
  }

  Map<String, Object> json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("seed", options.seed());
    root.put("mode", options.mode());
    root.put("time_scale", options.timeScale());
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("java", System.getProperty("java.version"));
    root.put("machine", machine);
    root.put(
        "units",
        "latency and *_ms figures are wall-clock ms at time scale F (x F for simulated time);"
            + " rates are fractions; latencies are of successful calls, from the scheduled send time");
    root.put("window_simulated_s", options.scenarioSeconds());
    root.put("warmup_simulated_s", options.warmupSeconds());
    root.put("warmup_sustained_only", options.warmupSustainedOnly());
    root.put("scenarios", scenarios);
    root.put("jmh", jmh);
    root.put("targets", targets());
    root.put("traffic_share", traffic);
    root.put("latency_percentiles_ms", latencyProfiles);
    return root;
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

  Map<String, Map<String, Map<String, Object>>> scenarios() {
    return scenarios;
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

  // ---- targets (docs/benchmark.md §1 and §2)
  // -------------------------------------------------------------

  /**
   * One target: what it asks, the measured value, whether Spillway meets it (null: not measured).
   */
  record Check(String figure, String target, String measured, Boolean met) {}

  List<Check> checks() {
    List<Check> out = new ArrayList<>();
    Double cap = num("overload", "spillway", "capacity_fraction");
    out.add(
        new Check(
            "overload capacity_fraction",
            ">= 0.95 (single <= 0.32)",
            fmt(cap) + " (single " + fmt(num("overload", "single", "capacity_fraction")) + ")",
            ge(cap, 0.95)));
    for (String s : List.of("light", "burst")) {
      Double r = num(s, "spillway", "caller_429_rate");
      out.add(new Check(s + " caller_429_rate", "<= 0.001", fmt(r), le(r, 0.001)));
    }
    Double o429 = num("overload", "spillway", "caller_429_rate");
    double unavoidable = (1.2 - 1) / 1.2 + 0.01;
    out.add(
        new Check(
            "overload caller_429_rate",
            "<= " + fmt(unavoidable) + " ((1.2-1)/1.2 + 1 pt)",
            fmt(o429),
            le(o429, unavoidable)));
    Double b = num("overload", "spillway", "backend_429_per_success");
    Double pc = num("overload", "priority-cooldown", "backend_429_per_success");
    out.add(
        new Check(
            "overload backend_429_per_success",
            "<= 0.05 and <= 1/4 of priority-cooldown's",
            fmt(b) + " (priority-cooldown " + fmt(pc) + ")",
            (b == null || pc == null) ? null : b <= 0.05 && b <= pc / 4));
    Double share = num("light", "spillway", "ptu_token_share");
    out.add(new Check("light ptu_token_share", ">= 0.99", fmt(share), ge(share, 0.99)));
    Double p99 = num("slowdown", "spillway", "latency_p99_ms");
    Double rr = num("slowdown", "round-robin", "latency_p99_ms");
    Double first = num("slowdown", "spillway", "latency_p99_first_third_ms");
    out.add(
        new Check(
            "slowdown latency_p99_ms",
            "<= 0.3 x round-robin's and <= 1.5 x own first-third p99",
            fmt(p99) + " (round-robin " + fmt(rr) + ", own first third " + fmt(first) + ")",
            (p99 == null || rr == null || first == null)
                ? null
                : p99 <= 0.3 * rr && p99 <= 1.5 * first));
    Double fe = num("failure", "spillway", "caller_error_rate");
    out.add(new Check("failure caller_error_rate", "<= 0.001", fmt(fe), le(fe, 0.001)));
    if (jmh != null) {
      Double sel = jnum("select_ns_op");
      Double plain = jnum("plain_pick_ns_op");
      Double bytes = jnum("select_bytes_op");
      out.add(
          new Check(
              "JMH select ns/op",
              "<= 100 ns/op and <= 3 x plain pick",
              fmt(sel) + " (plain " + fmt(plain) + ")",
              (sel == null || plain == null) ? null : sel <= 100 && sel <= 3 * plain));
      out.add(
          new Check("JMH select B/op", "0 B/op", fmt(bytes), bytes == null ? null : bytes < 0.5));
      Double added = jnum("overhead_p50_us");
      out.add(
          new Check("JMH whole-call overhead p50", "<= 20 us added", fmt(added), le(added, 20)));
    }
    return out;
  }

  List<Map<String, Object>> targets() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Check c : checks()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("figure", c.figure());
      m.put("target", c.target());
      m.put("measured", c.measured());
      m.put("met", c.met());
      out.add(m);
    }
    return out;
  }

  private Double num(String scenario, String client, String key) {
    Map<String, Map<String, Object>> s = scenarios.get(scenario);
    if (s == null || s.get(client) == null) {
      return null;
    }
    Object v = s.get(client).get(key);
    return v instanceof Number n ? n.doubleValue() : null;
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

  static String label(double q) {
    return q == 0.5 ? "p50" : q == 0.9 ? "p90" : q == 0.99 ? "p99" : "p99.9";
  }

  // ---- markdown -------------------------------------------------------------------------------

  static final String[][] COLUMNS = {
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
    md.append("| target | wants | measured | met |\n| --- | --- | --- | --- |\n");
    for (Check c : checks()) {
      md.append("| ")
          .append(c.figure())
          .append(" | ")
          .append(c.target())
          .append(" | ")
          .append(c.measured())
          .append(" | ")
          .append(c.met() == null ? "n/a" : c.met() ? "yes" : "**no**")
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
            ? " (overload, failure, slowdown; light and"
                + " burst start cold, their PTU buckets' steady state)"
            : "")
        + ", "
        + Runtime.getRuntime().availableProcessors()
        + " cores, Java "
        + System.getProperty("java.version")
        + ".\n\n"
        + "Times are wall-clock ms at F (multiply by F for simulated time). Latency is of successful calls,"
        + " from the scheduled send time. Rates are fractions of the calls scheduled in the window;"
        + " the error rate includes the 429s. Absolute times on a shared machine are noise: compare"
        + " clients within this run.\n\n"
        + summaryMarkdown();
  }
}
