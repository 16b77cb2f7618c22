package dev.spillway.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Quota accuracy counted on the client side, with loopback HTTP and simulated time. */
class QuotaAccuracyIT {

  /** What one request got back, with client-side timing. */
  private record Outcome(
      int index, long sentNanos, long receivedNanos, HttpResponse<String> response) {
    long midNanos() {
      return (sentNanos + receivedNanos) / 2;
    }

    int status() {
      return response.statusCode();
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    long promptTokens() {
      return Loopback.json(response.body()).path("usage").path("prompt_tokens").asLong();
    }

    long totalTokens() {
      return Loopback.json(response.body()).path("usage").path("total_tokens").asLong();
    }
  }

  /**
   * Sends {@code count} requests at a fixed real interval, open loop, and waits for all answers.
   */
  private static List<Outcome> openLoop(
      SimulatedResource resource, String deployment, String body, int count, long intervalNanos) {
    List<CompletableFuture<Outcome>> futures = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long due = start + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        sleepNanos(wait);
      }
      int index = i;
      long sent = System.nanoTime();
      HttpRequest request = Loopback.post(resource, deployment, "chat/completions", body).build();
      futures.add(
          Loopback.sendAsync(request)
              .thenApply(r -> new Outcome(index, sent, System.nanoTime(), r)));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  private static void sleepNanos(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void admitsTpmPerMinuteWithinFivePercentAtTwiceTheTpm() {
    long tpm = 30_000;
    int maxTokens = 492;
    double timeScale = 30; // a simulated minute lasts 2 s
    SimulatorConfig config =
        SimulatorConfig.of(
                ResourceConfig.of(
                    "paygo",
                    "key",
                    DeploymentConfig.standard("d", tpm).withLatency(LatencyModel.NONE)))
            .withTimeScale(timeScale);
    try (Simulator simulator = Simulator.start(config)) {
      SimulatedResource resource = simulator.resource("paygo");
      String body = Loopback.chatBody("hello, world!", maxTokens);
      long cost =
          Loopback.json(Loopback.chat(resource, "d", maxTokens).body())
                  .path("usage")
                  .path("prompt_tokens")
                  .asLong()
              + maxTokens;
      // 2 x TPM offered for just under 5 simulated minutes, starting just after a minute starts
      // (the
      // quota's minutes are aligned to the simulator's start, which the books' first period
      // measures).
      long minuteNanos = (long) (TimeUnit.MINUTES.toNanos(1) / timeScale);
      double perMinute = 2.0 * tpm / cost;
      long interval = (long) (minuteNanos / perMinute);
      int count = (int) (perMinute * 4.9);
      long sinceStart =
          (long) (simulator.stats().deployment("paygo", "d").period().toNanos() / timeScale);
      sleepNanos(minuteNanos - sinceStart % minuteNanos + TimeUnit.MILLISECONDS.toNanos(20));
      List<Outcome> outcomes = openLoop(resource, "d", body, count, interval);

      // Each simulated minute admits one run of 2xx answers, ended by a long run of token-limit
      // 429s
      // (a lone 429 amid 2xx answers is two requests overtaking each other on the way in).
      List<Long> admittedPerMinute = new ArrayList<>();
      long run = 0;
      boolean inRun = false;
      int tokenRefusals = 0;
      for (Outcome o : outcomes) {
        if (o.status() == 200) {
          run += o.promptTokens() + maxTokens;
          inRun = true;
          tokenRefusals = 0;
        } else if ("DeploymentRatelimit-Token".equals(o.header("policy-id"))
            && ++tokenRefusals == 5
            && inRun) {
          admittedPerMinute.add(run);
          run = 0;
          inRun = false;
        }
      }
      if (inRun) {
        admittedPerMinute.add(run);
      }
      System.out.printf(
          "quota accuracy: TPM %d, tokens admitted per simulated minute %s%n",
          tpm, admittedPerMinute);
      assertThat(admittedPerMinute).hasSize(5);
      assertThat(admittedPerMinute)
          .allSatisfy(admitted -> assertThat((double) admitted).isBetween(0.95 * tpm, 1.05 * tpm));
      assertThat(outcomes).allMatch(o -> o.status() == 200 || o.status() == 429);
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
                DeploymentConfig.standard("d", 100_000).withLatency(LatencyModel.NONE),
                DeploymentConfig.standard("warm-up", 100_000).withLatency(LatencyModel.NONE)));
    try (Simulator simulator = Simulator.start(config)) {
      SimulatedResource resource = simulator.resource("paygo");
      for (int i = 0; i < 5; i++) {
        Loopback.chat(resource, "warm-up", 5);
      }
      long start = System.nanoTime();
      List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        burst.add(
            Loopback.sendAsync(
                Loopback.post(resource, "d", "chat/completions", Loopback.chatBody("hi", 5))
                    .build()));
      }
      List<HttpResponse<String>> answers = burst.stream().map(CompletableFuture::join).toList();
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      long ok = answers.stream().filter(r -> r.statusCode() == 200).count();
      List<HttpResponse<String>> throttled =
          answers.stream().filter(r -> r.statusCode() == 429).toList();
      System.out.printf(
          "rpm burst: 30 requests in %d ms, %d admitted, %d throttled (limit 10 per second)%n",
          elapsed.toMillis(), ok, throttled.size());
      assertThat(elapsed).isLessThan(Duration.ofSeconds(1));
      // 10 per window; 20 at most if the burst straddled a window boundary.
      assertThat(ok).isBetween(10L, 20L);
      assertThat(ok + throttled.size()).isEqualTo(30);
      assertThat(throttled)
          .allSatisfy(
              r -> {
                assertThat(r.headers().firstValue("policy-id"))
                    .hasValue("DeploymentRatelimit-Call");
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(r.headers().firstValue("x-ratelimit-reset-requests")).hasValue("1");
                assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("600");
              });

      sleepNanos(TimeUnit.MILLISECONDS.toNanos(1100));
      assertThat(Loopback.chat(resource, "d", 5).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void ptuRetryAfterMsMatchesTheAnalyticDrainTime() {
    long tokensPerMinute = 6_000; // capacity 6,000 tokens, drains 100 tokens per simulated second
    double timeScale =
        5; // ... so 500 tokens per real second: each admitted request adds ~1 s of drain
    int maxTokens = 490;
    SimulatorConfig config =
        SimulatorConfig.of(
                ResourceConfig.of(
                    "ptu",
                    "key",
                    DeploymentConfig.ptu("d", tokensPerMinute)
                        .withLatency(LatencyModel.NONE)
                        .withMinOutputTokens(maxTokens),
                    DeploymentConfig.standard("warm-up", 1_000_000).withLatency(LatencyModel.NONE)))
            .withTimeScale(timeScale);
    try (Simulator simulator = Simulator.start(config)) {
      SimulatedResource resource = simulator.resource("ptu");
      // A cold first exchange takes tens of milliseconds, which would blur the client's clock.
      openLoop(resource, "warm-up", Loopback.chatBody("hello, world!", maxTokens), 50, 0);
      String body = Loopback.chatBody("hello, world!", maxTokens);
      // Fill the bucket past 100 %, then offer ten times the drain rate for 4 s.
      List<Outcome> all =
          new ArrayList<>(openLoop(resource, "d", body, 14, TimeUnit.MILLISECONDS.toNanos(2)));
      List<Outcome> sustained =
          openLoop(resource, "d", body, 40, TimeUnit.MILLISECONDS.toNanos(100));
      all.addAll(sustained);

      double ratePerNano = tokensPerMinute * timeScale / TimeUnit.MINUTES.toNanos(1);
      long firstAdmitted = all.get(0).midNanos();
      List<Double> ratios = new ArrayList<>();
      for (Outcome o : sustained) {
        if (o.status() != 429) {
          continue;
        }
        assertThat(o.header("retry-after")).isNotNull();
        assertThat(o.header("azure-openai-deployment-utilization")).endsWith("%");
        double admittedBefore =
            all.stream()
                .filter(a -> a.status() == 200 && a.midNanos() < o.midNanos())
                .mapToLong(Outcome::totalTokens)
                .sum();
        double level = admittedBefore - ratePerNano * (o.midNanos() - firstAdmitted);
        double analyticMs = (level - tokensPerMinute) / ratePerNano / 1e6;
        double hintMs = Double.parseDouble(o.header("retry-after-ms"));
        // Client-side timing is good to a few tens of milliseconds on a loaded machine.
        if (analyticMs >= 400) {
          ratios.add(hintMs / analyticMs);
        }
      }
      System.out.printf(
          "ptu: %d 429s with analytic drain >= 400 ms; retry-after-ms / analytic: min %.3f,"
              + " max %.3f%n",
          ratios.size(),
          ratios.stream().mapToDouble(d -> d).min().orElse(0),
          ratios.stream().mapToDouble(d -> d).max().orElse(0));
      assertThat(sustained).anyMatch(o -> o.status() == 200);
      assertThat(ratios).hasSizeGreaterThanOrEqualTo(10);
      assertThat(ratios).allSatisfy(r -> assertThat(r).isBetween(0.8, 1.2));
    }
  }
}
