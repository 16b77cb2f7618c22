package dev.spillway.spi;

import dev.spillway.Usage;

/**
 * Settles an admitted attempt: the engine keeps the route's outstanding count, the admission
 * ledger, the call span, the duration metric and the call's outcome open until one of these is
 * called. The first call wins; later calls do nothing. Thread-safe.
 *
 * <p>A transport may settle before returning a plain response. For an attempt the engine does not
 * admit (any non-2xx), settling is unnecessary and ignored.
 */
public interface CompletionHandle {

  /**
   * The response ended normally.
   *
   * @param usage tokens reported by the server, or an estimate flagged as such; {@code null} when
   *     unknown (the engine then estimates from the request)
   */
  void complete(Usage usage);

  /**
   * The response ended normally.
   *
   * @param usage as for {@link #complete(Usage)}
   * @param responseModel the {@code model} the response names (for {@code gen_ai.response.model}),
   *     or {@code null}
   */
  void complete(Usage usage, String responseModel);

  /**
   * The response failed after it was admitted, for example a reset in the middle of a stream. The
   * error reaches the caller; the engine counts a failure of the backend.
   *
   * @param error what went wrong
   */
  void fail(Throwable error);

  /** The caller stopped reading. Usage is estimated. */
  void cancelled();
}
