package dev.spillway.simulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SimClockTest {

  @Test
  void simulatedTimeRunsTimeScaleTimesFasterFromZero() {
    AtomicLong ticker = new AtomicLong(1_000_000);
    SimClock clock = new SimClock(ticker::get, 20);

    assertThat(clock.now()).isZero();
    ticker.addAndGet(TimeUnit.SECONDS.toNanos(3));
    assertThat(clock.now()).isEqualTo(TimeUnit.MINUTES.toNanos(1));
  }

  @Test
  void hintsAreRealTimeRoundedUp() {
    SimClock clock = new SimClock(() -> 0, 20);
    long fortySimSeconds = TimeUnit.SECONDS.toNanos(40); // 2 real seconds

    assertThat(clock.toRealNanos(fortySimSeconds)).isEqualTo(TimeUnit.SECONDS.toNanos(2));
    assertThat(clock.toRealSecondsCeil(fortySimSeconds)).isEqualTo(2);
    assertThat(clock.toRealSecondsCeil(fortySimSeconds + 1)).isEqualTo(3);
    assertThat(clock.toRealSecondsCeil(1)).isEqualTo(1);
    assertThat(clock.toRealMillisCeil(TimeUnit.MILLISECONDS.toNanos(30))).isEqualTo(2);
    assertThat(clock.toRealMillisCeil(0)).isEqualTo(1);
  }
}
