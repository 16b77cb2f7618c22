package dev.spillway;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits and time constants of a pool. Defaults are the {@code DEFAULT_*} constants, each with
 * its reason. Built through {@link BackendPool.Builder}; immutable and thread-safe.
 *
 * @param timeout call deadline; waits count against it
 * @param attemptTimeout time to the first response byte of a plain attempt
 * @param streamAttemptTimeout time to the first response byte of a streaming attempt
 * @param streamIdleTimeout longest gap between two chunks of a stream (enforced by the transport)
 * @param maxAttempts attempts per call, or 0 for twice the number of candidate routes
 * @param maxWait longest single wait for a route to become available, or {@code null} for the
 *     remaining deadline
 * @param defaultMaxOutputTokens output tokens assumed for a call that sets no {@code max_tokens}
 * @param ewmaDecay τ of the peak-EWMA latency estimate
 * @param circuitBreakDuration first open period of a circuit after repeated transient failures;
 *     doubles with each opening up to 60 times this
 * @param authBreakDuration first open period after a 401/403; doubles up to 12 times this
 * @param misconfiguredCoolDown cool-down of a route answering 404 DeploymentNotFound or 400
 *     OperationNotSupported
 * @param throttleFallbackCoolDown cool-down of a throttle without a usable hint; doubles per
 *     consecutive throttle up to 60 times this
 * @param lapBackoff backoff after a lap with no success and nothing to wait for; doubles per lap up
 *     to 50 times this
 * @param quotaWindow the service's quota window: remembered remaining tokens and requests refill
 *     over it, and PTU utilization drains 100 % over it
 */
public record PoolSettings(
    Duration timeout,
    Duration attemptTimeout,
    Duration streamAttemptTimeout,
    Duration streamIdleTimeout,
    int maxAttempts,
    Duration maxWait,
    long defaultMaxOutputTokens,
    Duration ewmaDecay,
    Duration circuitBreakDuration,
    Duration authBreakDuration,
    Duration misconfiguredCoolDown,
    Duration throttleFallbackCoolDown,
    Duration lapBackoff,
    Duration quotaWindow) {

  /** Long enough for a long completion; the Azure SDK's own default is similar. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  /** A plain completion whose first byte takes longer than this is better tried elsewhere. */
  public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(60);

  /** A stream sends headers as soon as the model starts, so its first byte comes sooner. */
  public static final Duration DEFAULT_STREAM_ATTEMPT_TIMEOUT = Duration.ofSeconds(30);

  /** A stream silent for this long is treated as dead. */
  public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofSeconds(30);

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

  /** 100 ms doubling to 5 s between laps over transient failures. */
  public static final Duration DEFAULT_LAP_BACKOFF = Duration.ofMillis(100);

  /** Azure counts TPM, RPM and PTU utilization per minute. */
  public static final Duration DEFAULT_QUOTA_WINDOW = Duration.ofMinutes(1);

  /** The defaults. */
  public static final PoolSettings DEFAULTS =
      new PoolSettings(
          DEFAULT_TIMEOUT,
          DEFAULT_ATTEMPT_TIMEOUT,
          DEFAULT_STREAM_ATTEMPT_TIMEOUT,
          DEFAULT_STREAM_IDLE_TIMEOUT,
          0,
          null,
          DEFAULT_MAX_OUTPUT_TOKENS,
          DEFAULT_EWMA_DECAY,
          DEFAULT_CIRCUIT_BREAK,
          DEFAULT_AUTH_BREAK,
          DEFAULT_MISCONFIGURED_COOL_DOWN,
          DEFAULT_THROTTLE_FALLBACK,
          DEFAULT_LAP_BACKOFF,
          DEFAULT_QUOTA_WINDOW);

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the setting when a value is invalid
   */
  public PoolSettings {
    positive(timeout, "timeout");
    positive(attemptTimeout, "attemptTimeout");
    positive(streamAttemptTimeout, "streamAttemptTimeout");
    positive(streamIdleTimeout, "streamIdleTimeout");
    if (maxAttempts < 0) {
      throw new IllegalArgumentException("maxAttempts must be >= 0, was " + maxAttempts);
    }
    if (maxWait != null && maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must be >= 0, was " + maxWait);
    }
    if (defaultMaxOutputTokens < 0) {
      throw new IllegalArgumentException(
          "defaultMaxOutputTokens must be >= 0, was " + defaultMaxOutputTokens);
    }
    positive(ewmaDecay, "ewmaDecay");
    positive(circuitBreakDuration, "circuitBreakDuration");
    positive(authBreakDuration, "authBreakDuration");
    positive(misconfiguredCoolDown, "misconfiguredCoolDown");
    positive(throttleFallbackCoolDown, "throttleFallbackCoolDown");
    positive(lapBackoff, "lapBackoff");
    positive(quotaWindow, "quotaWindow");
  }

  /**
   * Checks a duration setting.
   *
   * @param value the value
   * @param name the setting's name, for the message
   * @return the value
   * @throws NullPointerException if null
   * @throws IllegalArgumentException if not positive
   */
  static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, () -> "'" + name + "' cannot be null.");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
    return value;
  }
}
