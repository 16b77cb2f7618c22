package dev.spillway.azure;

import dev.spillway.azure.internal.Endpoints;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
 *   home-backend: sweden-ptu
 *   allow-insecure-http: false
 *   backends:
 *     - id: sweden-ptu
 *       endpoint: https://example-ptu.openai.azure.com
 *       tier: 0
 *       api-key: ${AOAI_PTU_KEY}          # or: credential: entra
 *       deployments:
 *         - { model: gpt-4o, deployment: gpt4o-ptu, ptu: true, tpm: 300000 }
 * }</pre>
 *
 * <p>YAML keys are the kebab-case component names; {@code null} means the default of {@link
 * dev.spillway.PoolSettings}. Validated on construction: at least one backend, unique ids, https
 * endpoints (plain http only to loopback, or when {@code allow-insecure-http} is set), a known home
 * backend. Immutable and thread-safe; {@link #toString()} shows no API key.
 *
 * @param timeout call deadline; waits count against it
 * @param attemptTimeout time to the first response byte of a plain attempt
 * @param streamAttemptTimeout time to the first response byte of a streaming attempt
 * @param streamIdleTimeout longest gap between two chunks of a stream
 * @param maxAttempts attempts per call ({@code null}: twice the number of candidate routes)
 * @param homeBackend the backend for stateful operations ({@code null}: the first backend of the
 *     lowest tier)
 * @param allowInsecureHttp whether plain http is allowed to hosts other than loopback
 * @param backends the backends, at least one
 */
public record PoolConfig(
    Duration timeout,
    Duration attemptTimeout,
    Duration streamAttemptTimeout,
    Duration streamIdleTimeout,
    Integer maxAttempts,
    String homeBackend,
    boolean allowInsecureHttp,
    List<BackendConfig> backends) {

  /**
   * Validates the configuration and copies the backends.
   *
   * @throws IllegalArgumentException naming the backend and field when a value is invalid
   */
  public PoolConfig {
    positive(timeout, "timeout");
    positive(attemptTimeout, "attempt-timeout");
    positive(streamAttemptTimeout, "stream-attempt-timeout");
    positive(streamIdleTimeout, "stream-idle-timeout");
    if (maxAttempts != null && maxAttempts < 1) {
      throw new IllegalArgumentException("max-attempts must be >= 1, was " + maxAttempts);
    }
    if (backends == null || backends.isEmpty()) {
      throw new IllegalArgumentException("backends must list at least one backend.");
    }
    backends = List.copyOf(backends);
    Set<String> ids = new HashSet<>();
    for (BackendConfig backend : backends) {
      if (!ids.add(backend.id())) {
        throw new IllegalArgumentException("backend id '" + backend.id() + "' is used twice.");
      }
      Endpoints.requireSecure(
          backend.id(), Endpoints.parse(backend.id(), backend.endpoint()), allowInsecureHttp);
    }
    if (homeBackend != null && !ids.contains(homeBackend)) {
      throw new IllegalArgumentException(
          "home-backend '" + homeBackend + "' is not a backend id; ids are " + ids);
    }
  }

  /**
   * A configuration with the given backends and every other setting at its default.
   *
   * @param backends the backends
   * @return the configuration
   */
  public static PoolConfig of(List<BackendConfig> backends) {
    return new PoolConfig(null, null, null, null, null, null, false, backends);
  }

  private static void positive(Duration value, String name) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
  }
}
