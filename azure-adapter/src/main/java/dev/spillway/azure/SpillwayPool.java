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
import dev.spillway.PoolSnapshot;
import dev.spillway.azure.internal.BackendAuth;
import dev.spillway.azure.internal.Endpoints;
import dev.spillway.azure.internal.NoRetryPolicy;
import dev.spillway.azure.internal.SpillwayHttpClient;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

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
   * Builds a {@link SpillwayPool}. Settings not set here keep the {@link dev.spillway.PoolSettings}
   * defaults. Not thread-safe.
   */
  public static final class Builder {
    private final BackendPool.Builder core = BackendPool.builder();
    private final List<Object> backends = new ArrayList<>();
    private final List<Consumer<BackendPool.Builder>> engineSettings = new ArrayList<>();
    private boolean allowInsecureHttp;
    private HttpClient httpClient;
    private TokenCredential entraCredential;

    private Builder() {}

    /**
     * Applies a configuration: its settings and backends. Backends add to those already added.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(PoolConfig config) {
      Objects.requireNonNull(config, "'config' cannot be null.");
      if (config.timeout() != null) {
        core.timeout(config.timeout());
      }
      if (config.attemptTimeout() != null) {
        core.attemptTimeout(config.attemptTimeout());
      }
      if (config.streamAttemptTimeout() != null) {
        core.streamAttemptTimeout(config.streamAttemptTimeout());
      }
      if (config.streamIdleTimeout() != null) {
        core.streamIdleTimeout(config.streamIdleTimeout());
      }
      if (config.maxAttempts() != null) {
        core.maxAttempts(config.maxAttempts());
      }
      if (config.homeBackend() != null) {
        core.homeBackend(config.homeBackend());
      }
      allowInsecureHttp |= config.allowInsecureHttp();
      backends.addAll(config.backends());
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
      backends.add(Objects.requireNonNull(backend, "'backend' cannot be null."));
      return this;
    }

    /**
     * Call deadline (default 120 s); waits count against it. A call can set its own with {@link
     * SpillwayContext#TIMEOUT}.
     *
     * @param timeout the deadline
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      core.timeout(timeout);
      return this;
    }

    /**
     * Time to the response of a plain attempt (default 60 s).
     *
     * @param attemptTimeout the timeout
     * @return this builder
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      core.attemptTimeout(attemptTimeout);
      return this;
    }

    /**
     * Time to the response headers of a streaming attempt (default 30 s).
     *
     * @param streamAttemptTimeout the timeout
     * @return this builder
     */
    public Builder streamAttemptTimeout(Duration streamAttemptTimeout) {
      core.streamAttemptTimeout(streamAttemptTimeout);
      return this;
    }

    /**
     * Longest gap between two chunks of a stream (default 30 s); the stream then fails.
     *
     * @param streamIdleTimeout the timeout
     * @return this builder
     */
    public Builder streamIdleTimeout(Duration streamIdleTimeout) {
      core.streamIdleTimeout(streamIdleTimeout);
      return this;
    }

    /**
     * Attempts per call (default twice the number of candidate routes).
     *
     * @param maxAttempts at least 1
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      core.maxAttempts(maxAttempts);
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
     * Sets what this builder does not expose on the engine's builder: the other time constants
     * (cool-downs, circuit breaks, lap backoff, max wait), the ticker, clock, scheduler, random
     * seed and state store. Applied last, at {@link #build()}.
     *
     * @param settings configures the engine's builder; must not add backends
     * @return this builder
     */
    public Builder engine(Consumer<BackendPool.Builder> settings) {
      engineSettings.add(Objects.requireNonNull(settings, "'settings' cannot be null."));
      return this;
    }

    /**
     * Builds the pool.
     *
     * @return the pool
     * @throws IllegalStateException if no backend was added, ids repeat, the home backend is
     *     unknown, a backend uses plain http to a host other than loopback without {@link
     *     #allowInsecureHttp}, or a credential is neither an API key nor an {@link EntraCredential}
     * @throws IllegalArgumentException if a setting is invalid (the message names it)
     */
    public SpillwayPool build() {
      List<Backend> resolved = new ArrayList<>();
      TokenCredential entra = null;
      for (Object entry : backends) {
        if (entry instanceof Backend backend) {
          resolved.add(backend);
        } else {
          BackendConfig config = (BackendConfig) entry;
          Credential credential;
          if (config.usesEntra()) {
            if (entra == null) {
              entra =
                  entraCredential != null
                      ? entraCredential
                      : new DefaultAzureCredentialBuilder().build();
            }
            credential = EntraCredential.of(entra);
          } else {
            credential = Credential.apiKey(config.apiKey());
          }
          resolved.add(toBackend(config, credential));
        }
      }
      Map<String, BackendAuth> auth = new LinkedHashMap<>();
      for (Backend backend : resolved) {
        try {
          Endpoints.requireValid(backend.id(), backend.endpoint());
          Endpoints.requireSecure(backend.id(), backend.endpoint(), allowInsecureHttp);
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
        auth.put(backend.id(), BackendAuth.of(backend));
        core.backend(backend);
      }
      engineSettings.forEach(settings -> settings.accept(core));
      BackendPool pool = core.build();
      if (pool.backends().size() != resolved.size()) {
        pool.close();
        throw new IllegalStateException("engine(...) must not add backends; use backend(...)");
      }
      HttpClient delegate = httpClient != null ? httpClient : HttpClient.createDefault();
      return new SpillwayPool(pool, new SpillwayHttpClient(pool, delegate, auth));
    }

    private static Backend toBackend(BackendConfig config, Credential credential) {
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
}
