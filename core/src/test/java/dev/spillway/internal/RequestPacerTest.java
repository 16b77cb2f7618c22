package dev.spillway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestPacerTest {
  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void admitsRpmOverSixtyPerSecondThenWaitsForTheOldestSendToLeaveTheWindow() {
    RequestPacer pacer = RequestPacer.forRpm(180, MINUTE); // 3 per second, 30 per ten seconds
    assertThat(pacer.tryRecord(0, 1)).isTrue();
    assertThat(pacer.tryRecord(100, 1)).isTrue();
    assertThat(pacer.nanosUntilFree(200, 1)).isZero();
    assertThat(pacer.tryRecord(200, 1)).isTrue();

    assertThat(pacer.nanosUntilFree(300, 1)).isEqualTo(SECOND - 300);
    assertThat(pacer.nanosUntilFree(SECOND, 1)).isZero();
  }

  @Test
  void tenSecondWindowHoldsBackWhenTheSecondsAddUpPastRpmOverSix() {
    RequestPacer pacer = RequestPacer.forRpm(60, MINUTE); // 1 per second, 10 per ten seconds
    for (int i = 0; i < 10; i++) {
      assertThat(pacer.nanosUntilFree(i * SECOND, 1)).isZero();
      assertThat(pacer.tryRecord(i * SECOND, 1)).isTrue();
    }
    // the eleventh second is free in the one-second window but not in the ten-second one
    assertThat(pacer.nanosUntilFree(10 * SECOND - 1, 1)).isEqualTo(1);
    assertThat(pacer.nanosUntilFree(10 * SECOND, 1)).isZero();
  }

  @Test
  void processesSharingTheRouteEachKeepToTheirShareOfTheWindows() {
    RequestPacer pacer = RequestPacer.forRpm(720, MINUTE); // 12 per second, 120 per ten seconds
    for (int i = 0; i < 3; i++) {
      assertThat(pacer.nanosUntilFree(i, 4)).isZero();
      assertThat(pacer.tryRecord(i, 1)).isTrue();
    }
    // a quarter of 12: the fourth send of this second waits for the first to leave it
    assertThat(pacer.nanosUntilFree(3, 4)).isEqualTo(SECOND - 3);
    assertThat(pacer.nanosUntilFree(3, 1)).isZero();
    assertThat(pacer.nanosUntilFree(SECOND, 4)).isZero();
    // more processes than requests per window: each still gets one
    assertThat(RequestPacer.forRpm(120, MINUTE).nanosUntilFree(0, 4)).isZero();
  }

  @Test
  void callsRacingForAWindowsLastPlacesTakeNoMoreThanItHas() throws Exception {
    RequestPacer pacer = RequestPacer.forRpm(180, MINUTE); // 3 per second
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    AtomicInteger sent = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int j = 0; j < 100; j++) {
                    if (pacer.tryRecord(500, 1)) {
                      sent.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(sent).hasValue(3);
    assertThat(pacer.nanosUntilFree(500, 1)).isEqualTo(SECOND);
    assertThat(pacer.tryRecord(500 + SECOND, 1)).isTrue();
  }

  @Test
  void windowsShrinkWithACompressedQuotaWindow() {
    RequestPacer pacer = RequestPacer.forRpm(60, 3 * SECOND); // a 3 s "minute": 50 ms windows
    assertThat(pacer.tryRecord(0, 1)).isTrue();
    assertThat(pacer.nanosUntilFree(0, 1)).isEqualTo(50_000_000L);
  }

  @Test
  void withoutAConfiguredRpmNothingIsHeldBack() {
    RequestPacer pacer = RequestPacer.forRpm(0, MINUTE);
    for (int i = 0; i < 1000; i++) {
      assertThat(pacer.tryRecord(i, 1)).isTrue();
    }
    assertThat(pacer.nanosUntilFree(1000, 1)).isZero();
  }
}
