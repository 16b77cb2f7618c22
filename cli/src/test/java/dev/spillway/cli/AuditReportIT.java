package dev.spillway.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.spillway.ContentFilterResult;
import dev.spillway.ContentFilterResults;
import dev.spillway.Usage;
import dev.spillway.pool.audit.AuditRecord;
import dev.spillway.pool.audit.CaptureLevel;
import dev.spillway.testing.RequiresProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --audit} writes the records {@code report} reads; {@code report} aggregates them into
 * the table, the CSV and an offline HTML page that headless Chromium renders.
 */
class AuditReportIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

  @TempDir Path dir;

  @Test
  void runWithAuditWritesTheFullRecordOfEveryCall() throws Exception {
    WireMockServer backend = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    backend.start();
    try {
      backend.stubFor(
          post(urlPathEqualTo("/openai/deployments/gpt4o-ptu/chat/completions"))
              .willReturn(
                  aResponse()
                      .withStatus(200)
                      .withHeader("Content-Type", "application/json")
                      .withBody(RunIT.CHAT_BODY)));
      Path config = dir.resolve("pool.yaml");
      Files.writeString(
          config,
          """
          spillway:
            backends:
              - id: sweden-ptu
                endpoint: http://127.0.0.1:%d
                tier: 0
                region: swedencentral
                api-key: canary-audit-key-4c1d
                deployments: [{ model: gpt-4o, deployment: gpt4o-ptu, ptu: true }]
          """
              .formatted(backend.port()));
      Path audit = dir.resolve("audit/calls.jsonl");

      CliRun run =
          CliRun.of(
              "run",
              "--config",
              config.toString(),
              "--model",
              "gpt-4o",
              "--requests",
              "3",
              "--prompt",
              "Where is the audit?",
              "--audit",
              audit.toString(),
              "--capture",
              "full",
              "--json");

      assertThat(run.exitCode()).as(run.err()).isZero();
      List<String> lines = Files.readAllLines(audit);
      assertThat(lines).hasSize(3);
      for (String line : lines) {
        assertThat(line).doesNotContain("canary-audit-key-4c1d");
        JsonNode r = JSON.readTree(line);
        assertThat(r.path("capture").asText()).isEqualTo("full");
        assertThat(r.path("backend_id").asText()).isEqualTo("sweden-ptu");
        assertThat(r.path("region").asText()).isEqualTo("swedencentral");
        assertThat(r.path("request").path("messages").get(0).path("content").asText())
            .isEqualTo("Where is the audit?");
        assertThat(r.path("response").path("choices").get(0).path("message").path("content"))
            .hasToString("\"Hello\"");
      }
    } finally {
      backend.stop();
    }
  }

  @Test
  void captureWithoutAuditIsAUsageError() {
    CliRun run =
        CliRun.of("run", "--config", "missing.yaml", "--model", "gpt-4o", "--capture", "full");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--capture needs --audit FILE");
  }

  @Test
  void theReportAggregatesCallsTokensTiersThrottlesLatencyFilterHitsAndCost() throws Exception {
    Path audit = auditFile();
    Path prices = prices();
    Path csv = dir.resolve("report.csv");

    CliRun run =
        CliRun.of(
            "report",
            "--audit",
            audit.toString(),
            "--by",
            "tag:team",
            "--prices",
            prices.toString(),
            "--csv",
            csv.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Files.readAllLines(csv))
        .containsExactly(
            "tag:team,calls,succeeded,failed,input_tokens,output_tokens,ptu_tokens,payg_tokens,"
                + "throttled_attempts,p50_ms,p95_ms,p99_ms,content_filter_hits,filtered_calls,"
                + "estimated_cost",
            // PTU: 10 EUR a month, 1 of 30 days in the window -> 1/3 EUR, shared 300:600
            "(none),1,1,0,100,50,0,150,0,400,400,400,0,0,0.0006",
            "billing,2,1,1,200,100,300,0,1,200,900,900,1,1,0.1111",
            "search,3,3,0,400,200,600,0,0,100,300,300,0,0,0.2222");
    assertThat(run.outLines().get(0)).startsWith("tag:team");
    assertThat(run.outLines()).hasSize(4);
  }

  @Test
  void theReportFiltersByTimeAndRefusesBadInputNamingFileAndLine() throws Exception {
    Path audit = auditFile();
    Path csv = dir.resolve("window.csv");
    CliRun window =
        CliRun.of(
            "report",
            "--audit",
            audit.toString(),
            "--by",
            "backend",
            "--from",
            "2026-12-01T09:00:30Z",
            "--to",
            "2026-12-02",
            "--csv",
            csv.toString());
    assertThat(window.exitCode()).as(window.err()).isZero();
    assertThat(Files.readAllLines(csv)) // the two billing calls on ptu, the last on payg
        .containsExactly(
            Files.readAllLines(csv).get(0),
            "payg,1,1,0,100,50,0,150,0,400,400,400,0,0,",
            "ptu,2,1,1,200,100,300,0,1,200,900,900,1,1,");

    Path broken = dir.resolve("broken.jsonl");
    Files.writeString(broken, Files.readAllLines(audit).get(0) + "\n{not json\n");
    CliRun bad = CliRun.of("report", "--audit", broken.toString());
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains(broken + ":2: not an audit record");

    CliRun by = CliRun.of("report", "--audit", audit.toString(), "--by", "colour");
    assertThat(by.exitCode()).isEqualTo(2);
    assertThat(by.err()).contains("--by must be consumer, model, backend, tier or tag:NAME");
  }

  @Test
  @RequiresProgram("chromium")
  void theHtmlReportRendersInHeadlessChromiumWithEveryChartsSeries() throws Exception {
    Path html = dir.resolve("report.html");
    CliRun run =
        CliRun.of(
            "report",
            "--audit",
            auditFile().toString(),
            "--by",
            "tag:team",
            "--prices",
            prices().toString(),
            "--html",
            html.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    Path screenshot = Path.of("target", "report-screenshot.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);

    chromium("--screenshot=" + screenshot, "--window-size=1000,1900", html.toUri().toString());
    String dom = chromium("--dump-dom", html.toUri().toString());

    assertThat(screenshot).isNotEmptyFile();
    byte[] png = Files.readAllBytes(screenshot);
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    Map<String, Integer> expected =
        Map.of("tokens", 2, "latency", 3, "calls-over-time", 3, "content-filter", 1, "cost", 1);
    Matcher figures =
        Pattern.compile(
                "<figure class=\"chart\" id=\"([^\"]+)\" data-series=\"(\\d+)\">(.*?)</figure>",
                Pattern.DOTALL)
            .matcher(dom);
    List<String> seen = new ArrayList<>();
    while (figures.find()) {
      String id = figures.group(1);
      seen.add(id);
      List<String> series = series(figures.group(3));
      assertThat(series).as(id).hasSize(Integer.parseInt(figures.group(2)));
      assertThat(series.size()).as(id).isEqualTo(expected.get(id));
      for (String s : series) {
        assertThat(hasShape(s)).as(id + " series has a non-empty shape: " + s).isTrue();
      }
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(expected.keySet());
  }

  /** The inner markup of each {@code <g class="series">}. */
  private static List<String> series(String svg) {
    Matcher m = Pattern.compile("<g class=\"series\"[^>]*>(.*?)</g>", Pattern.DOTALL).matcher(svg);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static boolean hasShape(String series) {
    Matcher rect =
        Pattern.compile("<rect [^>]*width=\"([0-9.]+)\"[^>]*height=\"([0-9.]+)\"").matcher(series);
    while (rect.find()) {
      if (Double.parseDouble(rect.group(1)) > 0 && Double.parseDouble(rect.group(2)) > 0) {
        return true;
      }
    }
    return Pattern.compile("<path [^>]*d=\"M[^\"]* L[^\"]*\"").matcher(series).find();
  }

  /** Runs headless Chromium once with a fresh profile; returns what it printed. */
  private String chromium(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-profile")));
    command.addAll(List.of(args));
    Path output = Files.createTempFile(dir, "chromium", ".out");
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(false)
            .redirectOutput(output.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium ended").isTrue();
    assertThat(p.exitValue()).as("chromium exit code").isZero();
    return Files.readString(output);
  }

  // --- a known audit file: six calls in three teams over one day

  private Path auditFile() throws Exception {
    List<String> lines = new ArrayList<>();
    // search: 3 PTU calls, 400 in and 200 out in all, latencies 100, 100 and 300 ms
    lines.add(json(0, "search", 0, 200, 100, 50, 100, List.of("success"), null));
    lines.add(json(10, "search", 0, 200, 200, 100, 100, List.of("success"), null));
    lines.add(json(20, "search", 0, 200, 100, 50, 300, List.of("success"), null));
    // billing: a PTU call after a 429 on PAYG, then a 400 refused by the content filter
    lines.add(json(30, "billing", 0, 200, 200, 100, 200, List.of("throttled", "success"), null));
    lines.add(
        json(
            40,
            "billing",
            0,
            400,
            0,
            0,
            900,
            List.of("caller_error"),
            new ContentFilterResults(
                List.of(
                    new ContentFilterResult(
                        ContentFilterResult.Source.PROMPT, 0, "violence", true, "medium", null),
                    new ContentFilterResult(
                        ContentFilterResult.Source.PROMPT, 0, "hate", false, "safe", null)),
                "ResponsibleAIPolicyViolation")));
    // no team: one PAYG call
    lines.add(json(86_400 - 1, null, 1, 200, 100, 50, 400, List.of("success"), null));
    Path file = dir.resolve("calls-" + System.nanoTime() + ".jsonl");
    Files.write(file, lines);
    return file;
  }

  private Path prices() throws Exception {
    Path file = dir.resolve("prices.yaml");
    Files.writeString(
        file,
        """
        currency: EUR
        models:
          gpt-4o:
            payg: { input: 2.00, output: 8.00 }
            ptu: { monthly: 10 }
        """);
    return file;
  }

  private static String json(
      long atSeconds,
      String team,
      int tier,
      int status,
      long in,
      long out,
      long latencyMs,
      List<String> outcomes,
      ContentFilterResults filter) {
    Instant start = T0.plusSeconds(atSeconds);
    List<AuditRecord.Attempt> attempts = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      boolean last = i == outcomes.size() - 1;
      String backend = last ? (tier == 0 ? "ptu" : "payg") : "payg";
      attempts.add(
          new AuditRecord.Attempt(
              i + 1,
              backend,
              last ? tier : 1,
              "gpt-4o",
              outcomes.get(i),
              last ? status : 429,
              last ? null : Duration.ofSeconds(2),
              null,
              Duration.ofMillis(10)));
    }
    return new AuditRecord(
            "call-" + atSeconds,
            "chat",
            start,
            start.plusMillis(latencyMs / 2),
            start.plusMillis(latencyMs),
            null,
            team == null ? Map.of() : Map.of("team", team),
            "gpt-4o",
            "gpt-4o-2024-08-06",
            "gpt-4o",
            tier == 0 ? "ptu" : "payg",
            null,
            tier,
            false,
            status,
            null,
            attempts,
            Usage.reported(in, out),
            filter == null ? ContentFilterResults.NONE : filter,
            CaptureLevel.METADATA,
            null,
            List.of(),
            null,
            null)
        .toJson();
  }
}
