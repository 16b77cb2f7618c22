package dev.spillway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.DelayScheduler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SystemSchedulerTest {
  private static final long MS = 1_000_000L;
  private static final long HOUR = 3_600_000 * MS;

  @Test
  void aTaskDueBeforeThoseItSleepsForWakesTheThreadAndTasksRunInDeadlineOrder() throws Exception {
    try (SystemScheduler scheduler = new SystemScheduler()) {
      List<String> ran = new CopyOnWriteArrayList<>();
      CountDownLatch done = new CountDownLatch(3);
      scheduler.schedule(() -> ran.add("in an hour"), HOUR); // the thread now sleeps an hour
      scheduler.schedule(
          () -> {
            ran.add("30 ms");
            done.countDown();
          },
          30 * MS);
      scheduler.schedule(
          () -> {
            ran.add("10 ms");
            done.countDown();
          },
          10 * MS);
      scheduler.schedule(
          () -> {
            ran.add("10 ms, later");
            done.countDown();
          },
          10 * MS);

      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ran).containsExactly("10 ms", "10 ms, later", "30 ms");
    }
  }

  @Test
  void aCancelledTaskNeverRunsAndAFailingOneDoesNotStopTheNext() throws Exception {
    try (SystemScheduler scheduler = new SystemScheduler()) {
      List<String> ran = new CopyOnWriteArrayList<>();
      CountDownLatch done = new CountDownLatch(1);
      DelayScheduler.Cancellable cancelled =
          scheduler.schedule(() -> ran.add("cancelled"), 500 * MS);
      cancelled.cancel();
      scheduler.schedule(
          () -> {
            throw new IllegalStateException("a task that fails");
          },
          1);
      scheduler.schedule(
          () -> {
            ran.add("after the failure");
            done.countDown();
          },
          600 * MS);

      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ran).containsExactly("after the failure");
    }
  }

  @Test
  void afterCloseNoTaskIsTaken() {
    SystemScheduler unused = new SystemScheduler();
    unused.close();
    assertThatThrownBy(() -> unused.schedule(() -> {}, MS))
        .isInstanceOf(IllegalStateException.class);

    SystemScheduler started = new SystemScheduler();
    started.schedule(() -> {}, HOUR);
    started.close();
    assertThatThrownBy(() -> started.schedule(() -> {}, MS))
        .isInstanceOf(RejectedExecutionException.class);
  }
}
