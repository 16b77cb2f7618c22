package dev.spillway;

import static dev.spillway.testing.ScriptedTransport.ok;
import static dev.spillway.testing.ScriptedTransport.throttled;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import dev.spillway.testing.ManualPoolTest;
import dev.spillway.testing.ManualTime;
import dev.spillway.testing.Mode;
import dev.spillway.testing.Pools;
import dev.spillway.testing.ScriptedTransport;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Consumers and priorities (docs/design.md "Consumers and priorities"): limits before any attempt,
 * quotas and their periods, the batch line, interactive waiters first, spill-after, chargeback.
 * Time is manual: the ticker and the wall clock move together from 2026-11-23T12:00:00Z.
 */
class ConsumersTest extends ManualPoolTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private void pool(ConsumerSettings consumers, Backend... backends) {
    pool = Pools.manual(time, backends).listener(events).consumers(consumers).build();
  }

  private static CallRequest call(String consumer, long prompt, long maxTokens) {
    return CallRequest.builder("chat", "gpt-4o")
        .consumerId(consumer)
        .promptTokens(prompt)
        .maxOutputTokens(maxTokens)
        .build();
  }

  private static CallRequest call(String consumer) {
    return call(consumer, 100, 100);
  }

  // ---- rate limits ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void overItsTpmAConsumerGets429WithRetryAfterWhenItsRoomReturnsAndNoAttempt(Mode mode) {
    pool(ConsumerSettings.of(ConsumerPolicy.of("team-a").withTpmLimit(1000)), ptu());
    t.on("ptu", ok().usage(400, 300));

    assertThat(mode.call(pool, call("team-a", 400, 400), t, time).reply().status()).isEqualTo(200);
    time.advance(10 * SECOND);
    Throwable e = mode.call(pool, call("team-a", 400, 400), t, time).error();

    assertThat(e).isExactlyInstanceOf(CallRejectedException.class);
    CallRejectedException r = (CallRejectedException) e;
    assertThat(r.reason()).isEqualTo(RejectionReason.CONSUMER_LIMIT);
    assertThat(r.reason().status()).isEqualTo(429);
    // the first call's 700 actual tokens leave the window 60 s after their second
    assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(50));
    assertThat(r.retryAt()).isEqualTo(ManualTime.WALL_START.plusSeconds(60));
    assertThat(r.getMessage())
        .startsWith("consumer limit: consumer 'team-a' (interactive), tpm-limit 1000 per minute")
        .contains("700 counted");
    assertThat(t.sentBackends()).containsExactly("ptu");
    CallOutcome rejected = events.outcomes().get(1);
    assertThat(rejected.rejection()).isEqualTo(RejectionReason.CONSUMER_LIMIT);
    assertThat(rejected.attempts()).isEmpty();
    assertThat(pool.snapshot().backend("ptu").routes().get(0).throttled()).isZero();

    time.advance(50 * SECOND);
    assertThat(mode.call(pool, call("team-a", 400, 400), t, time).reply().status()).isEqualTo(200);
    assertThat(t.sentBackends()).containsExactly("ptu", "ptu");
  }

  @Test
  void overItsRpmTheThirdCallIsRejectedUntilTheFirstLeavesTheWindow() {
    pool(ConsumerSettings.of(ConsumerPolicy.of("team-a").withRpmLimit(2)), ptu());

    Mode.SYNC.call(pool, call("team-a"), t, time).reply();
    time.advance(SECOND);
    Mode.SYNC.call(pool, call("team-a"), t, time).reply();
    time.advance(SECOND);
    CallRejectedException r =
        (CallRejectedException) Mode.SYNC.call(pool, call("team-a"), t, time).error();

    assertThat(r.getMessage()).contains("rpm-limit 2 per minute, 2 counted");
    assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(58));
    assertThat(t.sentBackends()).hasSize(2);
  }

  @Test
  void undeclaredIdsGetTheDefaultLimitsEachWithItsOwnCounters() {
    pool(ConsumerSettings.of(ConsumerPolicy.of("default").withTpmLimit(1000)), ptu());
    t.byDefault("ptu", at -> ok().usage(400, 400));

    Mode.SYNC.call(pool, call("x", 400, 400), t, time).reply();
    Mode.SYNC.call(pool, call("y", 400, 400), t, time).reply();
    Throwable again = Mode.SYNC.call(pool, call("x", 400, 400), t, time).error();

    assertThat(again).isInstanceOf(CallRejectedException.class);
    assertThat(t.sentBackends()).hasSize(2);
    PoolSnapshot s = pool.snapshot();
    assertThat(s.consumer("x").declared()).isFalse();
    assertThat(s.consumer("x").calls()).isEqualTo(2);
    assertThat(s.consumer("x").limitRejections()).isEqualTo(1);
    assertThat(s.consumer("x").windowTokens()).isEqualTo(800);
    assertThat(s.consumer("y").limitRejections()).isZero();
    assertThat(s.consumer("default").declared()).isTrue();
    assertThat(s.consumer("default").calls()).isZero();
  }

  @Test
  void aCallWithoutAConsumerIsNeitherLimitedNorCounted() {
    pool(ConsumerSettings.of(ConsumerPolicy.of("default").withTpmLimit(1)), ptu());

    Mode.SYNC.call(pool, call(null, 400, 400), t, time).reply();
    Mode.SYNC.call(pool, call(null, 400, 400), t, time).reply();

    assertThat(t.sentBackends()).hasSize(2);
    assertThat(pool.snapshot().consumers())
        .extracting(ConsumerSnapshot::id)
        .containsExactly("default");
  }

  @Test
  void aCallLargerThanTheWholeLimitIsAdmittedOnlyIntoAnEmptyWindow() {
    pool(ConsumerSettings.of(ConsumerPolicy.of("a").withTpmLimit(500)), ptu());
    t.byDefault("ptu", at -> ok().usage(300, 400));

    Mode.SYNC.call(pool, call("a", 300, 400), t, time).reply();
    Throwable second = Mode.SYNC.call(pool, call("a", 300, 400), t, time).error();

    assertThat(second).isInstanceOf(CallRejectedException.class);
    assertThat(((CallRejectedException) second).retryAfter()).isEqualTo(Duration.ofSeconds(60));
  }

  // ---- quotas ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSpentQuotaGivesQuotaExceededUntilThePeriodResets(Mode mode) {
    pool(
        ConsumerSettings.of(ConsumerPolicy.of("nightly").withTokenQuota(1500, QuotaPeriod.DAY)),
        ptu());
    t.byDefault("ptu", at -> ok().usage(400, 300));

    mode.call(pool, call("nightly", 400, 400), t, time).reply();
    mode.call(pool, call("nightly", 400, 400), t, time).reply(); // 700 + 800 estimated <= 1500
    Throwable e = mode.call(pool, call("nightly", 400, 400), t, time).error();

    assertThat(e).isExactlyInstanceOf(QuotaExceededException.class);
    QuotaExceededException q = (QuotaExceededException) e;
    assertThat(q.reason().status()).isEqualTo(403);
    assertThat(q.resetsAt()).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
    assertThat(q.retryAfter()).isEqualTo(Duration.ofHours(12));
    assertThat(q.used()).isEqualTo(1400);
    assertThat(q.getMessage()).contains("token-quota 1500 per day, 1400 used");
    assertThat(t.sentBackends()).hasSize(2);
    assertThat(pool.snapshot().consumer("nightly").quotaRejections()).isEqualTo(1);
    assertThat(pool.snapshot().consumer("nightly").quotaUsed()).isEqualTo(1400);

    time.advance(TimeUnit.HOURS.toNanos(12));
    mode.call(pool, call("nightly", 400, 400), t, time).reply();
    assertThat(t.sentBackends()).hasSize(3);
    assertThat(pool.snapshot().consumer("nightly").quotaUsed()).isEqualTo(700);
  }

  @Test
  void quotaPeriodsAreCalendarPeriodsInUtc() {
    Instant t0 = Instant.parse("2026-12-02T10:15:30Z"); // a Wednesday
    assertThat(QuotaPeriod.HOUR.next(t0)).isEqualTo(Instant.parse("2026-12-02T11:00:00Z"));
    assertThat(QuotaPeriod.DAY.start(t0)).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
    assertThat(QuotaPeriod.WEEK.start(t0)).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
    assertThat(QuotaPeriod.WEEK.next(t0)).isEqualTo(Instant.parse("2026-12-07T00:00:00Z"));
    assertThat(QuotaPeriod.MONTH.next(t0)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
  }

  @Test
  void aModelOutsideTheConsumersListIsRefusedWith403() {
    pool(
        ConsumerSettings.of(
            ConsumerPolicy.of("a").withModels(java.util.Set.of("gpt-4o-mini", "o3"))),
        ptu());

    CallRejectedException e =
        (CallRejectedException) Mode.SYNC.call(pool, call("a"), t, time).error();

    assertThat(e.reason()).isEqualTo(RejectionReason.MODEL_NOT_ALLOWED);
    assertThat(e.reason().status()).isEqualTo(403);
    assertThat(e.getMessage()).contains("model 'gpt-4o' is not in its models [gpt-4o-mini, o3]");
    assertThat(t.sent()).isEmpty();
    ConsumerSnapshot a = pool.snapshot().consumer("a");
    assertThat(a.modelRejections()).isEqualTo(1);
    assertThat(a.limitRejections() + a.quotaRejections() + a.queueRejections()).isZero();
  }

  // ---- priorities ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aBatchCallWaitsForThePtuInsteadOfSpillingToPayg(Mode mode) {
    pool(batchAndChat(PriorityPolicy.BATCH_DEFAULTS), ptu(), paygo());
    t.on("ptu", throttled(2000));

    assertThat(mode.call(pool, call("jobs"), t, time).reply().backendId()).isEqualTo("ptu");

    assertThat(t.countSentTo("paygo")).isZero();
    assertThat(t.sentBackends()).containsExactly("ptu", "ptu");
    assertThat(t.sent().get(1).atNanos() - t.sent().get(0).atNanos()).isEqualTo(2 * SECOND);
    assertThat(events.onlyOutcome().priority()).isEqualTo(Priority.BATCH);
  }

  @Test
  void anInteractiveCallSpillsToPaygAtOnceByDefault() {
    pool(batchAndChat(PriorityPolicy.BATCH_DEFAULTS), ptu(), paygo());
    t.on("ptu", throttled(2000));

    assertThat(Mode.SYNC.call(pool, call("chat"), t, time).reply().backendId()).isEqualTo("paygo");
  }

  @Test
  void aCallsOwnPriorityOverridesItsConsumers() {
    pool(batchAndChat(PriorityPolicy.BATCH_DEFAULTS), ptu(), paygo());
    t.on("ptu", throttled(2000));
    CallRequest interactive =
        CallRequest.builder("chat", "gpt-4o")
            .consumerId("jobs")
            .priority(Priority.INTERACTIVE)
            .build();

    assertThat(Mode.SYNC.call(pool, interactive, t, time).reply().backendId()).isEqualTo("paygo");
    assertThat(events.onlyOutcome().priority()).isEqualTo(Priority.INTERACTIVE);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aBatchCallWhosePtuStaysFullEndsAtItsDeadlineWithoutTouchingPayg(Mode mode) {
    pool =
        Pools.manual(time, ptu(), paygo())
            .listener(events)
            .consumers(batchAndChat(PriorityPolicy.BATCH_DEFAULTS))
            .settings(PoolSettings.builder().timeout(Duration.ofSeconds(5)).build())
            .build();
    t.byDefault("ptu", at -> throttled(3000));

    Throwable e = mode.call(pool, call("jobs"), t, time).error();

    assertThat(e).isExactlyInstanceOf(CallRejectedException.class);
    assertThat(((CallRejectedException) e).reason()).isEqualTo(RejectionReason.DEADLINE);
    assertThat(e.getMessage()).startsWith("deadline: consumer 'jobs' (batch)");
    assertThat(t.countSentTo("paygo")).isZero();
    assertThat(t.countSentTo("ptu")).isEqualTo(2); // at 0 s and when the 3 s cool-down ended
    assertThat(pool.snapshot().consumer("jobs").queueRejections()).isEqualTo(1);
  }

  @Test
  void batchCallsAreServedInArrivalOrderWhenThePtuReturns() {
    pool(defaultBatch(PriorityPolicy.BATCH_DEFAULTS), ptu(), paygo());
    t.on("ptu", throttled(1000));
    List<CompletableFuture<ScriptedTransport.Reply>> calls = new ArrayList<>();
    for (String id : List.of("job-1", "job-2", "job-3")) {
      calls.add(CallExecutor.of(pool).executeAsync(call(id), t.async()));
      time.advanceMillis(100); // job-1's 429 comes back: the others find the PTU cooling
    }

    time.runAll(TimeUnit.MINUTES.toNanos(1));

    assertThat(calls).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(events.outcomes())
        .extracting(CallOutcome::consumerId)
        .containsExactly("job-1", "job-2", "job-3");
    assertThat(t.countSentTo("paygo")).isZero();
    assertThat(t.countSentTo("ptu")).isEqualTo(4);
  }

  @Test
  void interactiveWaitersAreServedBeforeBatchWaiters() {
    pool(batchAndChat(PriorityPolicy.BATCH_DEFAULTS), ptu());
    t.on("ptu", throttled(1000));
    CompletableFuture<ScriptedTransport.Reply> batch =
        CallExecutor.of(pool).executeAsync(call("jobs"), t.async()); // 429: waits first
    time.advanceMillis(100);
    CompletableFuture<ScriptedTransport.Reply> chat =
        CallExecutor.of(pool).executeAsync(call("chat"), t.async());

    time.runAll(TimeUnit.MINUTES.toNanos(1));

    assertThat(batch).isCompleted();
    assertThat(chat).isCompleted();
    assertThat(events.outcomes())
        .extracting(CallOutcome::consumerId)
        .containsExactly("chat", "jobs");
  }

  @Test
  void aFullBatchQueueRejectsTheNextCallWithQueueFull() {
    pool(defaultBatch(new PriorityPolicy(0, 0.1, 1, Duration.ZERO)), ptu());
    t.on("ptu", throttled(1000));
    CompletableFuture<ScriptedTransport.Reply> first =
        CallExecutor.of(pool).executeAsync(call("job-1"), t.async());
    time.advanceMillis(100); // job-1 got its 429 and waits in line
    CompletableFuture<ScriptedTransport.Reply> second =
        CallExecutor.of(pool).executeAsync(call("job-2"), t.async());

    assertThat(second).isCompletedExceptionally();
    CallRejectedException e =
        (CallRejectedException)
            second.handle((r, x) -> x instanceof CompletionException ? x.getCause() : x).join();
    assertThat(e.reason()).isEqualTo(RejectionReason.QUEUE_FULL);
    assertThat(e.getMessage()).contains("queue-capacity 1 for model 'gpt-4o'");
    time.runAll(TimeUnit.MINUTES.toNanos(1));
    assertThat(first).isCompleted();
  }

  @Test
  void aBatchCallLeavesThePtuReserveToInteractiveCalls() {
    Backend ptu = Pools.backend("ptu", 0, 1.0, Deployment.ptu("gpt-4o", "ptu-gpt4o", 10_000));
    pool(batchAndChat(PriorityPolicy.BATCH_DEFAULTS), ptu);
    // 85 % used: a 600-token call would reach 91 %, inside the batch calls' 10 % reserve
    t.byDefault(
        "ptu", at -> ok().header("azure-openai-deployment-utilization", "85").usage(300, 300));
    Mode.SYNC.call(pool, call("chat", 300, 300), t, time).reply();

    CompletableFuture<ScriptedTransport.Reply> batch =
        CallExecutor.of(pool).executeAsync(call("jobs", 300, 300), t.async());
    assertThat(batch).isNotDone(); // waits for the bucket to drain under 84 %
    assertThat(Mode.SYNC.call(pool, call("chat", 300, 300), t, time).reply().status())
        .isEqualTo(200);
    assertThat(t.sentBackends()).hasSize(2);

    time.runAll(TimeUnit.MINUTES.toNanos(1));
    assertThat(batch).isCompleted();
    assertThat(t.sentBackends()).hasSize(3);
  }

  // ---- wait or spill ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void withSpillAfterAnInteractiveCallWaitsForATier0ThatReturnsSoon(Mode mode) {
    pool(spillAfter(Duration.ofSeconds(2)), ptu(), paygo());
    t.on("ptu", throttled(1000));

    assertThat(mode.call(pool, call("chat"), t, time).reply().backendId()).isEqualTo("ptu");
    assertThat(t.countSentTo("paygo")).isZero();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void withSpillAfterAnInteractiveCallSpillsWhenTier0ReturnsTooLate(Mode mode) {
    pool(spillAfter(Duration.ofSeconds(2)), ptu(), paygo());
    t.on("ptu", throttled(5000));

    assertThat(mode.call(pool, call("chat"), t, time).reply().backendId()).isEqualTo("paygo");
    assertThat(t.sent().get(1).atNanos()).isEqualTo(t.sent().get(0).atNanos()); // at once
  }

  // ---- chargeback and concurrency ----

  @Test
  void chargebackCountsTokensByTierAndModelAndThrottles() {
    pool(ConsumerSettings.of(ConsumerPolicy.of("team-a")), ptu(), paygo());
    t.on("ptu", ok().usage(100, 50), throttled(1000));
    t.byDefault("paygo", at -> ok().usage(200, 70));

    Mode.SYNC.call(pool, call("team-a"), t, time).reply();
    Mode.SYNC.call(pool, call("team-a"), t, time).reply();

    ConsumerSnapshot c = pool.snapshot().consumer("team-a");
    assertThat(c.calls()).isEqualTo(2);
    assertThat(c.succeeded()).isEqualTo(2);
    assertThat(c.inputTokens()).isEqualTo(300);
    assertThat(c.outputTokens()).isEqualTo(120);
    assertThat(c.tier0Tokens()).isEqualTo(150);
    assertThat(c.overflowTokens()).isEqualTo(270);
    assertThat(c.throttledAttempts()).isEqualTo(1);
    assertThat(c.byModel().get("gpt-4o"))
        .isEqualTo(new ConsumerSnapshot.ModelUsage(2, 300, 120, 150, 270));
  }

  @Test
  void concurrentCallsOf64ThreadsAreCountedExactly() throws Exception {
    long limit = 100 * 800;
    pool(ConsumerSettings.of(ConsumerPolicy.of("team-a").withTpmLimit(limit)), ptu());
    t.byDefault(
        "ptu", at -> ok().usage(400, 400)); // actual = estimate: reconciling changes nothing
    int threads = 64;
    int perThread = 10;
    ExecutorService pool64 = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger limited = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        done.add(
            pool64.submit(
                () -> {
                  start.await();
                  for (int j = 0; j < perThread; j++) {
                    try {
                      CallExecutor.of(pool).execute(call("team-a", 400, 400), t);
                      ok.incrementAndGet();
                    } catch (CallRejectedException e) {
                      limited.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool64.shutdownNow();
    }

    assertThat(ok).hasValue(100);
    assertThat(limited).hasValue(threads * perThread - 100);
    assertThat(t.sent()).hasSize(100);
    ConsumerSnapshot c = pool.snapshot().consumer("team-a");
    assertThat(c.windowTokens()).isEqualTo(limit);
    assertThat(c.windowRequests()).isEqualTo(100);
    assertThat(c.calls()).isEqualTo(threads * perThread);
    assertThat(c.limitRejections()).isEqualTo(threads * perThread - 100);
  }

  @Test
  void onlyDeclaredConsumersBecomeMetricAttributes() {
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    try (OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build()) {
      pool =
          Pools.manual(time, ptu(), paygo())
              .consumers(
                  ConsumerSettings.of(
                      ConsumerPolicy.of("team-a"), ConsumerPolicy.of("capped").withRpmLimit(1)))
              .openTelemetry(otel)
              .build();
      t.on("ptu", ok().usage(100, 50), throttled(1000));
      t.byDefault("paygo", at -> ok().usage(200, 70));

      Mode.SYNC.call(pool, call("team-a"), t, time).reply(); // PTU
      Mode.SYNC.call(pool, call("team-a"), t, time).reply(); // PTU throttles: PAYG
      Mode.SYNC.call(pool, call("someone-else"), t, time).reply();
      Mode.SYNC.call(pool, call("capped"), t, time).reply();
      Mode.SYNC.call(pool, call("capped"), t, time).error();

      Map<String, Long> tokens = new TreeMap<>();
      Map<String, Long> rejections = new TreeMap<>();
      for (MetricData m : metrics.collectAllMetrics()) {
        Map<String, Long> into =
            m.getName().equals("spillway.consumer.tokens")
                ? tokens
                : m.getName().equals("spillway.consumer.rejections") ? rejections : null;
        if (into != null) {
          for (LongPointData p : m.getLongSumData().getPoints()) {
            into.put(
                p.getAttributes().asMap().values().stream()
                    .map(String::valueOf)
                    .sorted()
                    .collect(Collectors.joining(" ")),
                p.getValue());
          }
        }
      }

      assertThat(tokens)
          .containsEntry("0 input team-a", 100L)
          .containsEntry("0 output team-a", 50L)
          .containsEntry("1 input team-a", 200L)
          .containsEntry("1 output team-a", 70L)
          .containsEntry("1 capped input", 200L);
      assertThat(tokens.keySet()).noneMatch(k -> k.contains("someone-else"));
      assertThat(rejections).containsExactly(Map.entry("capped consumer limit", 1L));
    }
  }

  // ---- fixtures ----

  private static Backend ptu() {
    return Pools.backend("ptu", 0);
  }

  private static Backend paygo() {
    return Pools.backend("paygo", 1);
  }

  private static ConsumerSettings batchAndChat(PriorityPolicy batch) {
    return new ConsumerSettings(
        List.of(ConsumerPolicy.of("jobs").withPriority(Priority.BATCH), ConsumerPolicy.of("chat")),
        null,
        batch);
  }

  private static ConsumerSettings defaultBatch(PriorityPolicy batch) {
    return new ConsumerSettings(
        List.of(ConsumerPolicy.of("default").withPriority(Priority.BATCH)), null, batch);
  }

  private static ConsumerSettings spillAfter(Duration wait) {
    return new ConsumerSettings(
        List.of(ConsumerPolicy.of("chat")),
        new PriorityPolicy(Integer.MAX_VALUE, 0.0, 1000, wait),
        null);
  }
}
