package dev.spillway;

import dev.spillway.internal.Engine;
import dev.spillway.internal.RandomSource;
import dev.spillway.internal.SystemScheduler;
import dev.spillway.spi.AsyncAttemptTransport;
import dev.spillway.spi.AttemptTransport;
import dev.spillway.spi.PoolStateStore;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A pool of backends that behaves like one endpoint: PTU-first tiers, latency-weighted selection,
 * cool-downs for exactly what the server's throttle hints say, circuits, and telemetry.
 *
 * <p>Build one pool per application and share it: every client built from it shares its state.
 * Thread-safe. {@link #close()} stops the scheduler thread the pool owns (if it started one).
 *
 * <pre>{@code
 * BackendPool pool = BackendPool.builder()
 *     .backend(Backend.builder("sweden-ptu").endpoint("https://a.openai.azure.com").tier(0)
 *         .credential(Credential.apiKey(System.getenv("PTU_KEY")))
 *         .deployment(Deployment.ptu("gpt-4o", "gpt4o-ptu", 300_000)).build())
 *     .backend(Backend.builder("eastus-paygo").endpoint("https://b.openai.azure.com").tier(1)
 *         .credential(Credential.apiKey(System.getenv("PAYGO_KEY")))
 *         .deployment("gpt-4o", "gpt-4o").build())
 *     .build();
 * }</pre>
 *
 * Applications use it through an adapter, such as the Azure adapter's {@code OpenAIClient}.
 */
public final class BackendPool implements AutoCloseable {
  private final Engine engine;
  private final List<Backend> backends;
  private final Backend home;
  private final PoolSettings settings;
  private final AutoCloseable ownedScheduler;

  private BackendPool(Builder b, PoolSettings settings, Backend home) {
    this.backends = List.copyOf(b.backends);
    this.settings = settings;
    this.home = home;
    DelayScheduler scheduler = b.scheduler;
    SystemScheduler owned = null;
    if (scheduler == null) {
      owned = new SystemScheduler();
      scheduler = owned;
    }
    this.ownedScheduler = owned;
    OpenTelemetry otel = b.openTelemetry;
    Supplier<OpenTelemetry> otelSupplier = otel != null ? () -> otel : GlobalOpenTelemetry::get;
    this.engine =
        new Engine(
            backends,
            settings,
            b.ticker,
            b.clock,
            scheduler,
            b.seed == null ? RandomSource.threadLocal() : RandomSource.seeded(b.seed),
            otelSupplier,
            b.listeners,
            b.stateStore);
  }

  /**
   * Starts a pool.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs one call synchronously: picks a route per attempt, applies each outcome, waits when every
   * route is cooling, and returns the first admitted response (or a caller error unchanged).
   *
   * @param <R> the transport's response type
   * @param request the call
   * @param transport sends each attempt
   * @return the response
   * @throws UnknownModelException if no route serves the model (before any attempt)
   * @throws NoBackendAvailableException if no route became available within the deadline
   * @throws AttemptsExhaustedException if the attempts or the deadline ran out
   * @throws CallInterruptedException if the thread was interrupted
   */
  public <R> R execute(CallRequest request, AttemptTransport<R> transport) {
    return engine.execute(
        Objects.requireNonNull(request, "'request' cannot be null."),
        Objects.requireNonNull(transport, "'transport' cannot be null."));
  }

  /**
   * Runs one call without blocking a thread; waits are scheduled. Cancelling the returned future
   * cancels the call and the attempt in flight. Failures complete the future exceptionally with the
   * exceptions {@link #execute} throws.
   *
   * @param <R> the transport's response type
   * @param request the call
   * @param transport sends each attempt
   * @return the response
   */
  public <R> CompletableFuture<R> executeAsync(
      CallRequest request, AsyncAttemptTransport<R> transport) {
    return engine.executeAsync(
        Objects.requireNonNull(request, "'request' cannot be null."),
        Objects.requireNonNull(transport, "'transport' cannot be null."));
  }

  /**
   * The state of every backend and route now, with cumulative counters.
   *
   * @return the snapshot
   */
  public PoolSnapshot snapshot() {
    return engine.snapshot();
  }

  /**
   * Stops sending new attempts to a backend (calls in flight finish).
   *
   * @param backendId the backend
   * @throws IllegalArgumentException if the pool has no such backend
   */
  public void disableBackend(String backendId) {
    setEnabled(backendId, false);
  }

  /**
   * Lets a disabled backend take traffic again.
   *
   * @param backendId the backend
   * @throws IllegalArgumentException if the pool has no such backend
   */
  public void enableBackend(String backendId) {
    setEnabled(backendId, true);
  }

  private void setEnabled(String backendId, boolean enabled) {
    if (!engine.setEnabled(backendId, enabled)) {
      throw new IllegalArgumentException("no backend '" + backendId + "' in the pool");
    }
  }

  /**
   * @return the backends, in configuration order
   */
  public List<Backend> backends() {
    return backends;
  }

  /**
   * The backend that takes stateful operations (files, batches, assistants…), which are never
   * load-balanced.
   *
   * @return the home backend
   */
  public Backend homeBackend() {
    return home;
  }

  /**
   * @return the logical models the pool serves, sorted
   */
  public List<String> models() {
    return engine.models();
  }

  /**
   * @return the settings
   */
  public PoolSettings settings() {
    return settings;
  }

  /** Stops the pool's scheduler thread, if it owns one. Calls in flight are not interrupted. */
  @Override
  public void close() {
    if (ownedScheduler != null) {
      try {
        ownedScheduler.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the scheduler failed", e);
      }
    }
  }

  @Override
  public String toString() {
    return "BackendPool" + backends.stream().map(Backend::id).toList();
  }

  /** Builds a {@link BackendPool}. Not thread-safe. */
  public static final class Builder {
    private final List<Backend> backends = new ArrayList<>();
    private final List<PoolListener> listeners = new ArrayList<>();
    private Duration timeout = PoolSettings.DEFAULT_TIMEOUT;
    private Duration attemptTimeout = PoolSettings.DEFAULT_ATTEMPT_TIMEOUT;
    private Duration streamAttemptTimeout = PoolSettings.DEFAULT_STREAM_ATTEMPT_TIMEOUT;
    private Duration streamIdleTimeout = PoolSettings.DEFAULT_STREAM_IDLE_TIMEOUT;
    private int maxAttempts;
    private Duration maxWait;
    private long defaultMaxOutputTokens = PoolSettings.DEFAULT_MAX_OUTPUT_TOKENS;
    private Duration ewmaDecay = PoolSettings.DEFAULT_EWMA_DECAY;
    private Duration circuitBreakDuration = PoolSettings.DEFAULT_CIRCUIT_BREAK;
    private Duration authBreakDuration = PoolSettings.DEFAULT_AUTH_BREAK;
    private Duration misconfiguredCoolDown = PoolSettings.DEFAULT_MISCONFIGURED_COOL_DOWN;
    private Duration throttleFallbackCoolDown = PoolSettings.DEFAULT_THROTTLE_FALLBACK;
    private Duration lapBackoff = PoolSettings.DEFAULT_LAP_BACKOFF;
    private Duration quotaWindow = PoolSettings.DEFAULT_QUOTA_WINDOW;
    private String homeBackend;
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private DelayScheduler scheduler;
    private Long seed;
    private OpenTelemetry openTelemetry;
    private PoolStateStore stateStore = PoolStateStore.inMemory();

    private Builder() {}

    /**
     * Adds a backend.
     *
     * @param backend the backend
     * @return this builder
     */
    public Builder backend(Backend backend) {
      backends.add(Objects.requireNonNull(backend, "'backend' cannot be null."));
      return this;
    }

    /**
     * Adds backends.
     *
     * @param backends the backends
     * @return this builder
     */
    public Builder backends(List<Backend> backends) {
      backends.forEach(this::backend);
      return this;
    }

    /**
     * Call deadline (default 120 s); waits count against it.
     *
     * @param timeout the deadline
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = PoolSettings.positive(timeout, "timeout");
      return this;
    }

    /**
     * Time to the first response byte of a plain attempt (default 60 s).
     *
     * @param attemptTimeout the timeout
     * @return this builder
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      this.attemptTimeout = PoolSettings.positive(attemptTimeout, "attemptTimeout");
      return this;
    }

    /**
     * Time to the first response byte of a streaming attempt (default 30 s).
     *
     * @param streamAttemptTimeout the timeout
     * @return this builder
     */
    public Builder streamAttemptTimeout(Duration streamAttemptTimeout) {
      this.streamAttemptTimeout =
          PoolSettings.positive(streamAttemptTimeout, "streamAttemptTimeout");
      return this;
    }

    /**
     * Longest gap between two chunks of a stream (default 30 s).
     *
     * @param streamIdleTimeout the timeout
     * @return this builder
     */
    public Builder streamIdleTimeout(Duration streamIdleTimeout) {
      this.streamIdleTimeout = PoolSettings.positive(streamIdleTimeout, "streamIdleTimeout");
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
     * Longest single wait for a route to become available (default: the rest of the deadline).
     *
     * @param maxWait the limit; zero fails at once when every route is cooling
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
     * @param ewmaDecay τ
     * @return this builder
     */
    public Builder ewmaDecay(Duration ewmaDecay) {
      this.ewmaDecay = PoolSettings.positive(ewmaDecay, "ewmaDecay");
      return this;
    }

    /**
     * First open period of a circuit after 5 consecutive transient failures (default 5 s, doubling
     * up to 60×).
     *
     * @param duration the period
     * @return this builder
     */
    public Builder circuitBreakDuration(Duration duration) {
      this.circuitBreakDuration = PoolSettings.positive(duration, "circuitBreakDuration");
      return this;
    }

    /**
     * First open period after a 401/403 (default 5 min, doubling up to 12×).
     *
     * @param duration the period
     * @return this builder
     */
    public Builder authBreakDuration(Duration duration) {
      this.authBreakDuration = PoolSettings.positive(duration, "authBreakDuration");
      return this;
    }

    /**
     * Cool-down of a route answering 404 DeploymentNotFound or 400 OperationNotSupported (default 5
     * min).
     *
     * @param duration the cool-down
     * @return this builder
     */
    public Builder misconfiguredCoolDown(Duration duration) {
      this.misconfiguredCoolDown = PoolSettings.positive(duration, "misconfiguredCoolDown");
      return this;
    }

    /**
     * Cool-down of a throttle without a usable hint (default 1 s, doubling per consecutive throttle
     * up to 60×).
     *
     * @param duration the cool-down
     * @return this builder
     */
    public Builder throttleFallbackCoolDown(Duration duration) {
      this.throttleFallbackCoolDown = PoolSettings.positive(duration, "throttleFallbackCoolDown");
      return this;
    }

    /**
     * Backoff after a lap with no success and nothing to wait for (default 100 ms, doubling per lap
     * up to 50×, jittered).
     *
     * @param duration the backoff
     * @return this builder
     */
    public Builder lapBackoff(Duration duration) {
      this.lapBackoff = PoolSettings.positive(duration, "lapBackoff");
      return this;
    }

    /**
     * The service's quota window (default 1 minute, as Azure counts TPM, RPM and PTU utilization):
     * remembered remaining tokens and requests refill over it, PTU utilization drains over it. Only
     * a time-compressed test service (a simulator) needs another value.
     *
     * @param duration the window
     * @return this builder
     */
    public Builder quotaWindow(Duration duration) {
      this.quotaWindow = PoolSettings.positive(duration, "quotaWindow");
      return this;
    }

    /**
     * The backend for stateful operations (default: the first backend of the lowest tier).
     *
     * @param backendId the backend
     * @return this builder
     */
    public Builder homeBackend(String backendId) {
      this.homeBackend = backendId;
      return this;
    }

    /**
     * Adds a listener.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(PoolListener listener) {
      listeners.add(Objects.requireNonNull(listener, "'listener' cannot be null."));
      return this;
    }

    /**
     * The OpenTelemetry instance (default {@link GlobalOpenTelemetry}, resolved on first use).
     *
     * @param openTelemetry the instance
     * @return this builder
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "'openTelemetry' cannot be null.");
      return this;
    }

    /**
     * The ticker (default {@link System#nanoTime()}); for tests.
     *
     * @param ticker the ticker
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "'ticker' cannot be null.");
      return this;
    }

    /**
     * The wall clock, used only to read HTTP dates and to date snapshots (default UTC system).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "'clock' cannot be null.");
      return this;
    }

    /**
     * The scheduler (default: one daemon thread owned by the pool, started on first use).
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(DelayScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "'scheduler' cannot be null.");
      return this;
    }

    /**
     * Seeds the random source of selection and jitter, for reproducible runs (default: unseeded
     * thread-local randomness).
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder randomSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Where cool-downs, circuits and the admission ledger are kept (default in memory).
     *
     * @param store the store
     * @return this builder
     */
    public Builder stateStore(PoolStateStore store) {
      this.stateStore = Objects.requireNonNull(store, "'store' cannot be null.");
      return this;
    }

    /**
     * Builds the pool.
     *
     * @return the pool
     * @throws IllegalStateException if no backend was added, ids repeat, or the home backend is
     *     unknown
     * @throws IllegalArgumentException if a setting is invalid (the message names it)
     */
    public BackendPool build() {
      if (backends.isEmpty()) {
        throw new IllegalStateException("a pool needs at least one backend");
      }
      Set<String> ids = new HashSet<>();
      for (Backend backend : backends) {
        if (!ids.add(backend.id())) {
          throw new IllegalStateException("backend id '" + backend.id() + "' is used twice");
        }
      }
      PoolSettings settings =
          new PoolSettings(
              timeout,
              attemptTimeout,
              streamAttemptTimeout,
              streamIdleTimeout,
              maxAttempts,
              maxWait,
              defaultMaxOutputTokens,
              ewmaDecay,
              circuitBreakDuration,
              authBreakDuration,
              misconfiguredCoolDown,
              throttleFallbackCoolDown,
              lapBackoff,
              quotaWindow);
      Backend home;
      if (homeBackend != null) {
        home =
            backends.stream()
                .filter(b -> b.id().equals(homeBackend))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "homeBackend '" + homeBackend + "' is not a backend of the pool"));
      } else {
        int lowest = backends.stream().mapToInt(Backend::tier).min().orElseThrow();
        home = backends.stream().filter(b -> b.tier() == lowest).findFirst().orElseThrow();
      }
      return new BackendPool(this, settings, home);
    }
  }
}
