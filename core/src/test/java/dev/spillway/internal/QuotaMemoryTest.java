package dev.spillway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.Deployment;
import dev.spillway.spi.PoolStateStore;
import dev.spillway.spi.PoolStateStore.Ledger;
import dev.spillway.spi.ResponseHeaders;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A standard route's headroom: the report less what was sent after its request, no refill inside
 * the window, calls in flight elsewhere taken off.
 */
class QuotaMemoryTest {
  private static final long WINDOW = TimeUnit.SECONDS.toNanos(60);
  private static final long NOW = 1_000_000_000L;
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC);

  private final PoolStateStore store = PoolStateStore.inMemory();
  private final Ledger ledger = store.ledger("std", "dep");
  private final PoolStateStore.Cell<PoolStateStore.QuotaReport> cell =
      store.quotaReport("std", "dep");
  private final QuotaMemory quota =
      new QuotaMemory(Deployment.of("gpt-4o", "dep").withTpm(60_000), WINDOW, cell, CLOCK, NOW);
  private final long[] marks = new long[2];

  @Test
  void aSlowResponsesReportLosesTheTokensSentAfterItsRequest() {
    long[] first = claim(2_000);
    claim(2_000); // sent after the first, still in flight
    claim(2_000); // sent after the first, already answered
    release(2_000);

    // the service had 9,000 left when it admitted the first: the two later calls take 4,000 off
    quota.update(remaining(9_000), first[0], first[1], NOW);

    assertThat(quota.headroomTokens(ledger, NOW)).isEqualTo(5_000);
    assertThat(quota.nanosUntilAdmits(5_000, ledger, NOW)).isZero();
    assertThat(quota.nanosUntilAdmits(5_001, ledger, NOW)).isPositive();
  }

  @Test
  void headroomDoesNotRefillInsideTheWindowAndAnsweredCallsDoNotGiveTokensBack() {
    long[] m = claim(2_000);
    quota.update(remaining(3_000), m[0], m[1], NOW);
    release(2_000);
    long[] next = claim(2_000);
    release(2_000);

    long later = NOW + WINDOW - 1;
    assertThat(next[0] - m[0]).isEqualTo(2_000);
    assertThat(quota.headroomTokens(ledger, later)).isEqualTo(1_000);
    // held until the report is a window old (the route's hold bound probes before that)
    assertThat(quota.nanosUntilAdmits(2_000, ledger, NOW)).isEqualTo(WINDOW);
    assertThat(quota.nanosUntilAdmits(2_000, ledger, later)).isEqualTo(1);
    // a window on, the report says nothing: the configured limit stands
    assertThat(quota.nanosUntilAdmits(2_000, ledger, NOW + WINDOW)).isZero();
    assertThat(quota.headroomTokens(ledger, NOW + WINDOW)).isEqualTo(60_000);
  }

  @Test
  void callsInFlightElsewhereInASharedLedgerAreTakenOff() {
    long[] m = claim(1_000);
    quota.update(remaining(10_000), m[0], m[1], NOW);
    release(1_000);
    ledger.add(4_000, 2); // another process's calls in flight

    assertThat(quota.headroomTokens(ledger, NOW)).isEqualTo(6_000);
    assertThat(quota.nanosUntilAdmits(6_000, ledger, NOW)).isZero();
    assertThat(quota.nanosUntilAdmits(6_001, ledger, NOW)).isPositive();
  }

  @Test
  void aReportBelowWhatWasSentSinceReadsAsNoneLeftNotAsUnknown() {
    long[] m = claim(1_000);
    claim(5_000);
    quota.update(remaining(2_000), m[0], m[1], NOW);

    assertThat(cell.get().remainingTokens()).isZero();
    assertThat(quota.headroomTokens(ledger, NOW)).isZero();
    assertThat(quota.nanosUntilAdmits(1, ledger, NOW)).isPositive();
  }

  private long[] claim(long cost) {
    ledger.add(cost, 1);
    quota.claimed(cost, marks);
    return marks.clone();
  }

  private void release(long cost) {
    ledger.add(-cost, -1);
    quota.released(cost);
  }

  private static ResponseHeaders remaining(long tokens) {
    Map<String, String> h = Map.of(QuotaMemory.REMAINING_TOKENS, Long.toString(tokens));
    return h::get;
  }
}
