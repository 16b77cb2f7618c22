package dev.spillway.spring;

import dev.spillway.PoolSettings;
import dev.spillway.pool.BackendConfig;
import dev.spillway.pool.ConsumerConfig;
import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.PrioritiesConfig;
import dev.spillway.pool.StateConfig;
import dev.spillway.pool.audit.AuditConfig;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code spillway.*} properties: the Azure adapter's {@link PoolConfig} schema, so that Spring
 * binds the same document the CLI loads. The limits ({@code timeout} … {@code hedge-ratio}) are
 * handed to {@link PoolSettings}, which holds their defaults and checks. Backends and deployments
 * bind straight to the adapter's {@link BackendConfig} and {@link
 * dev.spillway.pool.DeploymentConfig} records; unknown properties are rejected.
 *
 * <pre>{@code
 * spillway:
 *   timeout: 30s
 *   backends:
 *     - id: sweden-ptu
 *       endpoint: https://example-ptu.openai.azure.com
 *       tier: 0
 *       api-key: ${AOAI_PTU_KEY}
 *       deployments:
 *         - { model: gpt-4o, deployment: gpt4o-ptu, ptu: true, tpm: 300000 }
 * }</pre>
 *
 * <p>Validated while binding by the records' own checks: an invalid value fails startup with an
 * {@link InvalidSpillwayPropertyException} naming the property at fault, where it was set and the
 * backend. Immutable and thread-safe; {@link #toString()} shows no API key and no Redis password.
 *
 * @param timeout Call deadline; waits for a cooling route count against it.
 * @param attemptTimeout Time to the first response byte of a plain (non-streaming) attempt.
 * @param streamAttemptTimeout Time to the response headers of a streaming attempt.
 * @param streamIdleTimeout Longest gap between two chunks of a stream; the stream then fails.
 * @param maxAttempts Attempts per call, at least 1. Default: twice the number of routes serving the
 *     model.
 * @param maxWait How long into an interactive call it may still wait for a route with headroom, at
 *     least 0 (0 fails at once when no route has headroom); past it the call gets a 429 with the
 *     soonest retry time. A value at least the call's deadline (timeout) waits the whole deadline.
 *     Batch calls always wait to their deadline. Default: 10s.
 * @param hedgeRatio The share of calls that may be hedged, in [0, 1]; 0 turns hedging off. A
 *     non-streamed async call whose attempt outlives twice its route's usual latency gets a second
 *     attempt on another route of that tier or a lower one with headroom now; the first answer wins
 *     and the other is cancelled. Sync calls are never hedged. Default: 0.1.
 * @param homeBackend Id of the backend that takes stateful operations (files, batches, assistants),
 *     which are never load-balanced. Default: the first backend of the lowest tier.
 * @param allowInsecureHttp Whether plain http is allowed to hosts other than loopback.
 * @param backends The backends, at least one. Each has: id (unique; used in logs, metrics and
 *     snapshots), endpoint (https://name.openai.azure.com), tier (0 first; default 0), weight
 *     (share inside the tier, greater than 0; default 1), region (a label), exactly one of api-key,
 *     api-key-secret (an Azure Key Vault secret URL holding the key, read with the TokenCredential
 *     bean, else DefaultAzureCredential, again every api-key-secret-refresh, default 5m, and on a
 *     401) and credential (entra: Microsoft Entra ID with the TokenCredential bean, else
 *     DefaultAzureCredential), and deployments, each with model (the logical model callers ask
 *     for), deployment (the deployment name on the resource), ptu (provisioned throughput; default
 *     false), tpm and rpm (optional capacity hints).
 * @param audit Audit records, off by default: enabled, capture (metadata, the default, or full:
 *     request and response text), sinks (log: the SLF4J logger spillway.audit; opentelemetry: the
 *     GenAI event through the OpenTelemetry bean or GlobalOpenTelemetry; file: JSON lines), file,
 *     file-max-bytes and file-max-files (size rotation), queue-capacity and max-field-chars. A bean
 *     of type AuditRedactor is the redaction hook.
 * @param consumers Who calls are for, each with its limits and priority (none declared by default;
 *     a call names its consumer through its SDK adapter). Each has: id (unique; the consumer id
 *     calls carry; id default gives its limits to every undeclared id), tpm-limit and rpm-limit
 *     (tokens and requests per rolling minute; over them a call is rejected with 429 and
 *     Retry-After), token-quota and token-quota-period (tokens per hour, day, week or month, the
 *     default, in UTC; over it a call is rejected with 403), priority (interactive, the default, or
 *     batch), spill-after (how long the consumer's calls wait for a cooling tier 0 rather than
 *     spill; default the priority's) and models (the models the consumer may use; default every
 *     model). A limit of 0 or none means no limit.
 * @param priorities What each priority may use: interactive and batch, each with max-tier (the
 *     highest tier its calls may use; default every tier for interactive, 0 for batch), reserve
 *     (the share of a PTU route's capacity its calls leave to others, in [0, 1); default 0 and
 *     0.1), queue-capacity (calls that may wait for headroom at once, per model; default 1000 and
 *     10000) and spill-after (how long its calls wait for a cooling tier 0 rather than spill;
 *     default 0).
 * @param state Where the pool keeps the state a fleet of processes may share (route cool-downs,
 *     backend circuits, probe leases): store (memory, the default: this process only; or redis:
 *     shared through Redis, with dev.spillway:spillway-redis on the classpath and, if the
 *     application has a single Lettuce RedisClient bean, on that client), uri (redis://host:port or
 *     rediss://host:port for TLS; required with redis), key-prefix (default spillway; pools with
 *     different prefixes share one Redis without meeting), password (when the URI carries none; may
 *     be a ${ENV_VAR} placeholder) and command-timeout (how long a Redis command may take before
 *     Redis counts as unavailable; default 500ms).
 */
// Unknown keys are rejected by SchemaBindHandler, at every depth; Boot's own check would also
// refuse spillway.consumer-resolver.*, which ConsumerResolverProperties binds beside this.
@ConfigurationProperties(prefix = "spillway")
public record SpillwayProperties(
    Duration timeout,
    Duration attemptTimeout,
    Duration streamAttemptTimeout,
    Duration streamIdleTimeout,
    Integer maxAttempts,
    Duration maxWait,
    Double hedgeRatio,
    String homeBackend,
    boolean allowInsecureHttp,
    List<BackendConfig> backends,
    AuditConfig audit,
    List<ConsumerConfig> consumers,
    PrioritiesConfig priorities,
    StateConfig state) {

  /**
   * Validates the properties as the pool will.
   *
   * @throws IllegalArgumentException naming the property (and backend) when a value is invalid
   */
  public SpillwayProperties {
    PoolConfig.of(
            timeout,
            attemptTimeout,
            streamAttemptTimeout,
            streamIdleTimeout,
            maxAttempts,
            maxWait,
            hedgeRatio,
            homeBackend,
            allowInsecureHttp,
            backends)
        .withConsumers(consumers, priorities);
  }

  /**
   * The adapter's configuration with these values, the limits bound onto one {@link PoolSettings}.
   *
   * @return the configuration
   */
  public PoolConfig toPoolConfig() {
    return PoolConfig.of(
            timeout,
            attemptTimeout,
            streamAttemptTimeout,
            streamIdleTimeout,
            maxAttempts,
            maxWait,
            hedgeRatio,
            homeBackend,
            allowInsecureHttp,
            backends)
        .withAudit(audit)
        .withConsumers(consumers, priorities)
        .withState(state);
  }
}
