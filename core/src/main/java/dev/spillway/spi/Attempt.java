package dev.spillway.spi;

import dev.spillway.Backend;
import dev.spillway.Deployment;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * One attempt of a call on one route, handed by the engine to the transport.
 *
 * <p>The transport sends the request to {@link #backend()}'s endpoint with {@link #deployment()}'s
 * name and the backend's credential, within {@link #timeout()} to the first response byte. For a
 * 2xx response it settles {@link #completion()} exactly once: at once for a plain response, at the
 * end of the body for a stream. Thread-safe.
 */
public interface Attempt {

  /**
   * @return the id of the call this attempt belongs to
   */
  String callId();

  /**
   * @return 1 for the first attempt of the call
   */
  int number();

  /**
   * @return the backend to send to
   */
  Backend backend();

  /**
   * @return the deployment on that backend
   */
  Deployment deployment();

  /**
   * @return whether the caller asked for a stream
   */
  boolean streaming();

  /**
   * Time allowed to the first response byte: the pool's attempt timeout (stream first-byte timeout
   * for streams; the call's whole remaining deadline for a pinned call), shortened to what is left
   * of the call's deadline. The engine enforces it on both paths: a synchronous attempt by
   * interrupting the caller's thread (the transport must honour interrupts and then throw, and may
   * report {@link AttemptTimeoutException} itself), an asynchronous one by cancelling the returned
   * future. A transport may hand it to its HTTP client as well, as a second line.
   *
   * @return the timeout
   */
  Duration timeout();

  /**
   * @return the handle the transport settles for an admitted (2xx) attempt
   */
  CompletionHandle completion();

  /**
   * Writes the trace-context headers ({@code traceparent}, {@code tracestate}) of this attempt's
   * span.
   *
   * @param header receives each header name and value
   */
  void injectTraceContext(BiConsumer<String, String> header);
}
