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
  private final long[] marks = new long[QuotaMemory.MARKS];

  @Test
  void aSlowResponsesReportLosesTheTokensSentAfterItsRequest() {
    long[] first = claim(2_000);
    claim(2_000); // sent after the first, still in flight
    claim(2_000); // sent after the first, already answered
    release(2_000);

    // the service had 9,000 left when it admitted the first: the two later calls take 4,000 off
    quota.update(remaining(9_000), first, ledger, NOW);

    assertThat(quota.headroomTokens(ledger, NOW)).isEqualTo(5_000);
    assertThat(quota.nanosUntilAdmits(5_000, ledger, NOW)).isZero();
    assertThat(quota.nanosUntilAdmits(5_001, ledger, NOW)).isPositive();
  }

  @Test
  void headroomDoesNotRefillInsideTheWindowAndAnsweredCallsDoNotGiveTokensBack() {
    long[] m = claim(2_000);
    quota.update(remaining(3_000), m, ledger, NOW);
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
    quota.update(remaining(10_000), m, ledger, NOW);
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
    quota.update(remaining(2_000), m, ledger, NOW);

    assertThat(cell.get().remainingTokens()).isZero();
    assertThat(quota.headroomTokens(ledger, NOW)).isZero();
    assertThat(quota.nanosUntilAdmits(1, ledger, NOW)).isPositive();
  }

  @Test
  void withAFleetWideSendCountEveryReaderTakesOffWhatTheFleetSentAfterTheReportingCall() {
    CountingLedger fleet = new CountingLedger();
    QuotaMemory here = new QuotaMemory(Deployment.of("gpt-4o", "dep"), WINDOW, cell, CLOCK, NOW);
    QuotaMemory there = new QuotaMemory(Deployment.of("gpt-4o", "dep"), WINDOW, cell, CLOCK, NOW);
    long[] first = new long[QuotaMemory.MARKS];
    fleet.add(2_000, 1);
    here.claimed(2_000, fleet, first);
    fleet.add(3_000, 1); // another process's call, after the first, already answered
    fleet.add(-3_000, -1);
    long[] later = new long[QuotaMemory.MARKS];
    fleet.add(1_000, 1);
    there.claimed(1_000, fleet, later); // the other pool's call, still in flight

    here.update(remaining(10_000), first, fleet, NOW);

    // the report keeps what the service said and the fleet's count at the reporting claim
    assertThat(cell.get().remainingTokens()).isEqualTo(10_000);
    assertThat(cell.get().sentTokensMark()).isEqualTo(2_000);
    // both pools take off the 4,000 sent after it, the answered call included; nothing twice
    assertThat(here.headroomTokens(fleet, NOW)).isEqualTo(6_000);
    assertThat(there.headroomTokens(fleet, NOW)).isEqualTo(6_000);
    assertThat(there.nanosUntilAdmits(6_000, fleet, NOW)).isZero();
    assertThat(there.nanosUntilAdmits(6_001, fleet, NOW)).isPositive();
  }

  @Test
  void aResponseWithoutRemainingTokensKeepsWhatTheLastReportSaidOfThem() {
    long[] m = claim(1_000);
    quota.update(remaining(8_000), m, ledger, NOW);
    long[] throttled = claim(2_000);
    release(2_000);

    // a 429 for tokens says how many requests are left, not how many tokens
    Map<String, String> h = Map.of(QuotaMemory.REMAINING_REQUESTS, "40");
    quota.update(h::get, throttled, ledger, NOW + 1);

    assertThat(cell.get().remainingRequests()).isEqualTo(40);
    assertThat(quota.headroomTokens(ledger, NOW + 1)).isEqualTo(6_000);
  }

  private long[] claim(long cost) {
    ledger.add(cost, 1);
    quota.claimed(cost, ledger, marks);
    return marks.clone();
  }

  private void release(long cost) {
    ledger.add(-cost, -1);
    quota.released(cost);
  }

  /** A ledger that knows the fleet's send counts, as a shared store's does. */
  private static final class CountingLedger implements Ledger {
    private long tokens;
    private long requests;
    private long sentTokens;
    private long sentRequests;

    @Override
    public long tokens() {
      return tokens;
    }

    @Override
    public long requests() {
      return requests;
    }

    @Override
    public void add(long tokens, long requests) {
      this.tokens += tokens;
      this.requests += requests;
      if (requests > 0) {
        sentTokens += tokens;
        sentRequests += requests;
      }
    }

    @Override
    public long sentTokens() {
      return sentTokens;
    }

    @Override
    public long sentRequests() {
      return sentRequests;
    }
  }

  private static ResponseHeaders remaining(long tokens) {
    Map<String, String> h = Map.of(QuotaMemory.REMAINING_TOKENS, Long.toString(tokens));
    return h::get;
  }
}
