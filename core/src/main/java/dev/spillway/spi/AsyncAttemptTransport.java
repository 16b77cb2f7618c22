package dev.spillway.spi;

import java.util.concurrent.CompletableFuture;

/**
 * Sends attempts without blocking. Implemented by adapters; must be thread-safe.
 *
 * @param <R> the response type
 */
public interface AsyncAttemptTransport<R> {

  /**
   * Sends one attempt. The future completes when the response headers arrive, or exceptionally on a
   * failure to get a response. The engine cancels the future on attempt timeout and on call
   * cancellation; the transport must then abort the request.
   *
   * @param attempt the attempt
   * @return the response
   */
  CompletableFuture<AttemptResponse<R>> send(Attempt attempt);

  /**
   * Releases a response the engine will not hand to the caller. The default does nothing.
   *
   * @param response the response
   */
  default void discard(R response) {}
}
