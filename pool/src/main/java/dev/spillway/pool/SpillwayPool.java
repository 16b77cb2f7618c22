package dev.spillway.pool;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import dev.spillway.Backend;
import dev.spillway.BackendPool;
import dev.spillway.ConsumerSettings;
import dev.spillway.DelayScheduler;
import dev.spillway.Deployment;
import dev.spillway.PoolListener;
import dev.spillway.PoolSettings;
import dev.spillway.PoolSnapshot;
import dev.spillway.Ticker;
import dev.spillway.pool.audit.AuditConfig;
import dev.spillway.pool.audit.AuditSettings;
import dev.spillway.pool.internal.Endpoints;
import dev.spillway.pool.internal.PoolParts;
import dev.spillway.pool.internal.audit.AuditPipeline;
import dev.spillway.pool.internal.audit.AuditQueue;
import dev.spillway.pool.spi.AdapterSupport;
import dev.spillway.pool.spi.BackendAuth;
import dev.spillway.pool.spi.CallCapture;
import dev.spillway.pool.spi.StateStoreProvider;
import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.PoolStateStore;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A pool of Azure OpenAI backends, with each backend's credential, that SDK clients use as one
 * endpoint. Build one per application and share it: the clients of every SDK adapter built from it
 * (the Azure adapter's {@code OpenAIClient}, openai-java's) share its cool-downs, latency, circuits
 * and counters.
 *
 * <pre>{@code
 * SpillwayPool pool = SpillwayPool.builder()
 *     .backend(Backend.builder("sweden-ptu").endpoint("https://a.openai.azure.com").tier(0)
 *         .deployment(Deployment.ptu("gpt-4o", "gpt4o-ptu", 300_000)).build(),
 *         Credential.apiKey(() -> System.getenv("PTU_KEY")))
 *     .backend(Backend.builder("eastus-paygo").endpoint("https://b.openai.azure.com").tier(1)
 *         .deployment("gpt-4o", "gpt-4o").build(),
 *         Credential.entra(new DefaultAzureCredentialBuilder().build()))
 *     .build();                                   // or SpillwayPool.fromConfig(poolConfig)
 * OpenAIClient client = SpillwayAzure.openAIClientBuilder(pool).buildClient();
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the pool's scheduler thread; it closes no HTTP client.
 */
public final class SpillwayPool implements AutoCloseable {
  /**
   * A stream silent for this long is treated as dead: long enough for a model's pause between
   * chunks, short enough to free a caller from a connection that stalled.
   */
  public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofSeconds(30);

  static {
    PoolParts.register(pool -> pool.support);
  }

  private final BackendPool pool;
  private final Map<String, BackendAuth> auth;
  private final AdapterSupport support;
  private final AuditQueue auditQueue;

  private SpillwayPool(
      BackendPool pool,
      Map<String, BackendAuth> auth,
      Duration streamIdleTimeout,
      AuditPipeline audit,
      ConsumerResolver consumerResolver) {
    this.pool = pool;
    this.auth = Map.copyOf(auth);
    this.auditQueue = audit == null ? null : audit.queue();
    this.support = new Support(pool, this.auth, streamIdleTimeout, audit, consumerResolver);
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
   * Builds a pool from the configuration schema, with the default HTTP client and, for {@code
   * credential: entra} and {@code api-key-secret} backends, {@code DefaultAzureCredential}.
   *
   * @param config the configuration
   * @return the pool
   * @throws NullPointerException if {@code config} is null
   */
  public static SpillwayPool fromConfig(PoolConfig config) {
    return builder().config(config).build();
  }

  /**
   * The engine: models, settings, {@code disableBackend}/{@code enableBackend}, the home backend.
   *
   * @return the core pool
   */
  public BackendPool backendPool() {
    return pool;
  }

  /**
   * The state of every backend and route now, with cumulative counters.
   *
   * @return the snapshot
   */
  public PoolSnapshot snapshot() {
    return pool.snapshot();
  }

  /**
   * How a backend authenticates, without its secret.
   *
   * @param backendId the backend
   * @return {@value Credential#API_KEY} or {@value Credential#ENTRA}
   * @throws IllegalArgumentException if the pool has no such backend
   */
  public String credentialKind(String backendId) {
    return authOf(auth, backendId).kind();
  }

  private static BackendAuth authOf(Map<String, BackendAuth> auth, String backendId) {
    BackendAuth a = auth.get(backendId);
    if (a == null) {
      throw new IllegalArgumentException("no backend '" + backendId + "' in the pool");
    }
    return a;
  }

  /**
   * Writes the audit records of the calls that settled (none is lost: the queue is drained, the
   * sinks flushed and closed), then stops the pool's scheduler thread. Calls in flight are not
   * interrupted; their records, if they settle later, are dropped and counted.
   */
  @Override
  public void close() {
    if (auditQueue != null) {
      auditQueue.close();
    }
    pool.close();
  }

  /**
   * @return audit records dropped so far because the sinks fell behind (also the {@code
   *     spillway.audit.dropped} counter); 0 when audit records are off
   */
  public long auditRecordsDropped() {
    return auditQueue == null ? 0 : auditQueue.dropped();
  }

  @Override
  public String toString() {
    return "SpillwayPool" + pool.backends().stream().map(Backend::id).toList();
  }

  /**
   * Builds a {@link SpillwayPool}. The limits and time constants come whole as {@link PoolSettings}
   * (default {@link PoolSettings#DEFAULTS}). Not thread-safe.
   */
  public static final class Builder {
    private final BackendPool.Builder core = BackendPool.builder();

    /**
     * The backends and their credentials in the order they were added; a configured backend gets
     * its credential when the pool is built, from the Entra credential then known.
     */
    private final List<Function<Sources, Member>> backends = new ArrayList<>();

    private PoolSettings settings = PoolSettings.DEFAULTS;
    private boolean allowInsecureHttp;
    private TokenCredential entraCredential;
    private Clock clock = Clock.systemUTC();
    private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
    private Consumer<SecretClientBuilder> keyVaultClient = b -> {};
    private AuditSettings audit;
    private AuditConfig auditConfig;
    private Consumer<AuditSettings.Builder> auditChanges = b -> {};
    private OpenTelemetry openTelemetry;
    private ConsumerResolver consumerResolver;
    private PoolStateStore stateStore;
    private StateConfig stateConfig = StateConfig.DEFAULTS;
    private final Map<String, StateStoreProvider> stateStoreProviders = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Applies a configuration: its settings, home backend, {@code allow-insecure-http}, audit,
     * consumers and priorities, state store, and backends. Backends add to those already added.
     *
     * <p>A {@code spillway.state.store} other than {@code memory} is created when the pool is
     * built, with the pool's clock, by the {@link StateStoreProvider} of that name (one given to
     * {@link #stateStoreProvider}, else one {@link ServiceLoader} finds); a store given to {@link
     * #stateStore} takes its place.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(PoolConfig config) {
      Objects.requireNonNull(config, "'config' cannot be null.");
      settings = config.settings();
      streamIdleTimeout = config.streamIdleTimeout();
      if (config.homeBackend() != null) {
        core.homeBackend(config.homeBackend());
      }
      allowInsecureHttp |= config.allowInsecureHttp();
      auditConfig = config.audit();
      core.consumers(config.consumerSettings());
      stateConfig = config.state();
      for (BackendConfig backend : config.backends()) {
        backends.add(sources -> toBackend(backend, sources));
      }
      return this;
    }

    /**
     * Adds a backend with its credential: {@link Credential#apiKey(Supplier)} (the supplier is read
     * on every attempt, so a rotated key is used at once) or {@link Credential#entra}.
     *
     * @param backend the backend
     * @param credential how it authenticates
     * @return this builder
     */
    public Builder backend(Backend backend, Credential credential) {
      Member member =
          new Member(
              Objects.requireNonNull(backend, "'backend' cannot be null."),
              Objects.requireNonNull(credential, "'credential' cannot be null."));
      backends.add(sources -> member);
      return this;
    }

    /**
     * The limits and time constants (default {@link PoolSettings#DEFAULTS}); replaces those of a
     * configuration applied before. An adapter may let a call set its own deadline.
     *
     * @param settings the settings
     * @return this builder
     */
    public Builder settings(PoolSettings settings) {
      this.settings = Objects.requireNonNull(settings, "'settings' cannot be null.");
      return this;
    }

    /**
     * Changes some of the settings and keeps the others (those of a configuration applied before,
     * or the defaults), as a {@code SpillwayPoolCustomizer} does:
     *
     * <pre>{@code
     * builder.settings(s -> s.lapBackoff(Duration.ofMillis(50)));
     * }</pre>
     *
     * @param changes applied to a builder holding the current settings
     * @return this builder
     */
    public Builder settings(Consumer<PoolSettings.Builder> changes) {
      Objects.requireNonNull(changes, "'changes' cannot be null.");
      PoolSettings.Builder b = settings.toBuilder();
      changes.accept(b);
      settings = b.build();
      return this;
    }

    /**
     * The longest gap between two chunks of a stream (default {@link
     * #DEFAULT_STREAM_IDLE_TIMEOUT}); the SDK adapters' transports fail the stream after it. A
     * transport setting, not the engine's: it applies after an attempt was admitted.
     *
     * @param streamIdleTimeout the timeout, greater than 0
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder streamIdleTimeout(Duration streamIdleTimeout) {
      Objects.requireNonNull(streamIdleTimeout, "'streamIdleTimeout' cannot be null.");
      if (streamIdleTimeout.isNegative() || streamIdleTimeout.isZero()) {
        throw new IllegalArgumentException(
            "streamIdleTimeout must be > 0, was " + streamIdleTimeout);
      }
      this.streamIdleTimeout = streamIdleTimeout;
      return this;
    }

    /**
     * The backend for stateful operations (default: the first backend of the lowest tier).
     *
     * @param backendId the backend
     * @return this builder
     */
    public Builder homeBackend(String backendId) {
      core.homeBackend(backendId);
      return this;
    }

    /**
     * Allows plain http to hosts other than loopback (default {@code false}: https only, plain http
     * to loopback).
     *
     * @param allowInsecureHttp the flag
     * @return this builder
     */
    public Builder allowInsecureHttp(boolean allowInsecureHttp) {
      this.allowInsecureHttp = allowInsecureHttp;
      return this;
    }

    /**
     * Adds a listener (attempts, cool-downs, circuits, call outcomes).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(PoolListener listener) {
      core.listener(listener);
      return this;
    }

    /**
     * The OpenTelemetry instance (default {@code GlobalOpenTelemetry}, resolved on first use).
     *
     * @param openTelemetry the instance
     * @return this builder
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      core.openTelemetry(openTelemetry);
      this.openTelemetry = openTelemetry;
      return this;
    }

    /**
     * Turns audit records on (default off): one record per call after it settles, through the
     * settings' sinks. Takes the place of a configuration's {@code audit}, applied before or after.
     *
     * @param audit the settings
     * @return this builder
     */
    public Builder audit(AuditSettings audit) {
      this.audit = Objects.requireNonNull(audit, "'audit' cannot be null.");
      this.auditConfig = null;
      return this;
    }

    /**
     * Changes the audit settings a configuration made (its sinks, capture level and limits), or the
     * defaults: for what a configuration cannot say, such as the redaction hook. Does nothing when
     * neither a configuration nor {@link #audit(AuditSettings)} enabled audit records.
     *
     * <pre>{@code
     * builder.config(config).auditCustomizer(a -> a.redactor(myRedactor));
     * }</pre>
     *
     * @param changes applied to a builder holding the configured settings
     * @return this builder
     */
    public Builder auditCustomizer(Consumer<AuditSettings.Builder> changes) {
      Objects.requireNonNull(changes, "'changes' cannot be null.");
      auditChanges = auditChanges.andThen(changes);
      return this;
    }

    /**
     * Seeds the random source of selection and jitter, for reproducible runs (default: unseeded).
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder randomSeed(long seed) {
      core.randomSeed(seed);
      return this;
    }

    /**
     * The ticker the engine reads every interval from (default {@link System#nanoTime()}); for
     * tests that drive time.
     *
     * @param ticker the ticker
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      core.ticker(ticker);
      return this;
    }

    /**
     * The wall clock (default UTC system): HTTP dates, the instants of shared state, snapshot dates
     * and when an Entra ID token is due for refresh; for tests that drive time.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "'clock' cannot be null.");
      core.clock(clock);
      return this;
    }

    /**
     * The scheduler of waits and attempt timeouts (default: one daemon thread owned by the pool).
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(DelayScheduler scheduler) {
      core.scheduler(scheduler);
      return this;
    }

    /**
     * Where cool-downs, circuits and the admission ledger are kept (default in memory, or the store
     * a configuration's {@code spillway.state.*} names); takes the place of a configured store,
     * applied before or after. The pool owns the store: {@link SpillwayPool#close()} closes it.
     *
     * @param store the store
     * @return this builder
     */
    public Builder stateStore(PoolStateStore store) {
      this.stateStore = Objects.requireNonNull(store, "'store' cannot be null.");
      return this;
    }

    /**
     * Creates the configured {@code spillway.state.store} of the provider's name in place of the
     * provider {@link ServiceLoader} would find: for a store set up in code from the configuration,
     * such as a Redis store on the application's own client.
     *
     * @param provider the provider
     * @return this builder
     */
    public Builder stateStoreProvider(StateStoreProvider provider) {
      Objects.requireNonNull(provider, "'provider' cannot be null.");
      stateStoreProviders.put(provider.name(), provider);
      return this;
    }

    /**
     * The token credential of configured {@code credential: entra} backends, and of the Key Vault
     * that configured {@code api-key-secret} backends read (default: one {@code
     * DefaultAzureCredential}, created when the pool is built).
     *
     * @param tokenCredential the credential
     * @return this builder
     */
    public Builder entraCredential(TokenCredential tokenCredential) {
      this.entraCredential =
          Objects.requireNonNull(tokenCredential, "'tokenCredential' cannot be null.");
      return this;
    }

    /**
     * Configures the Key Vault clients of configured {@code api-key-secret} backends: each builder
     * comes with the pool's token credential (see {@link #entraCredential}) and its vault's URL;
     * {@code customizer} may set its HTTP client, retry options or another credential.
     *
     * @param customizer applied to each backend's client builder
     * @return this builder
     */
    public Builder keyVaultClient(Consumer<SecretClientBuilder> customizer) {
      this.keyVaultClient = Objects.requireNonNull(customizer, "'customizer' cannot be null.");
      return this;
    }

    /**
     * The consumers and what each priority may use (default {@link ConsumerSettings#DEFAULTS});
     * replaces those of a configuration applied before.
     *
     * @param consumers the settings
     * @return this builder
     */
    public Builder consumers(ConsumerSettings consumers) {
      core.consumers(Objects.requireNonNull(consumers, "'consumers' cannot be null."));
      return this;
    }

    /**
     * Names the consumer of calls that name none (default: none).
     *
     * @param resolver the resolver
     * @return this builder
     */
    public Builder consumerResolver(ConsumerResolver resolver) {
      this.consumerResolver = Objects.requireNonNull(resolver, "'resolver' cannot be null.");
      return this;
    }

    /**
     * Builds the pool.
     *
     * @return the pool
     * @throws IllegalStateException if no backend was added, ids repeat, the home backend is
     *     unknown, a backend uses plain http to a host other than loopback without {@link
     *     #allowInsecureHttp}, or the configured state store refuses to start
     * @throws InvalidPropertyException naming {@code state.store} when no {@link
     *     StateStoreProvider} of the configured store's name is on the classpath
     */
    public SpillwayPool build() {
      StateStoreProvider stateProvider = stateStore == null ? stateStoreProvider() : null;
      Sources sources = new Sources(new EntraSupplier(entraCredential), keyVaultClient);
      Map<String, BackendAuth> auth = new LinkedHashMap<>();
      for (Function<Sources, Member> entry : backends) {
        Member member = entry.apply(sources);
        Backend backend = member.backend;
        try {
          Endpoints.requireValid(backend.id(), backend.endpoint());
          Endpoints.requireSecure(backend.id(), backend.endpoint(), allowInsecureHttp);
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
        auth.put(backend.id(), member.credential.auth(clock));
        core.backend(backend);
      }
      PoolStateStore created = null;
      if (stateStore != null) {
        core.stateStore(stateStore);
      } else if (stateProvider != null) {
        created = stateProvider.create(stateConfig, clock);
        core.stateStore(created);
      }
      BackendPool built;
      try {
        built = core.settings(settings).build();
      } catch (RuntimeException e) {
        if (created != null) {
          created.close();
        }
        throw e;
      }
      return new SpillwayPool(
          built, auth, streamIdleTimeout, auditPipeline(built), consumerResolver);
    }

    /** The provider of the configured store, or {@code null} for the in-memory default. */
    private StateStoreProvider stateStoreProvider() {
      if (stateConfig.inMemory()) {
        return null;
      }
      String name = stateConfig.store();
      StateStoreProvider given = stateStoreProviders.get(name);
      if (given != null) {
        return given;
      }
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      for (ClassLoader loader : new ClassLoader[] {context, SpillwayPool.class.getClassLoader()}) {
        if (loader == null) {
          continue;
        }
        for (StateStoreProvider provider : ServiceLoader.load(StateStoreProvider.class, loader)) {
          if (name.equals(provider.name())) {
            return provider;
          }
        }
      }
      throw new InvalidPropertyException(
          "state.store",
          "no state store provider named '"
              + name
              + "' is on the classpath; add the dependency "
              + artifactOf(name));
    }

    private static String artifactOf(String store) {
      return StateConfig.REDIS.equals(store)
          ? "dev.spillway:spillway-redis"
          : "that provides it (META-INF/services/" + StateStoreProvider.class.getName() + ")";
    }

    private AuditPipeline auditPipeline(BackendPool built) {
      AuditSettings.Builder settings = null;
      if (audit != null) {
        settings = audit.toBuilder();
      } else if (auditConfig != null && auditConfig.enabled()) {
        settings = auditConfig.toSettings(this::openTelemetryOrGlobal);
      }
      if (settings == null) {
        return null;
      }
      auditChanges.accept(settings);
      AuditSettings chosen = settings.build();
      Map<String, String> regions = new LinkedHashMap<>();
      for (Backend backend : built.backends()) {
        if (backend.region() != null) {
          regions.put(backend.id(), backend.region());
        }
      }
      return new AuditPipeline(
          chosen.capture(),
          chosen.maxFieldChars(),
          regions,
          new AuditQueue(chosen, this::openTelemetryOrGlobal, clock));
    }

    private OpenTelemetry openTelemetryOrGlobal() {
      return openTelemetry != null ? openTelemetry : GlobalOpenTelemetry.get();
    }

    private static Member toBackend(BackendConfig config, Sources sources) {
      Credential credential;
      if (config.usesEntra()) {
        credential = Credential.entra(sources.entra.get());
      } else if (config.usesKeyVault()) {
        SecretClientBuilder client = new SecretClientBuilder().credential(sources.entra.get());
        sources.keyVaultClient.accept(client);
        credential =
            Credential.keyVaultSecret(
                config.apiKeySecret(),
                client,
                config.apiKeySecretRefresh() == null
                    ? Credential.DEFAULT_SECRET_REFRESH
                    : config.apiKeySecretRefresh());
      } else {
        credential = Credential.apiKey(config.apiKey());
      }
      Backend.Builder b =
          Backend.builder(config.id())
              .endpoint(config.endpoint().trim())
              .tier(config.tier() == null ? 0 : config.tier())
              .weight(config.weight() == null ? Backend.DEFAULT_WEIGHT : config.weight())
              .region(config.region());
      for (DeploymentConfig d : config.deployments()) {
        b.deployment(
            new Deployment(
                d.model(),
                d.deployment(),
                Boolean.TRUE.equals(d.ptu()),
                d.tpm() == null ? 0 : d.tpm(),
                d.rpm() == null ? 0 : d.rpm()));
      }
      return new Member(b.build(), credential);
    }
  }

  /** Where configured backends get their credentials when the pool is built. */
  private static final class Sources {
    final Supplier<TokenCredential> entra;
    final Consumer<SecretClientBuilder> keyVaultClient;

    Sources(Supplier<TokenCredential> entra, Consumer<SecretClientBuilder> keyVaultClient) {
      this.entra = entra;
      this.keyVaultClient = keyVaultClient;
    }
  }

  /** A backend and its credential. */
  private static final class Member {
    final Backend backend;
    final Credential credential;

    Member(Backend backend, Credential credential) {
      this.backend = backend;
      this.credential = credential;
    }
  }

  /** What adapters get from the pool; see {@link AdapterSupport#of}. */
  private static final class Support implements AdapterSupport {
    private final BackendPool pool;
    private final CallExecutor calls;
    private final Map<String, BackendAuth> auth;
    private final Duration streamIdleTimeout;
    private final AuditPipeline audit;
    private final ConsumerResolver consumerResolver;

    Support(
        BackendPool pool,
        Map<String, BackendAuth> auth,
        Duration streamIdleTimeout,
        AuditPipeline audit,
        ConsumerResolver consumerResolver) {
      this.consumerResolver = consumerResolver;
      this.pool = pool;
      this.calls = CallExecutor.of(pool);
      this.auth = auth;
      this.streamIdleTimeout = streamIdleTimeout;
      this.audit = audit;
    }

    @Override
    public CallCapture capture(byte[] requestBody) {
      return new CallCapture(audit, requestBody);
    }

    @Override
    public BackendPool backendPool() {
      return pool;
    }

    @Override
    public CallExecutor calls() {
      return calls;
    }

    @Override
    public BackendAuth auth(String backendId) {
      return authOf(auth, backendId);
    }

    @Override
    public Duration streamIdleTimeout() {
      return streamIdleTimeout;
    }

    @Override
    public String consumerId(String named) {
      if (named != null || consumerResolver == null) {
        return named;
      }
      return consumerResolver.resolve();
    }

    @Override
    public String toString() {
      return "AdapterSupport" + pool.backends().stream().map(Backend::id).toList();
    }
  }

  /** The Entra credential of configured backends: the given one, or one default, made once. */
  private static final class EntraSupplier implements Supplier<TokenCredential> {
    private TokenCredential credential;

    EntraSupplier(TokenCredential given) {
      this.credential = given;
    }

    @Override
    public TokenCredential get() {
      if (credential == null) {
        credential = new DefaultAzureCredentialBuilder().build();
      }
      return credential;
    }
  }
}
