package dev.spillway;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits and time constants of a pool: the one place where each setting has its default (a
 * {@code DEFAULT_*} constant with its reason) and its check. Every way of configuring a pool (this
 * builder in code, the configuration schema of the adapters, the Spring properties) ends in {@link
 * Builder#build()}, and pool builders take the result whole.
 *
 * <pre>{@code
 * PoolSettings settings = PoolSettings.builder()
 *     .timeout(Duration.ofSeconds(30))
 *     .maxAttempts(4)
 *     .build();
 * BackendPool pool = BackendPool.builder().backend(ptu).backend(paygo).settings(settings).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe. Longer than most files: one javadoc'd accessor, setter and default
 * per setting, kept together so that a setting is defined in one place.
 */
public final class PoolSettings {

  /** Long enough for a long completion; the Azure SDK's own default is similar. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  /** A plain completion whose first byte takes longer than this is better tried elsewhere. */
  public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(60);

  /** A stream sends headers as soon as the model starts, so its first byte comes sooner. */
  public static final Duration DEFAULT_STREAM_ATTEMPT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Output tokens assumed when a call sets no {@code max_tokens}: Azure's own admission estimate
   * for that case depends on the model; 1,024 keeps the local ledger conservative without reserving
   * a model's whole context.
   */
  public static final long DEFAULT_MAX_OUTPUT_TOKENS = 1024;

  /** τ = 10 s, as Finagle and Linkerd use: reacts within seconds, forgets a spike in ~30 s. */
  public static final Duration DEFAULT_EWMA_DECAY = Duration.ofSeconds(10);

  /** Five seconds lets a restarted endpoint come back quickly; doubling caps at 5 minutes. */
  public static final Duration DEFAULT_CIRCUIT_BREAK = Duration.ofSeconds(5);

  /** A wrong key is rarely fixed in seconds; 5 minutes doubling to 1 hour limits the noise. */
  public static final Duration DEFAULT_AUTH_BREAK = Duration.ofMinutes(5);

  /** A missing deployment takes minutes to appear (Azure says to wait 5 minutes). */
  public static final Duration DEFAULT_MISCONFIGURED_COOL_DOWN = Duration.ofMinutes(5);

  /** One second doubling to a minute: Azure's quota window is a minute. */
  public static final Duration DEFAULT_THROTTLE_FALLBACK = Duration.ofSeconds(1);

  /**
   * Ten seconds: under sustained overload a call that found no headroom for this long gets its 429
   * (with the soonest retry time) rather than a place in a line that only grows; a burst's backlog
   * clears well within it. Batch calls are not bounded by it: they wait to their deadline.
   */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(10);

  /**
   * One call in ten may be hedged: a second attempt on another route of the same tier when the
   * first outlives twice its route's usual latency, for as long as no call is waiting for headroom.
   * At that rate the duplicated requests cost at most a tenth more of the routes' quota, and a
   * backend that turns slow costs the callers its detection time instead of its latency.
   */
  public static final double DEFAULT_HEDGE_RATIO = 0.1;

  /** 100 ms doubling to 5 s between laps over transient failures. */
  public static final Duration DEFAULT_LAP_BACKOFF = Duration.ofMillis(100);

  /** Azure counts TPM, RPM and PTU utilization per minute. */
  public static final Duration DEFAULT_QUOTA_WINDOW = Duration.ofMinutes(1);

  /** Every setting at its default. */
  public static final PoolSettings DEFAULTS = new Builder().build();

  private final Duration timeout;
  private final Duration attemptTimeout;
  private final Duration streamAttemptTimeout;
  private final int maxAttempts;
  private final Duration maxWait;
  private final double hedgeRatio;
  private final long defaultMaxOutputTokens;
  private final Duration ewmaDecay;
  private final Duration circuitBreakDuration;
  private final Duration authBreakDuration;
  private final Duration misconfiguredCoolDown;
  private final Duration throttleFallbackCoolDown;
  private final Duration lapBackoff;
  private final Duration quotaWindow;

  private PoolSettings(Builder b) {
    this.timeout = b.timeout;
    this.attemptTimeout = b.attemptTimeout;
    this.streamAttemptTimeout = b.streamAttemptTimeout;
    this.maxAttempts = b.maxAttempts;
    this.maxWait = b.maxWait;
    this.hedgeRatio = b.hedgeRatio;
    this.defaultMaxOutputTokens = b.defaultMaxOutputTokens;
    this.ewmaDecay = b.ewmaDecay;
    this.circuitBreakDuration = b.circuitBreakDuration;
    this.authBreakDuration = b.authBreakDuration;
    this.misconfiguredCoolDown = b.misconfiguredCoolDown;
    this.throttleFallbackCoolDown = b.throttleFallbackCoolDown;
    this.lapBackoff = b.lapBackoff;
    this.quotaWindow = b.quotaWindow;
  }

  /**
   * Starts settings with every value at its default.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts settings from these.
   *
   * @return a builder holding these values
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * @return the call deadline; waits count against it
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * @return the time to the first response byte of a plain attempt
   */
  public Duration attemptTimeout() {
    return attemptTimeout;
  }

  /**
   * @return the time to the first response byte of a streaming attempt
   */
  public Duration streamAttemptTimeout() {
    return streamAttemptTimeout;
  }

  /**
   * @return the attempts per call, or 0 for twice the number of candidate routes
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * @return how long into an interactive call it may still wait for a route with headroom, or
   *     {@code null} for its whole deadline
   */
  public Duration maxWait() {
    return maxWait;
  }

  /**
   * @return the share of calls that may be hedged; 0 when hedging is off
   */
  public double hedgeRatio() {
    return hedgeRatio;
  }

  /**
   * @return the output tokens assumed for a call that sets no {@code max_tokens}
   */
  public long defaultMaxOutputTokens() {
    return defaultMaxOutputTokens;
  }

  /**
   * @return τ of the peak-EWMA latency estimate
   */
  public Duration ewmaDecay() {
    return ewmaDecay;
  }

  /**
   * @return the first open period of a circuit after repeated transient failures
   */
  public Duration circuitBreakDuration() {
    return circuitBreakDuration;
  }

  /**
   * @return the first open period of a circuit after a 401/403
   */
  public Duration authBreakDuration() {
    return authBreakDuration;
  }

  /**
   * @return the cool-down of a route answering 404 DeploymentNotFound or 400 OperationNotSupported
   */
  public Duration misconfiguredCoolDown() {
    return misconfiguredCoolDown;
  }

  /**
   * @return the first cool-down of a throttle without a usable hint
   */
  public Duration throttleFallbackCoolDown() {
    return throttleFallbackCoolDown;
  }

  /**
   * @return the first backoff after a lap with no success and nothing to wait for
   */
  public Duration lapBackoff() {
    return lapBackoff;
  }

  /**
   * @return the service's quota window
   */
  public Duration quotaWindow() {
    return quotaWindow;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PoolSettings s
        && timeout.equals(s.timeout)
        && attemptTimeout.equals(s.attemptTimeout)
        && streamAttemptTimeout.equals(s.streamAttemptTimeout)
        && maxAttempts == s.maxAttempts
        && Objects.equals(maxWait, s.maxWait)
        && Double.compare(hedgeRatio, s.hedgeRatio) == 0
        && defaultMaxOutputTokens == s.defaultMaxOutputTokens
        && ewmaDecay.equals(s.ewmaDecay)
        && circuitBreakDuration.equals(s.circuitBreakDuration)
        && authBreakDuration.equals(s.authBreakDuration)
        && misconfiguredCoolDown.equals(s.misconfiguredCoolDown)
        && throttleFallbackCoolDown.equals(s.throttleFallbackCoolDown)
        && lapBackoff.equals(s.lapBackoff)
        && quotaWindow.equals(s.quotaWindow);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        timeout,
        attemptTimeout,
        streamAttemptTimeout,
        maxAttempts,
        maxWait,
        hedgeRatio,
        defaultMaxOutputTokens,
        ewmaDecay,
        circuitBreakDuration,
        authBreakDuration,
        misconfiguredCoolDown,
        throttleFallbackCoolDown,
        lapBackoff,
        quotaWindow);
  }

  @Override
  public String toString() {
    return "PoolSettings[timeout="
        + timeout
        + ", attemptTimeout="
        + attemptTimeout
        + ", streamAttemptTimeout="
        + streamAttemptTimeout
        + ", maxAttempts="
        + maxAttempts
        + ", maxWait="
        + maxWait
        + ", hedgeRatio="
        + hedgeRatio
        + ", defaultMaxOutputTokens="
        + defaultMaxOutputTokens
        + ", ewmaDecay="
        + ewmaDecay
        + ", circuitBreakDuration="
        + circuitBreakDuration
        + ", authBreakDuration="
        + authBreakDuration
        + ", misconfiguredCoolDown="
        + misconfiguredCoolDown
        + ", throttleFallbackCoolDown="
        + throttleFallbackCoolDown
        + ", lapBackoff="
        + lapBackoff
        + ", quotaWindow="
        + quotaWindow
        + "]";
  }

  /**
   * Builds {@link PoolSettings}. Each setter checks its value and throws {@link
   * IllegalArgumentException} naming the setting; a {@code null} duration throws {@link
   * NullPointerException}. Not thread-safe.
   */
  public static final class Builder {
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
    private Duration streamAttemptTimeout = DEFAULT_STREAM_ATTEMPT_TIMEOUT;
    private int maxAttempts;
    private Duration maxWait = DEFAULT_MAX_WAIT;
    private double hedgeRatio = DEFAULT_HEDGE_RATIO;
    private long defaultMaxOutputTokens = DEFAULT_MAX_OUTPUT_TOKENS;
    private Duration ewmaDecay = DEFAULT_EWMA_DECAY;
    private Duration circuitBreakDuration = DEFAULT_CIRCUIT_BREAK;
    private Duration authBreakDuration = DEFAULT_AUTH_BREAK;
    private Duration misconfiguredCoolDown = DEFAULT_MISCONFIGURED_COOL_DOWN;
    private Duration throttleFallbackCoolDown = DEFAULT_THROTTLE_FALLBACK;
    private Duration lapBackoff = DEFAULT_LAP_BACKOFF;
    private Duration quotaWindow = DEFAULT_QUOTA_WINDOW;

    private Builder() {}

    private Builder(PoolSettings s) {
      timeout = s.timeout;
      attemptTimeout = s.attemptTimeout;
      streamAttemptTimeout = s.streamAttemptTimeout;
      maxAttempts = s.maxAttempts;
      maxWait = s.maxWait;
      hedgeRatio = s.hedgeRatio;
      defaultMaxOutputTokens = s.defaultMaxOutputTokens;
      ewmaDecay = s.ewmaDecay;
      circuitBreakDuration = s.circuitBreakDuration;
      authBreakDuration = s.authBreakDuration;
      misconfiguredCoolDown = s.misconfiguredCoolDown;
      throttleFallbackCoolDown = s.throttleFallbackCoolDown;
      lapBackoff = s.lapBackoff;
      quotaWindow = s.quotaWindow;
    }

    /**
     * Call deadline (default 120 s); waits count against it.
     *
     * @param timeout the deadline, greater than 0
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * Time to the first response byte of a plain attempt (default 60 s).
     *
     * @param attemptTimeout the timeout, greater than 0
     * @return this builder
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      this.attemptTimeout = positive(attemptTimeout, "attemptTimeout");
      return this;
    }

    /**
     * Time to the first response byte of a streaming attempt (default 30 s).
     *
     * @param streamAttemptTimeout the timeout, greater than 0
     * @return this builder
     */
    public Builder streamAttemptTimeout(Duration streamAttemptTimeout) {
      this.streamAttemptTimeout = positive(streamAttemptTimeout, "streamAttemptTimeout");
      return this;
    }

    /**
     * Attempts per call (default twice the number of candidate routes).
     *
     * @param maxAttempts at least 1
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * How long into an interactive call it may still wait for a route with headroom, counted from
     * the call's start (default {@link #DEFAULT_MAX_WAIT}): a call that would have to wait past it
     * ends at once with {@link dev.spillway.NoBackendAvailableException} (an HTTP 429 through the
     * SDK adapters, with the soonest time a route returns). Batch calls wait to their deadline
     * whatever this says, and backoff between laps over transient failures is bounded by the
     * deadline only.
     *
     * @param maxWait the limit, or {@code null} for the call's whole deadline; zero fails at once
     *     when no route has headroom
     * @return this builder
     */
    public Builder maxWait(Duration maxWait) {
      if (maxWait != null && maxWait.isNegative()) {
        throw new IllegalArgumentException("maxWait must be >= 0, was " + maxWait);
      }
      this.maxWait = maxWait;
      return this;
    }

    /**
     * The share of calls that may be hedged (default {@link #DEFAULT_HEDGE_RATIO}); 0 turns hedging
     * off. A non-streamed call through an async client whose attempt outlives twice its route's
     * usual latency (the peak EWMA of its successes) gets a second attempt on another route of that
     * tier or a lower one, if one has headroom now and no call of the model is waiting for
     * headroom; the first answer wins and the other attempt is cancelled. Each call adds this much
     * to a budget of hedges, which holds at most ten, and each hedge takes one. Sync calls are
     * never hedged.
     *
     * @param ratio in [0, 1]
     * @return this builder
     */
    public Builder hedgeRatio(double ratio) {
      if (!(ratio >= 0 && ratio <= 1)) {
        throw new IllegalArgumentException("hedgeRatio must be in [0, 1], was " + ratio);
      }
      this.hedgeRatio = ratio;
      return this;
    }

    /**
     * Output tokens assumed for calls without {@code max_tokens} (default 1,024).
     *
     * @param tokens 0 or more
     * @return this builder
     */
    public Builder defaultMaxOutputTokens(long tokens) {
      if (tokens < 0) {
        throw new IllegalArgumentException("defaultMaxOutputTokens must be >= 0, was " + tokens);
      }
      this.defaultMaxOutputTokens = tokens;
      return this;
    }

    /**
     * τ of the peak-EWMA latency estimate (default 10 s).
     *
     * @param ewmaDecay τ, greater than 0
     * @return this builder
     */
    public Builder ewmaDecay(Duration ewmaDecay) {
      this.ewmaDecay = positive(ewmaDecay, "ewmaDecay");
      return this;
    }

    /**
     * First open period of a circuit after 5 consecutive transient failures (default 5 s, doubling
     * up to 60×).
     *
     * @param duration the period, greater than 0
     * @return this builder
     */
    public Builder circuitBreakDuration(Duration duration) {
      this.circuitBreakDuration = positive(duration, "circuitBreakDuration");
      return this;
    }

    /**
     * First open period after a 401/403 (default 5 min, doubling up to 12×).
     *
     * @param duration the period, greater than 0
     * @return this builder
     */
    public Builder authBreakDuration(Duration duration) {
      this.authBreakDuration = positive(duration, "authBreakDuration");
      return this;
    }

    /**
     * Cool-down of a route answering 404 DeploymentNotFound or 400 OperationNotSupported (default 5
     * min).
     *
     * @param duration the cool-down, greater than 0
     * @return this builder
     */
    public Builder misconfiguredCoolDown(Duration duration) {
      this.misconfiguredCoolDown = positive(duration, "misconfiguredCoolDown");
      return this;
    }

    /**
     * Cool-down of a throttle without a usable hint (default 1 s, doubling per consecutive throttle
     * up to 60×).
     *
     * @param duration the cool-down, greater than 0
     * @return this builder
     */
    public Builder throttleFallbackCoolDown(Duration duration) {
      this.throttleFallbackCoolDown = positive(duration, "throttleFallbackCoolDown");
      return this;
    }

    /**
     * Backoff after a lap with no success and nothing to wait for (default 100 ms, doubling per lap
     * up to 50×, jittered).
     *
     * @param duration the backoff, greater than 0
     * @return this builder
     */
    public Builder lapBackoff(Duration duration) {
      this.lapBackoff = positive(duration, "lapBackoff");
      return this;
    }

    /**
     * The service's quota window (default 1 minute, as Azure counts TPM, RPM and PTU utilization):
     * remembered remaining tokens and requests refill over it, PTU utilization drains over it. Only
     * a time-compressed test service (a simulator) needs another value.
     *
     * @param duration the window, greater than 0
     * @return this builder
     */
    public Builder quotaWindow(Duration duration) {
      this.quotaWindow = positive(duration, "quotaWindow");
      return this;
    }

    /**
     * Builds the settings. Every value was checked when it was set.
     *
     * @return the settings
     */
    public PoolSettings build() {
      return new PoolSettings(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, () -> "'" + name + "' cannot be null.");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0, was " + value);
      }
      return value;
    }
  }
}
