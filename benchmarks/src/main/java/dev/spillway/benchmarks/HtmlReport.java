package dev.spillway.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The offline HTML report: the tables of report.md and inline SVG charts, no scripts, no fetches.
 */
final class HtmlReport {
  static final String[] COLOURS = {"#1f5fa8", "#6fa8dc", "#c27c0e", "#e0a030", "#a33"};
  static final String[] CLIENT_COLOURS = {
    "#888", "#c27c0e", "#7a5ea8", "#3a8a5c", "#1f5fa8", "#4fa3d9"
  };

  private HtmlReport() {}

  static String render(Report report) {
    StringBuilder h = new StringBuilder(64_000);
    h.append(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Spillway benchmark</title>")
        .append("<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}")
        .append(
            "table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:3px 7px;")
        .append(
            "text-align:right}th{background:#f3f3f3}td:first-child,td:nth-child(2){text-align:left}")
        .append(
            ".no{color:#b00;font-weight:bold}.yes{color:#080}.pending{color:#777;text-align:left}.charts{display:flex;flex-wrap:wrap;gap:16px}")
        .append("figure{margin:0}figcaption{font-weight:bold}</style></head><body>");
    BenchOptions o = report.options();
    h.append("<h1>Spillway benchmark</h1><p>Mode <b>")
        .append(o.mode())
        .append("</b>, seed ")
        .append(o.seed())
        .append(", time scale F = ")
        .append(Report.fmt(o.timeScale()))
        .append(", window ")
        .append(Report.fmt(o.scenarioSeconds()))
        .append(" simulated s after ")
        .append(Report.fmt(o.warmupSeconds()))
        .append(" s warm-up; ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, Java ")
        .append(esc(System.getProperty("java.version")))
        .append(
            ". Times are wall-clock ms at F; latencies of successful calls from the scheduled send time.</p>");

    h.append(
        "<h2>Targets (spillway, figures of this run)</h2><table><tr><th>target</th><th>wants</th>"
            + "<th>measured</th><th>met</th></tr>");
    for (Report.Check c : report.checks()) {
      String met =
          c.status().startsWith("pending") || c.status().startsWith("invalid")
              ? "<td class=pending>" + esc(c.status()) + "</td>"
              : c.met() == null
                  ? "<td>n/a</td>"
                  : c.met() ? "<td class=yes>yes</td>" : "<td class=no>no</td>";
      h.append("<tr><td>")
          .append(esc(c.figure()))
          .append("</td><td>")
          .append(esc(c.target()))
          .append("</td><td>")
          .append(esc(c.measured()))
          .append("</td>")
          .append(met)
          .append("</tr>");
    }
    h.append("</table>");

    h.append("<h2>Scenarios</h2><table><tr><th>scenario</th><th>status</th></tr>");
    report
        .definitions()
        .forEach(
            (scenario, d) ->
                h.append("<tr><td>")
                    .append(esc(scenario))
                    .append("</td><td style=\"text-align:left\">")
                    .append(esc(String.valueOf(((Map<?, ?>) d).get("status"))))
                    .append("</td></tr>"));
    h.append("</table>");

    h.append("<h2>Figures</h2><table><tr><th>scenario</th><th>client</th>");
    for (String[] c : Report.COLUMNS) {
      h.append("<th>").append(esc(c[1])).append("</th>");
    }
    h.append("</tr>");
    report
        .scenarios()
        .forEach(
            (scenario, clients) ->
                clients.forEach(
                    (client, f) -> {
                      h.append("<tr><td>")
                          .append(scenario)
                          .append("</td><td>")
                          .append(esc(client))
                          .append("</td>");
                      for (String[] c : Report.COLUMNS) {
                        h.append("<td>").append(esc(Report.fmt(f.get(c[0])))).append("</td>");
                      }
                      h.append("</tr>");
                    }));
    h.append("</table>");

    Map<String, Map<String, Object>> fleet = report.scenarios().get("fleet");
    if (fleet != null) {
      h.append("<h2>Fleet (F = ")
          .append(Report.fmt(Scenario.FLEET_TIME_SCALE))
          .append(" whatever the run's F)</h2><table><tr><th>figure</th>");
      fleet.keySet().forEach(row -> h.append("<th>").append(esc(row)).append("</th>"));
      h.append("</tr>");
      for (String key : Report.FLEET_FIGURES) {
        h.append("<tr><td>").append(esc(key)).append("</td>");
        fleet
            .values()
            .forEach(
                f ->
                    h.append("<td style=\"text-align:left\">")
                        .append(esc(Report.fmtAny(f.get(key))))
                        .append("</td>"));
        h.append("</tr>");
      }
      h.append("</table>");
    }
    report
        .skippedRows()
        .forEach(
            (s, rows) ->
                rows.forEach(
                    (row, why) ->
                        h.append("<p>")
                            .append(esc(s + " / " + row))
                            .append(" skipped: ")
                            .append(esc(why))
                            .append("</p>")));

    h.append(
            "<h2>Traffic share per backend over time</h2><p>Share of the successful calls each backend")
        .append(
            " answered, by when the answering attempt was sent; the shaded band is the fault.</p>");
    legend(h, Report.BACKENDS, COLOURS);
    report
        .traffic()
        .forEach(
            (scenario, clients) -> {
              h.append("<h3>").append(scenario).append("</h3><div class=charts>");
              clients.forEach(
                  (client, series) ->
                      h.append("<figure><figcaption>")
                          .append(esc(client))
                          .append("</figcaption>")
                          .append(stacked(series, !scenario.equals("overload")))
                          .append("</figure>"));
              h.append("</div>");
            });

    h.append("<h2>Latency percentiles per client</h2>");
    legend(h, Clients.KEYS, CLIENT_COLOURS);
    h.append("<div class=charts>");
    report
        .latencyProfiles()
        .forEach(
            (scenario, clients) ->
                h.append("<figure><figcaption>")
                    .append(scenario)
                    .append(" (ms, log scale)</figcaption>")
                    .append(bars(clients))
                    .append("</figure>"));
    h.append("</div>");

    Map<String, Object> jmh = report.jmhFigures();
    if (jmh != null) {
      h.append(
          "<h2>Micro-benchmarks (JMH)</h2><table><tr><th>figure</th><th>value</th><th>error</th></tr>");
      jmh.forEach(
          (k, v) -> {
            if (!k.endsWith("_error") && !(v instanceof Map)) {
              h.append("<tr><td>")
                  .append(esc(k))
                  .append("</td><td>")
                  .append(esc(Report.fmt(v)))
                  .append("</td><td>")
                  .append(esc(Report.fmt(jmh.get(k + "_error"))))
                  .append("</td></tr>");
            }
          });
      h.append("</table>");
    }
    return h.append("</body></html>\n").toString();
  }

  private static void legend(StringBuilder h, List<String> names, String[] colours) {
    h.append("<p>");
    for (int i = 0; i < names.size(); i++) {
      h.append("<svg width=12 height=12><rect width=12 height=12 fill=\"")
          .append(colours[i % colours.length])
          .append("\"/></svg> ")
          .append(esc(names.get(i)))
          .append(" &nbsp; ");
    }
    h.append("</p>");
  }

  /** A stacked area chart of shares (each bin sums to 1 or 0). */
  static String stacked(Map<String, double[]> series, boolean faultBand) {
    int w = 300;
    int hgt = 120;
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(w)
        .append("\" height=\"")
        .append(hgt + 16)
        .append("\" viewBox=\"0 0 ")
        .append(w)
        .append(' ')
        .append(hgt + 16)
        .append("\">");
    s.append("<rect width=\"")
        .append(w)
        .append("\" height=\"")
        .append(hgt)
        .append("\" fill=\"#f6f6f6\"/>");
    int bins = series.values().iterator().next().length;
    double dx = (double) w / bins;
    double[] base = new double[bins];
    int k = 0;
    for (double[] share : series.values()) {
      StringBuilder top = new StringBuilder();
      StringBuilder bottom = new StringBuilder();
      for (int i = 0; i < bins; i++) {
        double x0 = i * dx;
        double x1 = (i + 1) * dx;
        double y0 = hgt - base[i] * hgt;
        double y1 = hgt - (base[i] + share[i]) * hgt;
        top.append(pt(x0, y1)).append(pt(x1, y1));
        bottom.insert(0, pt(x1, y0) + pt(x0, y0));
        base[i] += share[i];
      }
      s.append("<polygon fill=\"")
          .append(COLOURS[k++ % COLOURS.length])
          .append("\" points=\"")
          .append(top)
          .append(bottom)
          .append("\"/>");
    }
    if (faultBand) {
      s.append("<rect x=\"")
          .append(w / 3)
          .append("\" width=\"")
          .append(w / 3)
          .append("\" height=\"")
          .append(hgt)
          .append("\" fill=\"#000\" fill-opacity=\"0.12\"/>");
    }
    s.append("<text x=\"0\" y=\"").append(hgt + 13).append("\" font-size=\"10\">start</text>");
    s.append("<text x=\"")
        .append(w - 24)
        .append("\" y=\"")
        .append(hgt + 13)
        .append("\" font-size=\"10\">end</text>");
    return s.append("</svg>").toString();
  }

  /** Grouped horizontal bars: per client, one bar per percentile, log scale. */
  static String bars(Map<String, Map<String, Double>> clients) {
    double max = 1;
    double min = Double.MAX_VALUE;
    for (Map<String, Double> p : clients.values()) {
      for (Double v : p.values()) {
        if (v != null && v > 0) {
          max = Math.max(max, v);
          min = Math.min(min, v);
        }
      }
    }
    double lo = Math.log10(Math.max(0.1, Math.min(min, max) / 2));
    double hi = Math.log10(max * 1.2);
    int left = 130;
    int width = 260;
    int row = 11;
    int n = 0;
    for (Map<String, Double> p : clients.values()) {
      n += p.size() + 1;
    }
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(left + width + 60)
        .append("\" height=\"")
        .append(n * row + 10)
        .append("\">");
    int y = 0;
    int c = 0;
    for (Map.Entry<String, Map<String, Double>> e : clients.entrySet()) {
      String colour =
          CLIENT_COLOURS[
              Clients.KEYS.indexOf(e.getKey()) < 0 ? c : Clients.KEYS.indexOf(e.getKey())];
      for (Map.Entry<String, Double> p : e.getValue().entrySet()) {
        double v = p.getValue() == null ? 0 : p.getValue();
        double len = v <= 0 ? 0 : Math.max(1, (Math.log10(v) - lo) / (hi - lo) * width);
        s.append("<text x=\"")
            .append(left - 4)
            .append("\" y=\"")
            .append(y + 9)
            .append("\" font-size=\"9\" text-anchor=\"end\">")
            .append(esc(e.getKey()))
            .append(' ')
            .append(p.getKey())
            .append("</text>");
        s.append("<rect x=\"")
            .append(left)
            .append("\" y=\"")
            .append(y + 1)
            .append("\" height=\"")
            .append(row - 2)
            .append("\" width=\"")
            .append(fmt(len))
            .append("\" fill=\"")
            .append(colour)
            .append("\"/>");
        s.append("<text x=\"")
            .append(fmt(left + len + 3))
            .append("\" y=\"")
            .append(y + 9)
            .append("\" font-size=\"9\">")
            .append(Report.fmt(p.getValue()))
            .append("</text>");
        y += row;
      }
      y += row;
      c++;
    }
    return s.append("</svg>").toString();
  }

  private static String pt(double x, double y) {
    return fmt(x) + "," + fmt(y) + " ";
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String esc(String s) {
    return s == null
        ? ""
        : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
