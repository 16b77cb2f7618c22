package dev.spillway.internal;

/**
 * Peak-EWMA latency estimate of one route, as in Finagle and Linkerd: a sample above the estimate
 * replaces it at once, a lower one pulls it down with weight {@code exp(-Δt/τ)}, and the estimate
 * decays toward zero while no sample arrives, so an idle route is eventually tried again.
 *
 * <p>Thread-safe: updates are serialized; reads are one volatile read and allocation-free.
 */
final class PeakEwma {
  /** No sample yet. */
  private static final State EMPTY = new State(Double.NaN, 0L);

  private final double tauNanos;
  private volatile State state = EMPTY;

  PeakEwma(long tauNanos) {
    this.tauNanos = tauNanos;
  }

  /** Adds a latency sample taken at {@code nowNanos}. */
  synchronized void observe(long latencyNanos, long nowNanos) {
    State s = state;
    double x = Math.max(0, latencyNanos);
    double next;
    if (Double.isNaN(s.value) || x > s.value) {
      next = x;
    } else {
      double w = Math.exp(-Math.max(0, nowNanos - s.atNanos) / tauNanos);
      next = s.value * w + x * (1 - w);
    }
    state = new State(next, nowNanos);
  }

  /**
   * Records a throttled or failed attempt: never lowers the estimate, and raises it to a penalty of
   * twice the current estimate (at least {@code floorNanos} and the attempt's own latency), so a
   * backend that fails fast does not attract traffic.
   */
  synchronized void penalize(long latencyNanos, long floorNanos, long nowNanos) {
    double current = value(nowNanos);
    double penalty = Math.max(Math.max(2 * (Double.isNaN(current) ? 0 : current), floorNanos),
        latencyNanos);
    if (Double.isNaN(state.value) || penalty > current) {
      state = new State(penalty, nowNanos);
    }
  }

  /** The estimate decayed to {@code nowNanos}, or NaN before the first sample. */
  double value(long nowNanos) {
    State s = state;
    if (Double.isNaN(s.value)) {
      return Double.NaN;
    }
    long elapsed = nowNanos - s.atNanos;
    return elapsed <= 0 ? s.value : s.value * Math.exp(-elapsed / tauNanos);
  }

  boolean hasSample() {
    return !Double.isNaN(state.value);
  }

  /**
   * Compares {@code this.value(now) × thisFactor} with {@code other.value(now) × otherFactor}
   * without reading a clock and with one {@code exp}: both decay by the same {@code exp(-now/τ)},
   * which cancels. Both must have a sample. Negative when this is lower, 0 on a tie.
   */
  int compareScaled(double thisFactor, PeakEwma other, double otherFactor) {
    State a = state;
    State b = other.state;
    double left = a.value * thisFactor;
    double right = b.value * otherFactor * Math.exp((b.atNanos - a.atNanos) / tauNanos);
    return Double.compare(left, right);
  }

  private record State(double value, long atNanos) {}
}
