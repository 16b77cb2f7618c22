package dev.spillway.internal;

/**
 * Peak-EWMA latency estimate of one route, as in Finagle and Linkerd: a sample above the estimate
 * replaces it at once, a lower one pulls it down with weight {@code exp(-Δt/τ)}, and the estimate
 * decays toward zero while no sample arrives, so an idle route is eventually tried again.
 *
 * <p>Thread-safe: updates are serialized; reads are one volatile read and allocation-free.
 */
final class PeakEwma {
  /** A penalty never exceeds this many times the estimate built from successes. */
  static final int PENALTY_CAP_FACTOR = 8;

  /**
   * The relative margin around the bounds of {@code exp} in {@link #exceedsScaled}: rounding moves
   * each side by a few parts in 10^16, so outside it the bound and {@code exp} agree.
   */
  static final double BAND_MARGIN = 1e-9;

  /** The bounds of {@code exp(x)} are used for {@code |x|} below this (then {@code 1 ± x ≥ ½}). */
  static final double MAX_BOUNDED_EXPONENT = 0.5;

  /** No sample yet. */
  private static final State EMPTY = new State(Double.NaN, 0L, Double.NaN, 0L);

  private final double tauNanos;
  private final double perTauNanos;
  private volatile State state = EMPTY;

  PeakEwma(long tauNanos) {
    this.tauNanos = tauNanos;
    this.perTauNanos = 1.0 / tauNanos;
  }

  /**
   * Adds a latency sample taken at {@code nowNanos}: to the estimate, and to the estimate of
   * successes alone, which penalties never touch.
   */
  synchronized void observe(long latencyNanos, long nowNanos) {
    State s = state;
    double x = Math.max(0, latencyNanos);
    state =
        new State(
            step(s.value, s.atNanos, x, nowNanos),
            nowNanos,
            step(s.successValue, s.successAtNanos, x, nowNanos),
            nowNanos);
  }

  /** One peak-EWMA step: a higher sample replaces the value, a lower one pulls it down. */
  private double step(double value, long atNanos, double x, long nowNanos) {
    if (Double.isNaN(value) || x > value) {
      return x;
    }
    double w = Math.exp(-Math.max(0, nowNanos - atNanos) / tauNanos);
    return value * w + x * (1 - w);
  }

  /**
   * Records a throttled or failed attempt: never lowers the estimate, and raises it to a penalty of
   * twice the current estimate (at least {@code floorNanos} and the attempt's own latency), so a
   * backend that fails fast does not attract traffic. The penalty is capped at {@value
   * #PENALTY_CAP_FACTOR} times the last estimate built from successes (decayed), or at {@code
   * capWithoutSuccessNanos} before any success, so a burst of concurrent throttles cannot compound
   * it without bound.
   */
  synchronized void penalize(
      long latencyNanos, long floorNanos, long capWithoutSuccessNanos, long nowNanos) {
    State s = state;
    double current = value(nowNanos);
    double success = decayed(s.successValue, s.successAtNanos, nowNanos);
    double cap =
        Double.isNaN(success)
            ? capWithoutSuccessNanos
            : Math.max(floorNanos, PENALTY_CAP_FACTOR * success);
    double penalty =
        Math.min(
            cap,
            Math.max(
                Math.max(2 * (Double.isNaN(current) ? 0 : current), floorNanos), latencyNanos));
    if (Double.isNaN(s.value) || penalty > current) {
      state = new State(penalty, nowNanos, s.successValue, s.successAtNanos);
    }
  }

  /**
   * An attempt in flight for {@code ageNanos} shows the latency is at least that: raises the
   * estimate to it (never lowers it) without touching the estimate of successes, so a route that
   * turned slow is known as slow before its first slow answer arrives.
   */
  synchronized void raise(long ageNanos, long nowNanos) {
    State s = state;
    double current = value(nowNanos);
    if (Double.isNaN(current) || ageNanos > current) {
      state = new State(ageNanos, nowNanos, s.successValue, s.successAtNanos);
    }
  }

  /**
   * The estimate built from successes alone, as the last success left it (not decayed: a route
   * without traffic is not faster for it), or NaN before the first success.
   */
  double successEstimate() {
    return state.successValue;
  }

  /** The estimate decayed to {@code nowNanos}, or NaN before the first sample. */
  double value(long nowNanos) {
    State s = state;
    return decayed(s.value, s.atNanos, nowNanos);
  }

  private double decayed(double value, long atNanos, long nowNanos) {
    if (Double.isNaN(value)) {
      return Double.NaN;
    }
    long elapsed = nowNanos - atNanos;
    return elapsed <= 0 ? value : value * Math.exp(-elapsed / tauNanos);
  }

  boolean hasSample() {
    return !Double.isNaN(state.value);
  }

  /**
   * Whether {@code this.value(now) × thisCount / thisWeight} exceeds {@code other.value(now) ×
   * otherCount / otherWeight}, without reading a clock: both decay by the same {@code exp(-now/τ)},
   * which cancels, leaving {@code other}'s factor {@code exp(x)}, {@code x = Δ/τ} for the time
   * {@code Δ} between the two samples. Both must have a sample. The answer is that of comparing
   * {@code value × (count / weight)} of each, the second times {@code exp(x)}, in doubles.
   *
   * <p>Mostly without {@code exp} or a division: the two sides are compared multiplied by both
   * weights, and for {@code |x| < ½}, {@code 1 + x ≤ exp(x) ≤ 1 / (1 − x)}, so unless they lie
   * within that band (widened by {@link #BAND_MARGIN}, far beyond rounding) the bound decides, as
   * {@code exp} would; inside it the comparison is made as stated. Which side is higher is a coin
   * toss, so the bounds are combined without a branch on it.
   */
  boolean exceedsScaled(
      double thisCount, double thisWeight, PeakEwma other, double otherCount, double otherWeight) {
    State a = state;
    State b = other.state;
    double left = a.value * thisCount * otherWeight;
    double right = b.value * otherCount * thisWeight;
    long between = b.atNanos - a.atNanos;
    // x within a few ulps of between / τ, without a division's latency; exp gets the quotient
    double x = between * perTauNanos;
    double lower = right * (1 + x);
    // Under the band (left < lower·(1 − m)) or over it (left·(1 − x) > right·(1 + m)): the signs
    // of the two differences, or-ed, so that no branch depends on which side is higher.
    long under = Double.doubleToRawLongBits(left - lower * (1 - BAND_MARGIN));
    long over = Double.doubleToRawLongBits(right * (1 + BAND_MARGIN) - left * (1 - x));
    if ((under | over) < 0 & Math.abs(x) < MAX_BOUNDED_EXPONENT) {
      return left > lower;
    }
    return a.value * (thisCount / thisWeight)
        > b.value * (otherCount / otherWeight) * Math.exp(between / tauNanos);
  }

  /**
   * The estimate and when it was set, and the estimate as the last success left it (the base a
   * penalty is capped against).
   */
  private record State(double value, long atNanos, double successValue, long successAtNanos) {}
}
