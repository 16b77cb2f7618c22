package dev.spillway.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Quota accuracy over loopback HTTP, on a simulator whose clock only the test moves: each request
 * is admitted at the instant the test chose, so the quota windows it falls in are the simulator's
 * own (aligned to its simulated time zero) and a loaded machine cannot shift a request across a
 * window boundary.
 */
class QuotaAccuracyIT {
  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  /** The simulator's ticker: real nanoseconds, set by the test. Simulated time starts at 0. */
  private final AtomicLong now = new AtomicLong();

  private Simulator start(SimulatorConfig config) {
    return Simulator.builder().config(config).ticker(now::get).start();
  }

  private static long usageTokens(HttpResponse<String> response, String field) {
    return Loopback.json(response.body()).path("usage").path(field).asLong();
  }

  @Test
  void admitsTpmPerMinuteWithinFivePercentAtTwiceTheTpm() {
    long tpm = 30_000;
    int maxTokens = 492;
    SimulatorConfig config =
        SimulatorConfig.of(
            ResourceConfig.of(
                "paygo",
                "key",
                DeploymentConfig.standard("d", tpm).withLatency(LatencyModel.NONE),
                DeploymentConfig.standard("probe", tpm).withLatency(LatencyModel.NONE)));
    try (Simulator simulator = start(config)) {
      SimulatedResource resource = simulator.resource("paygo");
      String body = Loopback.chatBody("hello, world!", maxTokens);
      long promptTokens =
          usageTokens(
              Loopback.send(Loopback.post(resource, "probe", "chat/completions", body).build()),
              "prompt_tokens");
      // 2 x TPM offered, evenly spaced, for 5 simulated minutes; one request at a time, so each is
      // admitted at exactly the instant it was sent.
      long cost = promptTokens + maxTokens;
      long perMinute = 2 * tpm / cost;
      long interval = MINUTE / perMinute;
      TreeMap<Long, Long> admittedPerMinute = new TreeMap<>();
      int tokenRefusals = 0;
      for (long at = 0; at < 5 * MINUTE; at += interval) {
        now.set(at);
        HttpResponse<String> response =
            Loopback.send(Loopback.post(resource, "d", "chat/completions", body).build());
        long window = Math.floorDiv(at, MINUTE);
        if (response.statusCode() == 200) {
          assertThat(usageTokens(response, "prompt_tokens")).isEqualTo(promptTokens);
          admittedPerMinute.merge(window, cost, Long::sum);
        } else {
          assertThat(response.statusCode()).isEqualTo(429);
          assertThat(response.headers().firstValue("policy-id"))
              .hasValue("DeploymentRatelimit-Token");
          // refused until the simulator's minute ends
          long secondsLeft = (window + 1) * MINUTE - at;
          assertThat(response.headers().firstValue("x-ratelimit-reset-tokens"))
              .hasValue(Long.toString(Math.max(1, (secondsLeft + SECOND - 1) / SECOND)));
          tokenRefusals++;
        }
      }
      System.out.printf(
          "quota accuracy: TPM %d, tokens admitted per simulated minute %s, %d token 429s%n",
          tpm, admittedPerMinute.values(), tokenRefusals);
      assertThat(admittedPerMinute.keySet()).containsExactly(0L, 1L, 2L, 3L, 4L);
      assertThat(admittedPerMinute.values())
          .allSatisfy(admitted -> assertThat((double) admitted).isBetween(0.95 * tpm, 1.0 * tpm));
      assertThat(tokenRefusals).isPositive();
      assertThat(simulator.stats().deployment("paygo", "d").tokensAdmitted())
          .as("the simulator's own books")
          .isEqualTo(admittedPerMinute.values().stream().mapToLong(Long::longValue).sum());
    }
  }

  @Test
  void throttlesAnRpmBurstWithinItsSecond() {
    // 100k TPM -> 600 RPM -> 10 requests per 1 s window.
    SimulatorConfig config =
        SimulatorConfig.of(
            ResourceConfig.of(
                "paygo",
                "key",
                DeploymentConfig.standard("d", 100_000).withLatency(LatencyModel.NONE)));
    try (Simulator simulator = start(config)) {
      SimulatedResource resource = simulator.resource("paygo");
      now.set(TimeUnit.MILLISECONDS.toNanos(100)); // the whole burst lands in second 0
      List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        burst.add(
            Loopback.sendAsync(
                Loopback.post(resource, "d", "chat/completions", Loopback.chatBody("hi", 5))
                    .build()));
      }
      List<HttpResponse<String>> answers = burst.stream().map(CompletableFuture::join).toList();

      long ok = answers.stream().filter(r -> r.statusCode() == 200).count();
      List<HttpResponse<String>> throttled =
          answers.stream().filter(r -> r.statusCode() == 429).toList();
      System.out.printf(
          "rpm burst: 30 requests in one second, %d admitted, %d throttled (limit 10 per second)%n",
          ok, throttled.size());
      assertThat(ok).isEqualTo(10);
      assertThat(throttled).hasSize(20);
      assertThat(throttled)
          .allSatisfy(
              r -> {
                assertThat(r.headers().firstValue("policy-id"))
                    .hasValue("DeploymentRatelimit-Call");
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(r.headers().firstValue("x-ratelimit-reset-requests")).hasValue("1");
                assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("600");
              });

      now.set(SECOND - 1); // still second 0
      assertThat(Loopback.chat(resource, "d", 5).statusCode()).isEqualTo(429);
      now.set(SECOND); // the next window
      assertThat(Loopback.chat(resource, "d", 5).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void ptuRetryAfterMsMatchesTheAnalyticDrainTime() {
    long tokensPerMinute = 6_000; // capacity 6,000 tokens, drains 100 tokens per simulated second
    double timeScale = 5; // ... so 500 tokens per real second: each admitted request adds ~1 s
    int maxTokens = 490;
    SimulatorConfig config =
        SimulatorConfig.of(
                ResourceConfig.of(
                    "ptu",
                    "key",
                    DeploymentConfig.ptu("d", tokensPerMinute)
                        .withLatency(LatencyModel.NONE)
                        .withMinOutputTokens(maxTokens)))
            .withTimeScale(timeScale);
    try (Simulator simulator = start(config)) {
      SimulatedResource resource = simulator.resource("ptu");
      String body = Loopback.chatBody("hello, world!", maxTokens);
      double ratePerRealNano = tokensPerMinute * timeScale / MINUTE;
      // Fill the bucket past 100 % 2 ms apart, then offer ten times the drain rate for 4 s.
      double admitted = 0;
      long firstAdmitted = -1;
      int throttled = 0;
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < 54; i++) {
        long at = i < 14 ? TimeUnit.MILLISECONDS.toNanos(2) * i : 28_000_000L + 100_000_000L * i;
        now.set(at);
        HttpResponse<String> response =
            Loopback.send(Loopback.post(resource, "d", "chat/completions", body).build());
        if (response.statusCode() == 200) {
          admitted += usageTokens(response, "total_tokens");
          firstAdmitted = firstAdmitted < 0 ? at : firstAdmitted;
          continue;
        }
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("azure-openai-deployment-utilization").get())
            .endsWith("%");
        throttled++;
        double level = admitted - ratePerRealNano * (at - firstAdmitted);
        double analyticMs = (level - tokensPerMinute) / ratePerRealNano / 1e6;
        double hintMs = Double.parseDouble(response.headers().firstValue("retry-after-ms").get());
        if (analyticMs >= 10) {
          ratios.add(hintMs / analyticMs);
        }
      }
      System.out.printf(
          "ptu: %d 429s; retry-after-ms / analytic drain time: min %.4f, max %.4f%n",
          throttled,
          ratios.stream().mapToDouble(d -> d).min().orElse(0),
          ratios.stream().mapToDouble(d -> d).max().orElse(0));
      assertThat(ratios).hasSizeGreaterThanOrEqualTo(10);
      // whole milliseconds, rounded up: exact to within a millisecond of the analytic time
      assertThat(ratios).allSatisfy(r -> assertThat(r).isBetween(0.99, 1.01));
    }
  }
}
