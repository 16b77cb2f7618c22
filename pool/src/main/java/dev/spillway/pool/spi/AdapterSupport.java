package dev.spillway.pool.spi;

import dev.spillway.Backend;
import dev.spillway.BackendPool;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.internal.PoolParts;
import dev.spillway.spi.CallExecutor;
import java.util.Objects;

/**
 * What an SDK adapter needs from an application's pool: its engine, each backend's authentication
 * (secrets stay in this module, keyed by backend id), the home backend for stateful operations, and
 * the settings that only transports enforce.
 *
 * <p>Thread-safe. Every adapter built on the same pool shares its state: a 429 seen through one
 * SDK's client keeps the other's off that route.
 */
public interface AdapterSupport {

  /**
   * The support of {@code pool}.
   *
   * @param pool the pool
   * @return its support
   * @throws NullPointerException if {@code pool} is null
   */
  static AdapterSupport of(SpillwayPool pool) {
    return PoolParts.of(Objects.requireNonNull(pool, "'pool' cannot be null."));
  }

  /**
   * @return the engine's face: models, settings, snapshots
   */
  BackendPool backendPool();

  /**
   * @return runs the calls
   */
  CallExecutor calls();

  /**
   * The authentication of one backend.
   *
   * @param backendId the backend
   * @return its authentication
   * @throws IllegalArgumentException if the pool has no such backend
   */
  BackendAuth auth(String backendId);

  /**
   * A new capture for one call: set it as the call's observer and feed it the responses (see {@link
   * CallCapture}).
   *
   * @param requestBody the body as the SDK wrote it (before the adapter changes it), or {@code
   *     null}
   * @return the capture
   */
  CallCapture capture(byte[] requestBody);

  /**
   * @return the backend that takes stateful operations
   */
  default Backend homeBackend() {
    return backendPool().homeBackend();
  }

  /**
   * @return the longest silence allowed between two chunks of a stream; the transport enforces it
   */
  java.time.Duration streamIdleTimeout();

  /**
   * The consumer of a call: the one the call names, else the pool's {@code ConsumerResolver}'s
   * answer on the calling thread, else none. Adapters call it once per call, on the caller's
   * thread.
   *
   * @param named the consumer id the call carries, or {@code null}
   * @return the consumer id, or {@code null}
   */
  default String consumerId(String named) {
    return named;
  }
}
