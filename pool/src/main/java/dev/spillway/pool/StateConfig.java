package dev.spillway.pool;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code spillway.state.*} of the configuration schema: where the pool keeps the state a fleet of
 * processes may share (route cool-downs, backend circuits, probe leases).
 *
 * <pre>{@code
 * spillway:
 *   state:
 *     store: redis                        # default memory: this process only
 *     uri: redis://redis.internal:6379    # required with redis; rediss:// for TLS
 *     password: ${REDIS_PASSWORD}         # optional, when the URI carries none
 *     key-prefix: orders                  # default spillway
 *     command-timeout: 500ms              # default 500ms
 * }</pre>
 *
 * <p>A store other than {@code memory} is created when the pool is built, by the {@link
 * dev.spillway.pool.spi.StateStoreProvider} of its name: {@code redis} needs {@code
 * dev.spillway:spillway-redis} on the classpath. Validated on construction; immutable and
 * thread-safe. {@link #toString()} shows neither the password nor one in the URI.
 *
 * @param store {@value #MEMORY} or {@value #REDIS} ({@code null}: {@value #MEMORY})
 * @param uri the Redis URI, {@code redis://[[user]:password@]host[:port][/database]} or {@code
 *     rediss://…}; required with {@value #REDIS}, and only with it
 * @param keyPrefix the prefix of the pool's keys, not blank and without braces ({@code null}:
 *     {@value #DEFAULT_KEY_PREFIX}); pools with different prefixes share one Redis without meeting
 * @param password the password, when the URI carries none ({@code null}: none); a secret. Allowed
 *     without {@code store: redis}, so that a file may hold it for a URI given elsewhere (the CLI's
 *     {@code run --state-uri})
 * @param commandTimeout how long a command may take before the store counts as unavailable ({@code
 *     null}: {@link #DEFAULT_COMMAND_TIMEOUT})
 */
public record StateConfig(
    String store, String uri, String keyPrefix, String password, Duration commandTimeout) {

  /** The store of state private to this process, the default. */
  public static final String MEMORY = "memory";

  /** The store shared through Redis ({@code dev.spillway:spillway-redis}). */
  public static final String REDIS = "redis";

  /** The values {@code store} accepts. */
  public static final List<String> STORES = List.of(MEMORY, REDIS);

  /** The key prefix when none is set. */
  public static final String DEFAULT_KEY_PREFIX = "spillway";

  /** The command timeout when none is set. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(500);

  // after STORES, which its construction reads
  /** In memory, the default. */
  public static final StateConfig DEFAULTS = new StateConfig(null, null, null, null, null);

  /**
   * Validates the values and fills in the defaults.
   *
   * @throws InvalidPropertyException naming the property under {@code state} ({@code store}, {@code
   *     uri}…) when a value is invalid; no message shows the password
   */
  public StateConfig {
    store = store == null || store.isBlank() ? MEMORY : store.trim().toLowerCase(Locale.ROOT);
    if (!STORES.contains(store)) {
      throw new InvalidPropertyException(
          "store", "unknown store '" + store + "'; stores are " + STORES);
    }
    boolean hasUri = uri != null && !uri.isBlank();
    boolean hasPassword = password != null && !password.isEmpty();
    if (REDIS.equals(store)) {
      if (!hasUri) {
        throw new InvalidPropertyException("uri", "required when spillway.state.store is " + REDIS);
      }
      uri = uri.trim();
      requireRedisUri(uri);
      if (hasPassword && uriPassword(uri) != null) {
        throw new InvalidPropertyException(
            "password", "password is set and the uri carries one too; set only one of them");
      }
    } else if (hasUri) {
      throw new InvalidPropertyException(
          "uri",
          "uri is set but spillway.state.store is "
              + store
              + "; set spillway.state.store: "
              + REDIS);
    }
    if (!hasUri) {
      uri = null;
    }
    if (!hasPassword) {
      password = null;
    }
    keyPrefix = keyPrefix == null ? DEFAULT_KEY_PREFIX : keyPrefix;
    if (keyPrefix.isBlank() || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
      throw new InvalidPropertyException(
          "key-prefix", "key-prefix must be non-blank and without braces, was '" + keyPrefix + "'");
    }
    commandTimeout = commandTimeout == null ? DEFAULT_COMMAND_TIMEOUT : commandTimeout;
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new InvalidPropertyException(
          "command-timeout", "command-timeout must be > 0, was " + commandTimeout);
    }
  }

  /**
   * Redis state with the defaults for everything but the URI.
   *
   * @param uri the Redis URI
   * @return the configuration
   * @throws InvalidPropertyException naming {@code uri} when it is not a Redis URI
   */
  public static StateConfig redis(String uri) {
    return new StateConfig(REDIS, uri, null, null, null);
  }

  /**
   * @return whether the state stays in this process ({@code store: memory})
   */
  public boolean inMemory() {
    return MEMORY.equals(store);
  }

  /**
   * The password inside {@code uri} ({@code redis://user:password@host}), as written, so that
   * binders can mask it.
   *
   * @param uri a URI, or {@code null}
   * @return the raw password, or {@code null} when it carries none
   */
  public static String uriPassword(String uri) {
    String userInfo = rawUserInfo(uri);
    if (userInfo == null) {
      return null;
    }
    int colon = userInfo.indexOf(':');
    return colon < 0 || colon == userInfo.length() - 1 ? null : userInfo.substring(colon + 1);
  }

  /** A URI as messages show it: {@code redis://***@host:port} when it carries credentials. */
  private static String displayUri(String uri) {
    if (uri == null) {
      return null;
    }
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (scheme >= 0 && at > scheme) {
      return uri.substring(0, scheme + 3) + "***" + uri.substring(at);
    }
    return scheme < 0 && at >= 0 ? "***" + uri.substring(at) : uri;
  }

  private static String rawUserInfo(String uri) {
    if (uri == null) {
      return null;
    }
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (scheme < 0 || at <= scheme) {
      return null;
    }
    int slash = uri.indexOf('/', scheme + 3);
    return slash >= 0 && slash < at ? null : uri.substring(scheme + 3, at);
  }

  private static void requireRedisUri(String uri) {
    String shown = displayUri(uri);
    String lower = uri.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
      throw new InvalidPropertyException(
          "uri", "uri must start with redis:// or rediss:// (TLS), was '" + shown + "'");
    }
    String host;
    try {
      host = new URI(uri).getHost();
    } catch (URISyntaxException e) {
      throw new InvalidPropertyException(
          "uri", "uri is not a URI (redis://host:port), was '" + shown + "'");
    }
    if (host == null || host.isBlank()) {
      throw new InvalidPropertyException(
          "uri", "uri names no host (redis://host:port), was '" + shown + "'");
    }
  }

  /** Shows every field except the password, and the URI without its credentials. */
  @Override
  public String toString() {
    return "StateConfig[store="
        + store
        + ", uri="
        + displayUri(uri)
        + ", keyPrefix="
        + keyPrefix
        + ", password="
        + (password == null ? null : "***")
        + ", commandTimeout="
        + commandTimeout
        + "]";
  }
}
