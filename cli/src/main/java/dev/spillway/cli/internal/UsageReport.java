package dev.spillway.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The chargeback view of audit files (the JSON lines of {@code AuditRecord.toJson()}): per group
 * (consumer, model, backend, tier or one tag), calls, tokens (PTU — tier 0 — and PAYG — the other
 * tiers), throttled attempts, latency percentiles, content-filter hits and, with a {@link
 * PriceTable}, estimated cost; plus calls over time and hits per category for the charts. Immutable
 * once read.
 */
final class UsageReport {
  /** A group without the grouping value (no consumer id, no such tag). */
  static final String NONE = "(none)";

  /** Time slices of the calls-over-time chart. */
  static final int TIME_SLICES = 12;

  private static final ObjectMapper JSON = new ObjectMapper();

  final String by;
  final Instant from;
  final Instant to;
  final Map<String, Group> groups;
  final Map<String, Long> hitsByCategory;
  final List<Call> calls;
  final String currency;

  private UsageReport(
      String by,
      Instant from,
      Instant to,
      Map<String, Group> groups,
      Map<String, Long> hitsByCategory,
      List<Call> calls,
      String currency) {
    this.by = by;
    this.from = from;
    this.to = to;
    this.groups = groups;
    this.hitsByCategory = hitsByCategory;
    this.calls = calls;
    this.currency = currency;
  }

  /** One call as the report needs it. */
  record Call(
      Instant startedAt,
      String group,
      String model,
      Integer tier,
      boolean succeeded,
      long inputTokens,
      long outputTokens,
      int throttled,
      long latencyMs,
      int filterHits,
      boolean filtered) {
    long tokens() {
      return inputTokens + outputTokens;
    }
  }

  /** What one group did. */
  static final class Group {
    final String name;
    long calls;
    long succeeded;
    long inputTokens;
    long outputTokens;
    long ptuTokens;
    long paygTokens;
    long throttled;
    long filterHits;
    long filteredCalls;
    Double cost;
    final List<Long> latencies = new ArrayList<>();

    Group(String name) {
      this.name = name;
    }

    long failed() {
      return calls - succeeded;
    }

    /** Nearest-rank percentile of the latencies, in ms. */
    long percentile(double p) {
      if (latencies.isEmpty()) {
        return 0;
      }
      List<Long> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      int rank = (int) Math.ceil(p / 100.0 * sorted.size());
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
  }

  /**
   * Reads the audit files.
   *
   * @param files the JSON-lines files
   * @param by {@code consumer}, {@code model}, {@code backend}, {@code tier} or {@code tag:NAME}
   * @param from calls that started at or after, or {@code null}
   * @param to calls that started before, or {@code null}
   * @param prices the price table, or {@code null}
   * @return the report
   * @throws UsageException naming the file and line of a record that cannot be read
   */
  static UsageReport read(
      List<Path> files, String by, Instant from, Instant to, PriceTable prices) {
    List<Call> calls = new ArrayList<>();
    Map<String, Long> hits = new TreeMap<>();
    for (Path file : files) {
      readFile(file, by, from, to, calls, hits);
    }
    calls.sort((a, b) -> a.startedAt().compareTo(b.startedAt()));
    Map<String, Group> groups = new TreeMap<>();
    for (Call c : calls) {
      Group g = groups.computeIfAbsent(c.group(), Group::new);
      g.calls++;
      g.succeeded += c.succeeded() ? 1 : 0;
      g.inputTokens += c.inputTokens();
      g.outputTokens += c.outputTokens();
      if (c.tier() != null && c.tier() == 0) {
        g.ptuTokens += c.tokens();
      } else if (c.tier() != null) {
        g.paygTokens += c.tokens();
      }
      g.throttled += c.throttled();
      g.filterHits += c.filterHits();
      g.filteredCalls += c.filtered() ? 1 : 0;
      g.latencies.add(c.latencyMs());
    }
    Instant windowFrom = from != null ? from : calls.isEmpty() ? null : calls.get(0).startedAt();
    Instant windowTo =
        to != null ? to : calls.isEmpty() ? null : calls.get(calls.size() - 1).startedAt();
    if (prices != null && windowFrom != null) {
      prices.apply(calls, groups, Duration.between(windowFrom, windowTo));
    }
    return new UsageReport(
        by,
        windowFrom,
        windowTo,
        Collections.unmodifiableMap(new LinkedHashMap<>(groups)),
        Collections.unmodifiableMap(hits),
        List.copyOf(calls),
        prices == null ? null : prices.currency());
  }

  private static void readFile(
      Path file, String by, Instant from, Instant to, List<Call> calls, Map<String, Long> hits) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int number = 0;
      for (String line; (line = in.readLine()) != null; ) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode r;
        Instant started;
        try {
          r = JSON.readTree(line);
          started = Instant.parse(r.path("started_at").asText());
        } catch (IOException | DateTimeParseException e) {
          throw new UsageException(
              file + ":" + number + ": not an audit record (JSON with started_at expected)", e);
        }
        if ((from != null && started.isBefore(from)) || (to != null && !started.isBefore(to))) {
          continue;
        }
        calls.add(call(r, started, by, hits));
      }
    } catch (IOException e) {
      throw new UsageException(
          file + ": cannot read the file (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  private static Call call(JsonNode r, Instant started, String by, Map<String, Long> hits) {
    int throttled = 0;
    for (JsonNode a : r.path("attempts")) {
      throttled += "throttled".equals(a.path("outcome").asText()) ? 1 : 0;
    }
    int filterHits = 0;
    for (JsonNode f : r.path("content_filter").path("results")) {
      String severity = f.path("severity").asText("safe");
      if (f.path("filtered").asBoolean()
          || f.path("detected").asBoolean()
          || !severity.equals("safe")) {
        filterHits++;
        hits.merge(f.path("category").asText("?"), 1L, Long::sum);
      }
    }
    JsonNode usage = r.path("usage");
    return new Call(
        started,
        group(r, by),
        text(r, "model"),
        r.path("tier").isInt() ? r.path("tier").asInt() : null,
        r.path("succeeded").asBoolean(),
        usage.path("input_tokens").asLong(),
        usage.path("output_tokens").asLong(),
        throttled,
        r.path("latency_ms").asLong(),
        filterHits,
        r.path("content_filter").path("filtered").asBoolean());
  }

  private static String group(JsonNode r, String by) {
    if (by.startsWith("tag:")) {
      return text(r.path("tags"), by.substring(4));
    }
    return switch (by) {
      case "consumer" -> text(r, "consumer_id");
      case "backend" -> text(r, "backend_id");
      case "tier" -> r.path("tier").isInt() ? "tier " + r.path("tier").asInt() : NONE;
      default -> text(r, "model");
    };
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isTextual() && !v.asText().isEmpty() ? v.asText() : NONE;
  }

  /** The CSV: a header, then one row per group. */
  String csv() {
    StringBuilder s =
        new StringBuilder(
            csvField(by)
                + ",calls,succeeded,failed,input_tokens,output_tokens,ptu_tokens,payg_tokens,"
                + "throttled_attempts,p50_ms,p95_ms,p99_ms,content_filter_hits,filtered_calls,"
                + "estimated_cost\n");
    for (Group g : groups.values()) {
      s.append(csvField(g.name))
          .append(',')
          .append(g.calls)
          .append(',')
          .append(g.succeeded)
          .append(',')
          .append(g.failed())
          .append(',')
          .append(g.inputTokens)
          .append(',')
          .append(g.outputTokens)
          .append(',')
          .append(g.ptuTokens)
          .append(',')
          .append(g.paygTokens)
          .append(',')
          .append(g.throttled)
          .append(',')
          .append(g.percentile(50))
          .append(',')
          .append(g.percentile(95))
          .append(',')
          .append(g.percentile(99))
          .append(',')
          .append(g.filterHits)
          .append(',')
          .append(g.filteredCalls)
          .append(',')
          .append(g.cost == null ? "" : String.format(java.util.Locale.ROOT, "%.4f", g.cost))
          .append('\n');
    }
    return s.toString();
  }

  /** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
  static String csvField(String value) {
    if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }

  /** The text table printed on stdout. */
  List<String> table() {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            java.util.Locale.ROOT,
            "%-24s %7s %7s %10s %10s %10s %10s %6s %8s %8s %6s%s",
            by,
            "calls",
            "failed",
            "input",
            "output",
            "ptu",
            "payg",
            "429s",
            "p50 ms",
            "p99 ms",
            "cf",
            currency == null ? "" : "  cost " + currency));
    for (Group g : groups.values()) {
      lines.add(
          String.format(
              java.util.Locale.ROOT,
              "%-24s %7d %7d %10d %10d %10d %10d %6d %8d %8d %6d%s",
              g.name,
              g.calls,
              g.failed(),
              g.inputTokens,
              g.outputTokens,
              g.ptuTokens,
              g.paygTokens,
              g.throttled,
              g.percentile(50),
              g.percentile(99),
              g.filterHits,
              g.cost == null ? "" : String.format(java.util.Locale.ROOT, "  %.2f", g.cost)));
    }
    return lines;
  }
}
