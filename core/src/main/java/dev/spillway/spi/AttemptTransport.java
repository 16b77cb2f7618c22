package dev.spillway.spi;

/**
 * Sends attempts synchronously. Implemented by adapters; must be thread-safe.
 *
 * @param <R> the response type
 */
public interface AttemptTransport<R> {

  /**
   * Sends one attempt and returns when the response headers have arrived.
   *
   * @param attempt the attempt
   * @return the response
   * @throws AttemptTimeoutException if no response byte arrived within {@link Attempt#timeout()}
   * @throws InterruptedException if the thread was interrupted (the call is cancelled)
   * @throws Exception any other failure to get a response (connect error, reset): a transient
   *     failure of the backend
   */
  AttemptResponse<R> send(Attempt attempt) throws Exception;

  /**
   * Releases a response the engine will not hand to the caller (a throttled attempt that a later
   * attempt superseded). The default does nothing.
   *
   * @param response the response
   */
  default void discard(R response) {}
}
