package dev.spillway.cli.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The usage report as one offline HTML file: the table, and charts drawn as inline SVG (no script,
 * no font, no request): tokens by group (PTU and PAYG stacked), latency percentiles by group, calls
 * over time per group, content-filter hits by category, and estimated cost by group when prices
 * were given. Each chart is a {@code <figure class="chart" data-series="N">} whose SVG holds one
 * {@code <g class="series" data-name="…">} per series, so a test (or a reader) can count them; a
 * series with nothing to draw is left out, and a chart with no series is not drawn.
 */
final class ReportHtml {
  private static final String[] COLORS = {
    "#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#319795", "#b7791f", "#718096"
  };

  /** Groups drawn as their own line over time; the rest are summed as "other". */
  static final int MAX_LINES = 7;

  private static final int WIDTH = 720;
  private static final int HEIGHT = 280;
  private static final int LEFT = 150;
  private static final int RIGHT = 20;
  private static final int TOP = 20;
  private static final int BOTTOM = 40;

  private ReportHtml() {}

  static String render(UsageReport report) {
    StringBuilder html = new StringBuilder(16_384);
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Spillway usage report</title><style>")
        .append("body{font:14px system-ui,sans-serif;margin:24px;color:#1a202c}")
        .append(
            "table{border-collapse:collapse}td,th{padding:4px 8px;border-bottom:1px solid #e2e8f0;")
        .append("text-align:right}td:first-child,th:first-child{text-align:left}")
        .append("figure{margin:24px 0}figcaption{font-weight:600;margin-bottom:4px}")
        .append(".legend span{display:inline-block;margin-right:12px}")
        .append(".legend i{display:inline-block;width:10px;height:10px;margin-right:4px}")
        .append("svg text{font-size:11px;fill:#4a5568}</style></head><body>\n")
        .append("<h1>Spillway usage report</h1>\n<p>")
        .append(report.calls.size())
        .append(" calls by ")
        .append(escape(report.by));
    if (report.from != null) {
      html.append(", ").append(report.from).append(" to ").append(report.to);
    }
    html.append(". PTU: tier 0; PAYG: the other tiers.</p>\n");
    table(html, report);
    List<String> names = new ArrayList<>(report.groups.keySet());
    List<UsageReport.Group> groups = new ArrayList<>(report.groups.values());

    Map<String, double[]> tokens = new LinkedHashMap<>();
    tokens.put("PTU tokens", groups.stream().mapToDouble(g -> g.ptuTokens).toArray());
    tokens.put("PAYG tokens", groups.stream().mapToDouble(g -> g.paygTokens).toArray());
    barChart(html, "tokens", "Tokens by " + report.by, names, tokens, true);

    Map<String, double[]> latency = new LinkedHashMap<>();
    latency.put("p50", groups.stream().mapToDouble(g -> g.percentile(50)).toArray());
    latency.put("p95", groups.stream().mapToDouble(g -> g.percentile(95)).toArray());
    latency.put("p99", groups.stream().mapToDouble(g -> g.percentile(99)).toArray());
    barChart(html, "latency", "Latency (ms) by " + report.by, names, latency, false);

    lineChart(html, report);

    if (!report.hitsByCategory.isEmpty()) {
      Map<String, double[]> hits = new LinkedHashMap<>();
      hits.put(
          "hits", report.hitsByCategory.values().stream().mapToDouble(Long::doubleValue).toArray());
      barChart(
          html,
          "content-filter",
          "Content-filter hits by category",
          new ArrayList<>(report.hitsByCategory.keySet()),
          hits,
          false);
    }
    if (report.currency != null) {
      Map<String, double[]> cost = new LinkedHashMap<>();
      cost.put("cost", groups.stream().mapToDouble(g -> g.cost == null ? 0 : g.cost).toArray());
      barChart(
          html,
          "cost",
          "Estimated cost (" + report.currency + ") by " + report.by,
          names,
          cost,
          false);
    }
    return html.append("</body></html>\n").toString();
  }

  private static void table(StringBuilder html, UsageReport report) {
    html.append("<table><thead><tr><th>")
        .append(escape(report.by))
        .append("</th><th>calls</th><th>failed</th><th>input</th><th>output</th><th>PTU</th>")
        .append("<th>PAYG</th><th>throttled</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th>")
        .append("<th>filter hits</th>")
        .append(report.currency == null ? "" : "<th>cost " + escape(report.currency) + "</th>")
        .append("</tr></thead><tbody>\n");
    for (UsageReport.Group g : report.groups.values()) {
      html.append("<tr><td>").append(escape(g.name)).append("</td>");
      for (long v :
          new long[] {
            g.calls,
            g.failed(),
            g.inputTokens,
            g.outputTokens,
            g.ptuTokens,
            g.paygTokens,
            g.throttled,
            g.percentile(50),
            g.percentile(95),
            g.percentile(99),
            g.filterHits
          }) {
        html.append("<td>").append(v).append("</td>");
      }
      if (report.currency != null) {
        html.append("<td>").append(format(g.cost == null ? 0 : g.cost)).append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</tbody></table>\n");
  }

  /** Horizontal bars, one row per category; series side by side, or stacked. */
  private static void barChart(
      StringBuilder html,
      String id,
      String title,
      List<String> categories,
      Map<String, double[]> allSeries,
      boolean stacked) {
    Map<String, double[]> series = drawable(allSeries);
    if (series.isEmpty() || categories.isEmpty()) {
      return;
    }
    double max = 0;
    for (int c = 0; c < categories.size(); c++) {
      double sum = 0;
      for (double[] values : series.values()) {
        sum += values[c];
        max = Math.max(max, values[c]);
      }
      if (stacked) {
        max = Math.max(max, sum);
      }
    }
    int plotWidth = WIDTH - LEFT - RIGHT;
    int rowHeight = Math.max(14, Math.min(48, (HEIGHT - TOP - BOTTOM) / categories.size()));
    int height = TOP + BOTTOM + rowHeight * categories.size();
    int barHeight = stacked ? rowHeight - 6 : Math.max(3, (rowHeight - 6) / series.size());
    open(html, id, title, series.size(), height);
    for (int c = 0; c < categories.size(); c++) {
      html.append(
          text(LEFT - 6, TOP + c * rowHeight + rowHeight / 2 + 4, "end", categories.get(c)));
    }
    int s = 0;
    double[] offsets = new double[categories.size()];
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      html.append("<g class=\"series\" data-name=\"")
          .append(escape(e.getKey()))
          .append("\" fill=\"")
          .append(COLORS[s % COLORS.length])
          .append("\">");
      for (int c = 0; c < categories.size(); c++) {
        double value = e.getValue()[c];
        double w = max == 0 ? 0 : value / max * plotWidth;
        if (w <= 0) {
          continue;
        }
        double x = LEFT + (stacked ? offsets[c] : 0);
        double y = TOP + c * rowHeight + 3 + (stacked ? 0 : s * barHeight);
        html.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\"><title>%s: %s</title></rect>",
                x,
                y,
                Math.max(1, w),
                barHeight,
                escape(categories.get(c) + " " + e.getKey()),
                format(value)));
        offsets[c] += w;
      }
      html.append("</g>");
      s++;
    }
    html.append(axisLine(height)).append(text(LEFT + plotWidth, height - 8, "end", format(max)));
    close(html, series.keySet());
  }

  /** Calls per time slice, one line per group (the smaller ones summed as "other"). */
  private static void lineChart(StringBuilder html, UsageReport report) {
    if (report.calls.isEmpty() || report.from == null) {
      return;
    }
    Instant from = report.from;
    long span = Math.max(1, Duration.between(from, report.to).toMillis() + 1);
    List<String> lines = new ArrayList<>(report.groups.keySet());
    lines.sort((a, b) -> Long.compare(report.groups.get(b).calls, report.groups.get(a).calls));
    List<String> drawn = lines.subList(0, Math.min(MAX_LINES, lines.size()));
    Map<String, double[]> series = new LinkedHashMap<>();
    for (String name : drawn) {
      series.put(name, new double[UsageReport.TIME_SLICES]);
    }
    for (UsageReport.Call c : report.calls) {
      long at = Duration.between(from, c.startedAt()).toMillis();
      int slice = (int) Math.min(UsageReport.TIME_SLICES - 1, at * UsageReport.TIME_SLICES / span);
      String name = drawn.contains(c.group()) ? c.group() : "other";
      series.computeIfAbsent(name, n -> new double[UsageReport.TIME_SLICES])[Math.max(0, slice)]++;
    }
    series = drawable(series);
    double max = 0;
    for (double[] values : series.values()) {
      for (double v : values) {
        max = Math.max(max, v);
      }
    }
    int plotWidth = WIDTH - LEFT - RIGHT;
    int plotHeight = HEIGHT - TOP - BOTTOM;
    open(html, "calls-over-time", "Calls over time by " + report.by, series.size(), HEIGHT);
    int s = 0;
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      StringBuilder d = new StringBuilder();
      double[] values = e.getValue();
      for (int i = 0; i < values.length; i++) {
        double x = LEFT + (double) i / (values.length - 1) * plotWidth;
        double y = TOP + plotHeight - (max == 0 ? 0 : values[i] / max * plotHeight);
        d.append(i == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
      }
      html.append("<g class=\"series\" data-name=\"")
          .append(escape(e.getKey()))
          .append("\"><path fill=\"none\" stroke-width=\"2\" stroke=\"")
          .append(COLORS[s % COLORS.length])
          .append("\" d=\"")
          .append(d)
          .append("\"/></g>");
      s++;
    }
    html.append(axisLine(HEIGHT))
        .append(text(LEFT, HEIGHT - 8, "start", from.toString()))
        .append(text(LEFT + plotWidth, HEIGHT - 8, "end", report.to.toString()))
        .append(text(LEFT - 6, TOP + 8, "end", format(max) + " calls"));
    close(html, series.keySet());
  }

  /** The series with something to draw. */
  private static Map<String, double[]> drawable(Map<String, double[]> series) {
    Map<String, double[]> out = new LinkedHashMap<>();
    series.forEach(
        (name, values) -> {
          for (double v : values) {
            if (v > 0) {
              out.put(name, values);
              return;
            }
          }
        });
    return out;
  }

  private static void open(StringBuilder html, String id, String title, int series, int height) {
    html.append("<figure class=\"chart\" id=\"")
        .append(id)
        .append("\" data-series=\"")
        .append(series)
        .append("\"><figcaption>")
        .append(escape(title))
        .append("</figcaption>")
        .append(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                    + " viewBox=\"0 0 %d %d\" role=\"img\">",
                WIDTH,
                height,
                WIDTH,
                height));
  }

  private static void close(StringBuilder html, Iterable<String> names) {
    html.append("</svg><div class=\"legend\">");
    int s = 0;
    for (String name : names) {
      html.append("<span><i style=\"background:")
          .append(COLORS[s++ % COLORS.length])
          .append("\"></i>")
          .append(escape(name))
          .append("</span>");
    }
    html.append("</div></figure>\n");
  }

  private static String axisLine(int height) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#a0aec0\"/>",
        LEFT,
        TOP,
        LEFT,
        height - BOTTOM);
  }

  private static String text(int x, int y, String anchor, String s) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">%s</text>",
        x,
        y,
        anchor,
        escape(s));
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.2f", v);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
