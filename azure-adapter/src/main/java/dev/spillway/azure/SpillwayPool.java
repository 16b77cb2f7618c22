package dev.spillway.azure;

import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.core.credential.KeyCredential;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.spillway.Backend;
import dev.spillway.BackendPool;
import dev.spillway.Credential;
import dev.spillway.Deployment;
import dev.spillway.PoolListener;
import dev.spillway.PoolSettings;
import dev.spillway.PoolSnapshot;
import dev.spillway.Ticker;
import dev.spillway.azure.internal.BackendAuth;
import dev.spillway.azure.internal.Endpoints;
import dev.spillway.azure.internal.NoRetryPolicy;
import dev.spillway.azure.internal.SpillwayHttpClient;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A pool of Azure OpenAI backends that the standard {@code OpenAIClient} and {@code
 * OpenAIAsyncClient} use as one endpoint.
 *
 * <pre>{@code
 * SpillwayPool pool = SpillwayPool.builder()
 *     .backend(Backend.builder("sweden-ptu").endpoint("https://a.openai.azure.com").tier(0)
 *         .credential(Credential.apiKey(() -> System.getenv("PTU_KEY")))
 *         .deployment(Deployment.ptu("gpt-4o", "gpt4o-ptu", 300_000)).build())
 *     .backend(Backend.builder("eastus-paygo").endpoint("https://b.openai.azure.com").tier(1)
 *         .credential(EntraCredential.of(new DefaultAzureCredentialBuilder().build()))
 *         .deployment("gpt-4o", "gpt-4o").build())
 *     .build();                                   // or SpillwayPool.fromConfig(poolConfig)
 * OpenAIClient client = pool.openAIClientBuilder().buildClient();
 * client.getChatCompletions("gpt-4o", options);   // "gpt-4o" is the logical model
 * }</pre>
 *
 * <p>The deployment name in the SDK call is the <em>logical model</em>: each attempt goes to a
 * route serving it, with that route's deployment name, and the backend's own credential. Calls
 * outside {@code /openai/deployments/{model}/…} (files, batches, assistants…) go to the {@linkplain
 * BackendPool#homeBackend() home backend} only.
 *
 * <p>Build one pool per application and share it; every client built from it shares its state.
 * Thread-safe. {@link #close()} stops the pool's scheduler thread; it does not close the HTTP
 * client.
 */
public final class SpillwayPool implements AutoCloseable {
  /** The endpoint the returned client builders carry; every attempt replaces it. */
  static final String PLACEHOLDER_ENDPOINT = "https://spillway.invalid";

  /** The key the returned client builders carry; every attempt replaces its header. */
  static final String PLACEHOLDER_KEY = "spillway-placeholder-key";

  private final BackendPool pool;
  private final SpillwayHttpClient httpClient;

  private SpillwayPool(BackendPool pool, SpillwayHttpClient httpClient) {
    this.pool = pool;
    this.httpClient = httpClient;
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
   * credential: entra} backends, {@code DefaultAzureCredential}.
   *
   * @param config the configuration
   * @return the pool
   * @throws NullPointerException if {@code config} is null
   */
  public static SpillwayPool fromConfig(PoolConfig config) {
    return builder().config(config).build();
  }

  /**
   * A new {@link OpenAIClientBuilder} bound to this pool: a placeholder https endpoint, this pool's
   * HTTP client, the SDK's retry step replaced by a silent pass-through (Spillway retries: exactly
   * one HTTP request per attempt) and a placeholder key whose header each attempt replaces with the
   * chosen backend's credential.
   *
   * <p>Every other SDK option ({@code serviceVersion}, {@code httpLogOptions}, {@code addPolicy},
   * {@code clientOptions}, {@code configuration}) remains available. Do not call {@code endpoint},
   * {@code credential}, {@code httpClient}, {@code pipeline}, {@code retryOptions} or {@code
   * retryPolicy} on it: they would take the client out of the pool.
   *
   * @return a new builder, one per call
   */
  public OpenAIClientBuilder openAIClientBuilder() {
    return new OpenAIClientBuilder()
        .endpoint(PLACEHOLDER_ENDPOINT)
        .credential(new KeyCredential(PLACEHOLDER_KEY))
        .httpClient(httpClient)
        .retryPolicy(new NoRetryPolicy());
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

  /** Stops the pool's scheduler thread. Calls in flight are not interrupted. */
  @Override
  public void close() {
    pool.close();
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
     * The backends in the order they were added; a configured backend gets its credential when the
     * pool is built, from the Entra credential then known.
     */
    private final List<Function<Supplier<TokenCredential>, Backend>> backends = new ArrayList<>();

    private PoolSettings settings = PoolSettings.DEFAULTS;
    private boolean allowInsecureHttp;
    private HttpClient httpClient;
    private TokenCredential entraCredential;

    private Builder() {}

    /**
     * Applies a configuration: its settings, home backend, {@code allow-insecure-http} and
     * backends. Backends add to those already added.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(PoolConfig config) {
      Objects.requireNonNull(config, "'config' cannot be null.");
      settings = config.settings();
      if (config.homeBackend() != null) {
        core.homeBackend(config.homeBackend());
      }
      allowInsecureHttp |= config.allowInsecureHttp();
      for (BackendConfig backend : config.backends()) {
        backends.add(entra -> toBackend(backend, entra));
      }
      return this;
    }

    /**
     * Adds a backend. Its credential is a {@link Credential#apiKey(java.util.function.Supplier)
     * Credential.apiKey} (the supplier is read on every attempt, so a rotated key is used at once)
     * or an {@link EntraCredential}.
     *
     * @param backend the backend
     * @return this builder
     */
    public Builder backend(Backend backend) {
      Objects.requireNonNull(backend, "'backend' cannot be null.");
      backends.add(entra -> backend);
      return this;
    }

    /**
     * The limits and time constants (default {@link PoolSettings#DEFAULTS}); replaces those of a
     * configuration applied before. A call can set its own deadline with {@link
     * SpillwayContext#TIMEOUT}.
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
     * The HTTP client that sends the attempts (default: azure-core's default, Netty). Its own
     * retries, if any, should be off.
     *
     * @param httpClient the client
     * @return this builder
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "'httpClient' cannot be null.");
      return this;
    }

    /**
     * The token credential of configured {@code credential: entra} backends (default: one {@code
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
     * Builds the pool.
     *
     * @return the pool
     * @throws IllegalStateException if no backend was added, ids repeat, the home backend is
     *     unknown, a backend uses plain http to a host other than loopback without {@link
     *     #allowInsecureHttp}, or a credential is neither an API key nor an {@link EntraCredential}
     */
    public SpillwayPool build() {
      Supplier<TokenCredential> entra = new EntraSupplier(entraCredential);
      Map<String, BackendAuth> auth = new LinkedHashMap<>();
      for (Function<Supplier<TokenCredential>, Backend> entry : backends) {
        Backend backend = entry.apply(entra);
        try {
          Endpoints.requireValid(backend.id(), backend.endpoint());
          Endpoints.requireSecure(backend.id(), backend.endpoint(), allowInsecureHttp);
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
        auth.put(backend.id(), BackendAuth.of(backend));
        core.backend(backend);
      }
      BackendPool pool = core.settings(settings).build();
      HttpClient delegate = httpClient != null ? httpClient : HttpClient.createDefault();
      return new SpillwayPool(pool, new SpillwayHttpClient(pool, delegate, auth));
    }

    private static Backend toBackend(BackendConfig config, Supplier<TokenCredential> entra) {
      Credential credential =
          config.usesEntra() ? EntraCredential.of(entra.get()) : Credential.apiKey(config.apiKey());
      Backend.Builder b =
          Backend.builder(config.id())
              .endpoint(config.endpoint().trim())
              .tier(config.tier() == null ? 0 : config.tier())
              .weight(config.weight() == null ? Backend.DEFAULT_WEIGHT : config.weight())
              .region(config.region())
              .credential(credential);
      for (DeploymentConfig d : config.deployments()) {
        b.deployment(
            new Deployment(
                d.model(),
                d.deployment(),
                Boolean.TRUE.equals(d.ptu()),
                d.tpm() == null ? 0 : d.tpm(),
                d.rpm() == null ? 0 : d.rpm()));
      }
      return b.build();
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
