package dev.spillway.internal;

import dev.spillway.PoolSettings;
import dev.spillway.Ticker;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every call of one engine shares: the settings, time, randomness, the selector, where events
 * go and where snapshots come from. A {@link Call} depends on this, not on the engine.
 *
 * <p>Thread-safe.
 */
final class CallServices {
  final PoolSettings settings;
  final Ticker ticker;
  final Clock clock;
  final RandomSource random;
  final Selector selector;
  final EventSink events;
  final Snapshots snapshots;
  final Consumers consumers;
  private final String callIdPrefix;
  private final AtomicLong callIds = new AtomicLong();

  CallServices(
      PoolSettings settings,
      Ticker ticker,
      Clock clock,
      RandomSource random,
      EventSink events,
      Snapshots snapshots,
      Consumers consumers) {
    this.consumers = consumers;
    this.settings = settings;
    this.ticker = ticker;
    this.clock = clock;
    this.random = random;
    this.selector = new Selector(random);
    this.events = events;
    this.snapshots = snapshots;
    this.callIdPrefix = Long.toString(clock.millis(), 36) + "-";
  }

  /** A call id unique in this pool and unlikely to repeat across restarts. */
  String nextCallId() {
    return callIdPrefix + callIds.incrementAndGet();
  }
}
