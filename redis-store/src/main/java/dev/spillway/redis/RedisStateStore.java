package dev.spillway.redis;

import dev.spillway.redis.internal.Fleet;
import dev.spillway.spi.PoolStateStore;
import io.lettuce.core.RedisClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link PoolStateStore} that pools in many processes share through Redis, so that they act as
 * one balancer: a route one process sees throttled is cooling for all of them until the same
 * instant, a backend's circuit opens for all, and after a cool-down or a break one process of the
 * fleet sends the probe.
 *
 * <pre>{@code
 * BackendPool.Builder builder = ...; // or SpillwayPool.Builder
 * builder.stateStore(RedisStateStore.builder("redis://redis.internal:6379").keyPrefix("orders").build());
 * }</pre>
 *
 * <p>The pick never waits on Redis: every cell is local, writes go behind on the store's own
 * thread, and other processes' writes arrive by subscription. When Redis stops answering the pool
 * goes on with local state (one WARN), looks for Redis every second, and when it answers again (one
 * INFO) reloads the fleet's records and writes its own. Records carry their writer's wall clock and
 * the later write wins, so the processes' clocks must agree (NTP) to the millisecond range that
 * matters for cool-downs.
 *
 * <p>Shared: route cool-downs, backend circuits, the probe leases, the latest quota report of each
 * route (remaining tokens and requests, PTU utilization, with their time), and consumers' rate and
 * quota counters. A consumer's check never waits either: it counts against the fleet's totals as of
 * the last refresh (every 200 ms while the consumer is active) plus this process's own calls since,
 * so its limits hold across the fleet to within what the other processes admit in one refresh
 * interval plus a round trip; while Redis is down each process counts alone. Calls in flight are
 * shared too: each process announces its own per route (every 50 ms when they change, every second
 * at least) and the others add them to theirs, forgetting a process 3 s after its last
 * announcement.
 *
 * <p>Keys: {@code {prefix}:cooldown}, {@code {prefix}:circuit} and {@code {prefix}:quota} (hashes),
 * {@code {prefix}:consumer:…} (a consumer's window and quota), {@code {prefix}:lease:…}, and the
 * channel {@code {prefix}:events}; one hash tag, so a pool's keys share a Redis Cluster slot. Pools
 * with different prefixes share one Redis without meeting.
 *
 * <p>Each pool takes a store of its own (the pool closes it). Thread-safe. {@link #toString()}
 * shows the URI without user or password.
 */
public final class RedisStateStore implements PoolStateStore {
  private final Fleet fleet;

  private RedisStateStore(Fleet fleet) {
    this.fleet = fleet;
  }

  /**
   * Starts a store on the Redis at {@code uri}.
   *
   * @param uri {@code redis://[[user]:password@]host[:port][/database]} or {@code rediss://…} (TLS,
   *     the server's certificate trusted by the JVM's default trust store or {@link
   *     Builder#trustedCertificates})
   * @return a builder
   * @throws NullPointerException if {@code uri} is null
   */
  public static Builder builder(String uri) {
    return new Builder(Objects.requireNonNull(uri, "'uri' cannot be null."));
  }

  @Override
  public Cell<CoolDown> coolDown(String backendId, String deployment) {
    return fleet.coolDown(backendId, deployment);
  }

  /** The freshest report any process of the fleet received from the route. */
  @Override
  public Cell<QuotaReport> quotaReport(String backendId, String deployment) {
    return fleet.quotaReport(backendId, deployment);
  }

  @Override
  public Cell<Circuit> circuit(String backendId) {
    return fleet.circuit(backendId);
  }

  /**
   * The route's calls in flight across the fleet: this process's own plus what the others last
   * announced (every 50 ms when they change, every second at least; forgotten 3 s after an
   * instance's last announcement).
   */
  @Override
  public Ledger ledger(String backendId, String deployment) {
    return fleet.ledger(backendId, deployment);
  }

  /**
   * The consumer's counters, fleet-wide: its limits hold across the fleet to within what the other
   * instances admit between two refreshes (200 ms plus a round trip); see the class documentation.
   */
  @Override
  public ConsumerLedger consumerLedger(String consumerId) {
    return fleet.consumerLedger(consumerId);
  }

  @Override
  public ProbeLease routeProbe(String backendId, String deployment) {
    return fleet.lease("route:" + Fleet.field(backendId, deployment));
  }

  @Override
  public ProbeLease circuitProbe(String backendId) {
    return fleet.lease("circuit:" + Fleet.field(backendId));
  }

  /** Writes what is pending (bounded by the command timeout), gives leases back, disconnects. */
  @Override
  public void close() {
    fleet.close();
  }

  @Override
  public String toString() {
    return "RedisStateStore[" + fleet.displayUri() + ", keys " + fleet.keyPrefix() + "]";
  }

  /** Configures a {@link RedisStateStore}. Not thread-safe. */
  public static final class Builder {
    private final String uri;
    private char[] password;
    private String keyPrefix = "spillway";
    private Clock clock = Clock.systemUTC();
    private Duration commandTimeout = Duration.ofMillis(500);
    private RedisClient client;
    private Path trustedCertificates;

    private Builder(String uri) {
      this.uri = uri;
    }

    /**
     * The password, when the URI carries none (so that it need not appear on a command line or in a
     * configuration file). The builder keeps a copy.
     *
     * @param password the password
     * @return this builder
     */
    public Builder password(char[] password) {
      this.password = Objects.requireNonNull(password, "'password' cannot be null.").clone();
      return this;
    }

    /**
     * The prefix of the pool's keys (default {@code spillway}): pools with different prefixes share
     * one Redis without meeting.
     *
     * @param prefix the prefix, not blank and without braces
     * @return this builder
     * @throws IllegalArgumentException if it is blank or contains a brace
     */
    public Builder keyPrefix(String prefix) {
      Objects.requireNonNull(prefix, "'prefix' cannot be null.");
      if (prefix.isBlank() || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
        throw new IllegalArgumentException(
            "key-prefix must be non-blank and without braces, was '" + prefix + "'");
      }
      this.keyPrefix = prefix;
      return this;
    }

    /**
     * The wall clock the records' instants and write stamps are read from: the pool's (default UTC
     * system).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "'clock' cannot be null.");
      return this;
    }

    /**
     * How long a Redis command may take before Redis counts as down (default 500 ms). Calls never
     * wait on it.
     *
     * @param timeout the timeout, positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder commandTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "'timeout' cannot be null.");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("command timeout must be > 0, was " + timeout);
      }
      this.commandTimeout = timeout;
      return this;
    }

    /**
     * Connects through the application's Lettuce client (its event loops and options) instead of
     * one of the store's own; the store never shuts it down. The store's own client rejects
     * commands while disconnected; with a client that queues them (Lettuce's default) a write made
     * during an outage waits up to the command timeout before Redis counts as down.
     *
     * @param client the client
     * @return this builder
     */
    public Builder client(RedisClient client) {
      this.client = Objects.requireNonNull(client, "'client' cannot be null.");
      return this;
    }

    /**
     * For {@code rediss://}: the certificates the server's chain must end in, instead of the JVM's
     * default trust store (such as a private CA's). The server's name (or IP address) must match
     * its certificate, as Lettuce checks by default. Read when the store connects; only for the
     * store's own client (an application's {@link #client} brings its own {@code SslOptions}).
     *
     * @param pemFile a file of one or more PEM-encoded X.509 certificates ({@code -----BEGIN
     *     CERTIFICATE-----})
     * @return this builder
     */
    public Builder trustedCertificates(Path pemFile) {
      this.trustedCertificates = Objects.requireNonNull(pemFile, "'pemFile' cannot be null.");
      return this;
    }

    /**
     * Connects and loads the fleet's records, so that a pool built on the store starts with them.
     * An unreachable Redis only degrades: the store starts with local state (one WARN) and connects
     * when Redis answers.
     *
     * @return the store
     * @throws IllegalArgumentException if the URI is not a Redis URI (named without its password),
     *     if the {@link #trustedCertificates} file cannot be read, or if it is set together with
     *     {@link #client}
     * @throws IllegalStateException if Redis refuses the login, or a {@code rediss://} server's
     *     certificate is not trusted (named without the password)
     */
    public RedisStateStore build() {
      if (trustedCertificates != null) {
        if (client != null) {
          throw new IllegalArgumentException(
              "trustedCertificates applies to the store's own client; give the application's"
                  + " client its SslOptions instead");
        }
        if (!Files.isReadable(trustedCertificates)) {
          throw new IllegalArgumentException(
              "trusted certificates " + trustedCertificates + " cannot be read");
        }
      }
      return new RedisStateStore(
          Fleet.start(
              uri, password, client, trustedCertificates, keyPrefix, clock, commandTimeout));
    }

    @Override
    public String toString() {
      return "RedisStateStore.Builder[keys {" + keyPrefix + "}]";
    }
  }
}
