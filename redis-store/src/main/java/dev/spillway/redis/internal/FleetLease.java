package dev.spillway.redis.internal;

import dev.spillway.spi.PoolStateStore.ProbeLease;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A probe lease held through Redis ({@code SET key instance NX PX hold}): one instance of the fleet
 * at a time. {@link #tryAcquire} never waits: it answers from what this instance knows and, when
 * the lease may be free, sends the {@code SET} and answers {@code false}; the engine asks again
 * after its probe recheck (a few milliseconds), by when the answer is usually known. While Redis is
 * down the lease is always granted: the pool runs on local state, and its own flags keep its probe
 * single. Thread-safe.
 */
public final class FleetLease implements ProbeLease {
  /** How long to wait before asking again after another instance was found holding the lease. */
  static final long ELSEWHERE_RECHECK_MILLIS = 25;

  private enum Phase {
    IDLE,
    PENDING,
    HELD,
    ELSEWHERE
  }

  private record State(Phase phase, long untilEpochMillis) {}

  private static final State IDLE = new State(Phase.IDLE, Long.MIN_VALUE);
  private static final State PENDING = new State(Phase.PENDING, Long.MIN_VALUE);

  private final Fleet fleet;
  private final String key;
  private final Clock clock;
  private final AtomicReference<State> state = new AtomicReference<>(IDLE);

  FleetLease(Fleet fleet, String key, Clock clock) {
    this.fleet = fleet;
    this.key = key;
    this.clock = clock;
  }

  @Override
  public boolean tryAcquire(long holdMillis) {
    if (!fleet.up()) {
      return true;
    }
    State s = state.get();
    long now = clock.millis();
    switch (s.phase) {
      case HELD:
        if (now < s.untilEpochMillis) {
          return true;
        }
        break; // expired in Redis: ask again
      case PENDING:
        return false;
      case ELSEWHERE:
        if (now < s.untilEpochMillis) {
          return false;
        }
        break;
      default:
        break;
    }
    if (!state.compareAndSet(s, PENDING)) {
      return state.get().phase == Phase.HELD;
    }
    long asked = now;
    fleet
        .acquire(key, holdMillis)
        .whenComplete(
            (won, error) -> {
              if (error != null) {
                state.set(IDLE);
                fleet.markDown(error.getClass().getSimpleName());
              } else if (won) {
                state.set(new State(Phase.HELD, asked + holdMillis));
              } else {
                state.set(new State(Phase.ELSEWHERE, clock.millis() + ELSEWHERE_RECHECK_MILLIS));
              }
            });
    return false;
  }

  @Override
  public void release() {
    State s = state.get();
    if (s.phase == Phase.HELD && state.compareAndSet(s, IDLE)) {
      var unused = fleet.release(key); // not awaited: the call path never waits on Redis
    }
  }

  /** On the pool's close: gives the lease back, waiting at most a second. */
  void releaseOnClose() throws InterruptedException {
    State s = state.get();
    if (s.phase == Phase.HELD && state.compareAndSet(s, IDLE)) {
      try {
        fleet.release(key).toCompletableFuture().get(1, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // it expires by itself
      }
    }
  }

  @Override
  public String toString() {
    return "FleetLease[" + key + ", " + state.get().phase + "]";
  }
}
