package dev.spillway.simulator.internal;

import dev.spillway.simulator.DeploymentConfig;
import dev.spillway.simulator.DeploymentStats;
import dev.spillway.simulator.Faults;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

/**
 * The live state of one deployment: its quota, its faults, its seeded sequence of answers and its
 * books. Thread-safe: counters are adders, faults a volatile reference, the chargeable integral
 * guarded by this.
 */
public final class DeploymentRuntime {
  private static final double MINUTE = TimeUnit.MINUTES.toNanos(1);
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private final String resourceId;
  private final DeploymentConfig config;
  private final SimClock clock;
  private final Quota quota;
  private final Tokenizer tokenizer;
  private final long seed;
  private final String systemFingerprint;
  private final AtomicLong sequence = new AtomicLong();
  private volatile Faults faults = Faults.NONE;

  private final LongAdder requests = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder tokensAdmitted = new LongAdder();
  private final LongAdder tokensServed = new LongAdder();
  private final LongAdder tokensUsed = new LongAdder();
  private final LongAdder tokensCharged = new LongAdder();
  private long booksFrom;
  private double chargeableBefore;
  private long rateFrom;

  /**
   * Creates the state with fresh books.
   *
   * @param resourceId the resource id
   * @param config the deployment
   * @param clock simulated time
   * @param simulatorSeed the simulator's seed
   * @param slidingWindow whether a standard deployment counts tokens over a rolling minute instead
   *     of fixed minutes
   */
  public DeploymentRuntime(
      String resourceId,
      DeploymentConfig config,
      SimClock clock,
      long simulatorSeed,
      boolean slidingWindow) {
    this.resourceId = resourceId;
    this.config = config;
    this.clock = clock;
    long now = clock.now();
    this.quota =
        config.ptu()
            ? new PtuQuota(config.tpm(), now)
            : new StandardQuota(config.tpm(), slidingWindow);
    this.tokenizer = Tokenizer.forModel(config.model());
    this.seed = mix(simulatorSeed ^ mix((resourceId + '/' + config.name()).hashCode()));
    this.systemFingerprint = String.format("fp_%010x", mix(seed) & 0xFF_FFFF_FFFFL);
    this.booksFrom = now;
    this.rateFrom = now;
  }

  /**
   * @return the configuration
   */
  public DeploymentConfig config() {
    return config;
  }

  /**
   * @return the tokenizer of the deployment's model
   */
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * @return the system fingerprint reported in answers
   */
  public String systemFingerprint() {
    return systemFingerprint;
  }

  /**
   * @return the faults in force
   */
  public Faults faults() {
    return faults;
  }

  /**
   * Replaces the faults; a changed limit factor takes effect now.
   *
   * @param faults the new faults
   */
  public synchronized void faults(Faults faults) {
    long now = clock.now();
    chargeableBefore = chargeable(now);
    rateFrom = now;
    quota.limitFactor(now, faults.limitFactor());
    this.faults = faults;
  }

  /**
   * Reads a PTU deployment's utilization.
   *
   * @return bucket level ÷ capacity
   * @throws IllegalArgumentException if the deployment is standard
   */
  public double utilization() {
    return ptuQuota().utilization(clock.now());
  }

  /**
   * Sets a PTU deployment's utilization (its bucket level ÷ capacity); it drains from now on.
   *
   * @param utilization the new utilization, in [0, 10]
   * @throws IllegalArgumentException if the deployment is standard or the value is out of range
   */
  public void utilization(double utilization) {
    if (!(utilization >= 0 && utilization <= 10)) {
      throw new IllegalArgumentException(
          where() + ": utilization must be in [0, 10], was " + utilization);
    }
    ptuQuota().utilization(clock.now(), utilization);
  }

  private PtuQuota ptuQuota() {
    if (quota instanceof PtuQuota ptu) {
      return ptu;
    }
    throw new IllegalArgumentException(
        where() + " is a standard deployment; utilization applies to PTU deployments");
  }

  private String where() {
    return "resource '" + resourceId + "' deployment '" + config.name() + "'";
  }

  /**
   * The generator of the next answer: the n-th answer of a deployment is the same for the same
   * seed.
   *
   * @return a generator for one request
   */
  public RandomGenerator nextRandom() {
    return new SplittableRandom(mix(seed + sequence.getAndIncrement() * GOLDEN_GAMMA));
  }

  /** Counts a request addressed to this deployment. */
  public void onRequest() {
    requests.increment();
  }

  /** Counts a request refused before admission (bad input). */
  public void onRejected() {
    failed.increment();
  }

  /**
   * Asks the quota, counting a refusal as throttled and charging an admission.
   *
   * @param cost prompt + {@code max_tokens}
   * @return the decision
   */
  public Admission admit(long cost) {
    Admission admission = quota.admit(clock.now(), cost);
    if (admission.admitted()) {
      tokensAdmitted.add(cost);
      tokensCharged.add(cost);
    } else {
      throttled.increment();
    }
    return admission;
  }

  /**
   * Settles an admitted request: corrects a PTU charge to the actual cost and counts the outcome.
   *
   * @param success whether the answer was sent completely
   * @param estimate the cost charged at admission
   * @param actual prompt tokens + completion tokens actually produced
   */
  public void settle(boolean success, long estimate, long actual) {
    tokensUsed.add(actual);
    if (config.ptu()) {
      quota.settle(clock.now(), actual - estimate);
      tokensCharged.add(actual - estimate);
    }
    if (success) {
      succeeded.increment();
      tokensServed.add(actual);
    } else {
      failed.increment();
    }
  }

  /**
   * @return the current books
   */
  public synchronized DeploymentStats stats() {
    long now = clock.now();
    return new DeploymentStats(
        resourceId,
        config.name(),
        config.ptu(),
        requests.sum(),
        succeeded.sum(),
        throttled.sum(),
        failed.sum(),
        tokensAdmitted.sum(),
        tokensServed.sum(),
        tokensUsed.sum(),
        tokensCharged.sum(),
        Math.round(chargeable(now)),
        Duration.ofNanos(now - booksFrom));
  }

  /** Starts a new period: every counter back to zero. The quota state itself is kept. */
  public synchronized void resetBooks() {
    long now = clock.now();
    requests.reset();
    succeeded.reset();
    throttled.reset();
    failed.reset();
    tokensAdmitted.reset();
    tokensServed.reset();
    tokensUsed.reset();
    tokensCharged.reset();
    booksFrom = now;
    rateFrom = now;
    chargeableBefore = 0;
  }

  private double chargeable(long now) {
    return chargeableBefore + quota.tokensPerMinute() * (now - rateFrom) / MINUTE;
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
