package dev.spillway.adaptertests;

import dev.spillway.pool.SpillwayPool;

/** One SDK as the scenarios drive it: its real clients over a pool, sync or async. */
public interface Sdk {
  /**
   * @return the SDK's name, for test names
   */
  String name();

  /**
   * A client of the SDK on {@code pool}.
   *
   * @param pool the pool
   * @param async whether calls go through the SDK's asynchronous client
   * @return the client; the scenario closes it
   */
  SdkClient client(SpillwayPool pool, boolean async);

  /**
   * Whether the SDK hands a call to its transport on the caller's thread, so that the pool's {@code
   * ConsumerResolver} can name its consumer.
   *
   * @param async whether calls go through the SDK's asynchronous client
   * @return {@code true} if it does
   */
  boolean callsTransportOnCallersThread(boolean async);
}
