package dev.spillway;

import dev.spillway.internal.Engine;
import dev.spillway.internal.PoolEngines;
import dev.spillway.internal.RandomSource;
import dev.spillway.internal.SystemScheduler;
import dev.spillway.spi.PoolStateStore;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
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
 *         .deployment(Deployment.ptu("gpt-4o", "gpt4o-ptu", 300_000)).build())
 *     .backend(Backend.builder("eastus-paygo").endpoint("https://b.openai.azure.com").tier(1)
 *         .deployment("gpt-4o", "gpt-4o").build())
 *     .build();
 * }</pre>
 *
 * Applications use it through an SDK adapter, which runs calls through {@link
 * dev.spillway.spi.CallExecutor} and keeps each backend's credential.
 *
 * <p>Longer than most files (about 370 lines) because every public method and builder setter is
 * documented; the limits and time constants are in {@link PoolSettings}.
 */
public final class BackendPool implements AutoCloseable {
  static {
    PoolEngines.register(pool -> pool.engine);
  }

  private final Engine engine;
  private final List<Backend> backends;
  private final Backend home;
  private final PoolSettings settings;
  private final ConsumerSettings consumers;
  private final AutoCloseable ownedScheduler;
  private final PoolStateStore stateStore;

  private BackendPool(Builder b, PoolSettings settings, Backend home) {
    this.backends = List.copyOf(b.backends);
    this.settings = settings;
    this.consumers = b.consumers;
    this.home = home;
    DelayScheduler scheduler = b.scheduler;
    SystemScheduler owned = null;
    if (scheduler == null) {
      owned = new SystemScheduler();
      scheduler = owned;
    }
    this.ownedScheduler = owned;
    this.stateStore = b.stateStore;
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
            b.stateStore,
            b.consumers);
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
   * @return the consumers and priorities
   */
  public ConsumerSettings consumers() {
    return consumers;
  }

  /**
   * @return the settings
   */
  public PoolSettings settings() {
    return settings;
  }

  /**
   * Stops the pool's scheduler thread, if it owns one, and closes its state store (a shared store
   * flushes what it has not yet written). Calls in flight are not interrupted.
   */
  @Override
  public void close() {
    try {
      stateStore.close();
    } finally {
      if (ownedScheduler != null) {
        try {
          ownedScheduler.close();
        } catch (Exception e) {
          throw new IllegalStateException("closing the scheduler failed", e);
        }
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
    private PoolSettings settings = PoolSettings.DEFAULTS;
    private String homeBackend;
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private DelayScheduler scheduler;
    private Long seed;
    private OpenTelemetry openTelemetry;
    private PoolStateStore stateStore = PoolStateStore.inMemory();
    private ConsumerSettings consumers = ConsumerSettings.DEFAULTS;

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
     * The limits and time constants (default {@link PoolSettings#DEFAULTS}).
     *
     * @param settings the settings
     * @return this builder
     */
    public Builder settings(PoolSettings settings) {
      this.settings = Objects.requireNonNull(settings, "'settings' cannot be null.");
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
     * The wall clock (default UTC system), used only to read HTTP dates, to date snapshots and to
     * write the instants of the {@link #stateStore state store}'s records (epoch milliseconds, so
     * pools in processes whose clocks agree can share them); intervals come from the {@link #ticker
     * ticker}.
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
     * Where cool-downs, circuits, probe leases, the admission ledger and consumers' counters are
     * kept (default in memory, private to this pool). The pool owns the store: {@link
     * BackendPool#close()} closes it, so give each pool a store of its own.
     *
     * @param store the store
     * @return this builder
     */
    public Builder stateStore(PoolStateStore store) {
      this.stateStore = Objects.requireNonNull(store, "'store' cannot be null.");
      return this;
    }

    /**
     * The consumers with their limits, and what each priority may use (default: no declared
     * consumer, {@link ConsumerSettings#DEFAULTS}). Calls name their consumer and priority through
     * their SDK adapter.
     *
     * @param consumers the settings
     * @return this builder
     */
    public Builder consumers(ConsumerSettings consumers) {
      this.consumers = Objects.requireNonNull(consumers, "'consumers' cannot be null.");
      return this;
    }

    /**
     * Builds the pool.
     *
     * @return the pool
     * @throws IllegalStateException if no backend was added, ids repeat, or the home backend is
     *     unknown
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
