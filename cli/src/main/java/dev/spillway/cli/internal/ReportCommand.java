package dev.spillway.cli.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code report}: the usage (chargeback) report of audit files, as a table, CSV and HTML. */
@Command(
    name = "report",
    sortOptions = false,
    description = {
      "Aggregates audit files (the JSON lines of run --audit or the file sink of"
          + " spillway.audit) into calls, input and output tokens, PTU (tier 0) and PAYG tokens,"
          + " throttled attempts, latency percentiles, content-filter hits and, with --prices,"
          + " estimated cost, per consumer, model, backend, tier or tag."
    },
    footer = {
      "",
      "Example: report --audit calls.jsonl calls.jsonl.1 --by tag:team --prices prices.yaml"
          + " --html report.html",
      "",
      "Exit codes: 0 done, 2 bad arguments or an unreadable file."
    })
final class ReportCommand implements Callable<Integer> {
  @Option(
      names = "--audit",
      required = true,
      arity = "1..*",
      paramLabel = "FILE",
      description = "Audit files (JSON lines), one or more.")
  List<Path> audit;

  @Option(
      names = "--by",
      defaultValue = "model",
      paramLabel = "KEY",
      description = "consumer, model, backend, tier or tag:NAME (default: ${DEFAULT-VALUE}).")
  String by;

  @Option(
      names = "--from",
      paramLabel = "WHEN",
      description = "Calls started at or after (ISO-8601 instant, or a date: its start, UTC).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "WHEN",
      description = "Calls started before (ISO-8601 instant, or a date: up to its end, UTC).")
  String to;

  @Option(
      names = "--prices",
      paramLabel = "FILE",
      description = "Prices per model and tier (YAML), for the estimated cost.")
  Path prices;

  @Option(names = "--csv", paramLabel = "FILE", description = "Write the table as CSV.")
  Path csv;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "Write an offline HTML report with charts.")
  Path html;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  @Spec CommandSpec spec;

  private final PrintStream out;

  ReportCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    if (!by.matches("consumer|model|backend|tier|tag:.+")) {
      throw new ParameterException(
          spec.commandLine(),
          "--by must be consumer, model, backend, tier or tag:NAME, was '" + by + "'");
    }
    Instant start = instant("--from", from, false);
    Instant end = instant("--to", to, true);
    if (start != null && end != null && !end.isAfter(start)) {
      throw new ParameterException(spec.commandLine(), "--to must be after --from");
    }
    PriceTable table = prices == null ? null : PriceTable.load(prices);
    UsageReport report = UsageReport.read(audit, by, start, end, table);
    report.table().forEach(out::println);
    write(csv, report.csv());
    write(html, ReportHtml.render(report));
    out.flush();
    return Cli.OK;
  }

  private Instant instant(String option, String value, boolean endOfDay) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException notInstant) {
      try {
        LocalDate date = LocalDate.parse(value);
        return (endOfDay ? date.plusDays(1) : date).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e) {
        throw new ParameterException(
            spec.commandLine(),
            option
                + " must be an ISO-8601 instant or date, such as 2026-12-01, was '"
                + value
                + "'");
      }
    }
  }

  private static void write(Path file, String content) {
    if (file == null) {
      return;
    }
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException(file + ": cannot write (" + e.getClass().getSimpleName() + ")", e);
    }
  }
}
