package dev.spillway.pool;

import dev.spillway.ConsumerPolicy;
import dev.spillway.ConsumerSettings;
import dev.spillway.PoolSettings;
import dev.spillway.pool.audit.AuditConfig;
import dev.spillway.pool.internal.Endpoints;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The pool configuration schema, {@code spillway.*}: one definition that the CLI's YAML loader and
 * the Spring starter's {@code @ConfigurationProperties("spillway")} both bind.
 *
 * <pre>{@code
 * spillway:
 *   timeout: 120s
 *   attempt-timeout: 60s
 *   stream-attempt-timeout: 30s
 *   stream-idle-timeout: 30s
 *   max-attempts: 6
 *   max-wait: 10s                         # interactive calls' wait for headroom
 *   hedge-ratio: 0.1                      # share of calls that may be hedged; 0 turns it off
 *   home-backend: sweden-ptu
 *   allow-insecure-http: false
 *   backends:
 *     - id: sweden-ptu
 *       endpoint: https://example-ptu.openai.azure.com
 *       tier: 0
 *       api-key: ${AOAI_PTU_KEY}          # or: credential: entra
 *                                         # or: api-key-secret: https://v.vault.azure.net/secrets/ptu
 *       deployments:
 *         - { model: gpt-4o, deployment: gpt4o-ptu, ptu: true, tpm: 300000 }
 *   consumers:
 *     - { id: chat-frontend, tpm-limit: 100000, rpm-limit: 600, priority: interactive }
 *     - { id: nightly-batch, token-quota: 5000000, token-quota-period: day, priority: batch }
 *     - { id: default, tpm-limit: 20000 }
 *   priorities:
 *     interactive: { spill-after: 2s }
 *     batch: { max-tier: 0, reserve: 0.1, queue-capacity: 10000 }
 *   state:
 *     store: redis
 *     uri: redis://redis.internal:6379
 *     password: ${REDIS_PASSWORD}
 * }</pre>
 *
 * <p>YAML keys are kebab-case: the engine's limits ({@code timeout}, {@code attempt-timeout},
 * {@code stream-attempt-timeout}, {@code max-attempts}, {@code max-wait}, {@code hedge-ratio}) are
 * bound onto one {@link PoolSettings}, which holds their defaults and checks; {@code
 * stream-idle-timeout}, which only transports enforce, and the other keys are the components below.
 * {@code max-wait} has no keyword for "no bound": a value at least the call's deadline ({@code
 * timeout}, or the call's own) lets an interactive call wait for headroom to its whole deadline;
 * {@code 0s} fails at once. {@code hedge-ratio} is in [0, 1]; {@code 0} turns hedging off.
 * Validated on construction: at least one backend, unique ids, https endpoints (plain http only to
 * loopback, or when {@code allow-insecure-http} is set), a known home backend, unique consumer ids.
 * Immutable and thread-safe; {@link #toString()} shows no API key.
 *
 * @param settings the limits and time constants ({@code null}: {@link PoolSettings#DEFAULTS})
 * @param streamIdleTimeout the longest gap between two chunks of a stream, which SDK adapters'
 *     transports enforce ({@code null}: {@link SpillwayPool#DEFAULT_STREAM_IDLE_TIMEOUT})
 * @param homeBackend the backend for stateful operations ({@code null}: the first backend of the
 *     lowest tier)
 * @param allowInsecureHttp whether plain http is allowed to hosts other than loopback
 * @param backends the backends, at least one
 * @param audit audit records, {@code spillway.audit.*} ({@code null}: {@link AuditConfig#OFF})
 * @param consumers the declared consumers, {@code spillway.consumers[]}, ids unique ({@code null}:
 *     none)
 * @param priorities what each priority may use, {@code spillway.priorities.*} ({@code null}: {@link
 *     PrioritiesConfig#DEFAULTS})
 * @param state where the state a fleet may share is kept, {@code spillway.state.*} ({@code null}:
 *     {@link StateConfig#DEFAULTS}, in memory)
 */
public record PoolConfig(
    PoolSettings settings,
    Duration streamIdleTimeout,
    String homeBackend,
    boolean allowInsecureHttp,
    List<BackendConfig> backends,
    AuditConfig audit,
    List<ConsumerConfig> consumers,
    PrioritiesConfig priorities,
    StateConfig state) {

  /**
   * Validates the configuration and copies the backends.
   *
   * @throws InvalidPropertyException naming the backend and field when a value is invalid
   */
  public PoolConfig {
    if (settings == null) {
      settings = PoolSettings.DEFAULTS;
    }
    if (audit == null) {
      audit = AuditConfig.OFF;
    }
    if (streamIdleTimeout == null) {
      streamIdleTimeout = SpillwayPool.DEFAULT_STREAM_IDLE_TIMEOUT;
    }
    if (streamIdleTimeout.isNegative() || streamIdleTimeout.isZero()) {
      throw new InvalidPropertyException(
          "stream-idle-timeout", "streamIdleTimeout must be > 0, was " + streamIdleTimeout);
    }
    if (backends == null || backends.isEmpty()) {
      throw new InvalidPropertyException("backends", "backends must list at least one backend.");
    }
    backends = List.copyOf(backends);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < backends.size(); i++) {
      BackendConfig backend = backends.get(i);
      if (!ids.add(backend.id())) {
        throw new InvalidPropertyException(
            "backends[" + i + "].id", "backend id '" + backend.id() + "' is used twice.");
      }
      try {
        Endpoints.requireSecure(
            backend.id(), Endpoints.parse(backend.id(), backend.endpoint()), allowInsecureHttp);
      } catch (IllegalArgumentException e) {
        throw new InvalidPropertyException("backends[" + i + "].endpoint", e.getMessage());
      }
    }
    if (homeBackend != null && !ids.contains(homeBackend)) {
      throw new InvalidPropertyException(
          "home-backend", "home-backend '" + homeBackend + "' is not a backend id; ids are " + ids);
    }
    consumers = consumers == null ? List.of() : List.copyOf(consumers);
    Set<String> consumerIds = new HashSet<>();
    for (int i = 0; i < consumers.size(); i++) {
      String id = consumers.get(i).id().trim();
      if (!consumerIds.add(id)) {
        throw new InvalidPropertyException(
            "consumers[" + i + "].id", "consumer id '" + id + "' is declared twice.");
      }
    }
    if (priorities == null) {
      priorities = PrioritiesConfig.DEFAULTS;
    }
    if (state == null) {
      state = StateConfig.DEFAULTS;
    }
  }

  /**
   * A configuration with its state in memory.
   *
   * @param settings as for the canonical constructor
   * @param streamIdleTimeout as for the canonical constructor
   * @param homeBackend as for the canonical constructor
   * @param allowInsecureHttp as for the canonical constructor
   * @param backends as for the canonical constructor
   * @param audit as for the canonical constructor
   * @param consumers as for the canonical constructor
   * @param priorities as for the canonical constructor
   * @throws InvalidPropertyException naming the backend and field when a value is invalid
   */
  public PoolConfig(
      PoolSettings settings,
      Duration streamIdleTimeout,
      String homeBackend,
      boolean allowInsecureHttp,
      List<BackendConfig> backends,
      AuditConfig audit,
      List<ConsumerConfig> consumers,
      PrioritiesConfig priorities) {
    this(
        settings,
        streamIdleTimeout,
        homeBackend,
        allowInsecureHttp,
        backends,
        audit,
        consumers,
        priorities,
        null);
  }

  /**
   * A configuration without consumers, with the default priorities.
   *
   * @param settings as for the canonical constructor
   * @param streamIdleTimeout as for the canonical constructor
   * @param homeBackend as for the canonical constructor
   * @param allowInsecureHttp as for the canonical constructor
   * @param backends as for the canonical constructor
   * @param audit as for the canonical constructor
   * @throws InvalidPropertyException naming the backend and field when a value is invalid
   */
  public PoolConfig(
      PoolSettings settings,
      Duration streamIdleTimeout,
      String homeBackend,
      boolean allowInsecureHttp,
      List<BackendConfig> backends,
      AuditConfig audit) {
    this(settings, streamIdleTimeout, homeBackend, allowInsecureHttp, backends, audit, null, null);
  }

  /**
   * A configuration without audit records.
   *
   * @param settings as for the canonical constructor
   * @param streamIdleTimeout as for the canonical constructor
   * @param homeBackend as for the canonical constructor
   * @param allowInsecureHttp as for the canonical constructor
   * @param backends as for the canonical constructor
   * @throws InvalidPropertyException naming the backend and field when a value is invalid
   */
  public PoolConfig(
      PoolSettings settings,
      Duration streamIdleTimeout,
      String homeBackend,
      boolean allowInsecureHttp,
      List<BackendConfig> backends) {
    this(settings, streamIdleTimeout, homeBackend, allowInsecureHttp, backends, null);
  }

  /**
   * This configuration with {@code spillway.audit.*}.
   *
   * @param audit the audit configuration, or {@code null} for none
   * @return the copy
   */
  public PoolConfig withAudit(AuditConfig audit) {
    return new PoolConfig(
        settings,
        streamIdleTimeout,
        homeBackend,
        allowInsecureHttp,
        backends,
        audit,
        consumers,
        priorities,
        state);
  }

  /**
   * This configuration with {@code spillway.consumers[]} and {@code spillway.priorities.*}.
   *
   * @param consumers the declared consumers, or {@code null} for none
   * @param priorities the priorities, or {@code null} for the defaults
   * @return the copy
   * @throws InvalidPropertyException naming {@code consumers[i].id} when an id repeats
   */
  public PoolConfig withConsumers(List<ConsumerConfig> consumers, PrioritiesConfig priorities) {
    return new PoolConfig(
        settings,
        streamIdleTimeout,
        homeBackend,
        allowInsecureHttp,
        backends,
        audit,
        consumers,
        priorities,
        state);
  }

  /**
   * This configuration with {@code spillway.state.*}.
   *
   * @param state the state configuration, or {@code null} for the default (in memory)
   * @return the copy
   */
  public PoolConfig withState(StateConfig state) {
    return new PoolConfig(
        settings,
        streamIdleTimeout,
        homeBackend,
        allowInsecureHttp,
        backends,
        audit,
        consumers,
        priorities,
        state);
  }

  /**
   * The consumers and priorities as the engine takes them.
   *
   * @return the core settings
   */
  public ConsumerSettings consumerSettings() {
    List<ConsumerPolicy> policies = consumers.stream().map(ConsumerConfig::toPolicy).toList();
    return new ConsumerSettings(policies, priorities.interactivePolicy(), priorities.batchPolicy());
  }

  /**
   * A configuration with the default stream idle timeout.
   *
   * @param settings as for the canonical constructor
   * @param homeBackend as for the canonical constructor
   * @param allowInsecureHttp as for the canonical constructor
   * @param backends as for the canonical constructor
   * @throws InvalidPropertyException naming the backend and field when a value is invalid
   */
  public PoolConfig(
      PoolSettings settings,
      String homeBackend,
      boolean allowInsecureHttp,
      List<BackendConfig> backends) {
    this(settings, null, homeBackend, allowInsecureHttp, backends);
  }

  /**
   * The configuration of the flat schema as binders read it: the engine's limits beside the other
   * properties, handed to {@link PoolSettings}, which holds their defaults and checks.
   *
   * @param timeout {@code timeout}, or {@code null} for the default
   * @param attemptTimeout {@code attempt-timeout}, or {@code null}
   * @param streamAttemptTimeout {@code stream-attempt-timeout}, or {@code null}
   * @param streamIdleTimeout {@code stream-idle-timeout}, or {@code null}
   * @param maxAttempts {@code max-attempts}, or {@code null}
   * @param maxWait {@code max-wait}, or {@code null} for {@link PoolSettings#DEFAULT_MAX_WAIT}; at
   *     least the call's deadline for its whole deadline
   * @param hedgeRatio {@code hedge-ratio}, or {@code null} for {@link
   *     PoolSettings#DEFAULT_HEDGE_RATIO}; in [0, 1], 0 turns hedging off
   * @param homeBackend {@code home-backend}, or {@code null}
   * @param allowInsecureHttp {@code allow-insecure-http}
   * @param backends {@code backends}
   * @return the validated configuration
   * @throws InvalidPropertyException naming the property (such as {@code attempt-timeout} or {@code
   *     backends[1].endpoint}) when a value is invalid
   */
  public static PoolConfig of(
      Duration timeout,
      Duration attemptTimeout,
      Duration streamAttemptTimeout,
      Duration streamIdleTimeout,
      Integer maxAttempts,
      Duration maxWait,
      Double hedgeRatio,
      String homeBackend,
      boolean allowInsecureHttp,
      List<BackendConfig> backends) {
    PoolSettings.Builder settings = PoolSettings.builder();
    set("timeout", timeout, settings::timeout);
    set("attempt-timeout", attemptTimeout, settings::attemptTimeout);
    set("stream-attempt-timeout", streamAttemptTimeout, settings::streamAttemptTimeout);
    set("max-attempts", maxAttempts, settings::maxAttempts);
    set("max-wait", maxWait, settings::maxWait);
    set("hedge-ratio", hedgeRatio, settings::hedgeRatio);
    return new PoolConfig(
        settings.build(), streamIdleTimeout, homeBackend, allowInsecureHttp, backends);
  }

  /** Hands a set property to its {@link PoolSettings} setter, naming the property on error. */
  private static <T> void set(String property, T value, Consumer<T> setter) {
    if (value != null) {
      try {
        setter.accept(value);
      } catch (IllegalArgumentException e) {
        throw new InvalidPropertyException(property, e.getMessage());
      }
    }
  }

  /**
   * A configuration with the given backends and every other setting at its default.
   *
   * @param backends the backends
   * @return the configuration
   */
  public static PoolConfig of(List<BackendConfig> backends) {
    return new PoolConfig(null, null, false, backends);
  }
}
