package dev.spillway.spi;

import dev.spillway.CallOutcome;
import dev.spillway.ContentFilterResults;

/**
 * An adapter's view of one call, set on its {@link CallRequest}: what the adapter read of the
 * response bodies that the engine cannot (core reads no bodies), and the call's outcome once it
 * settled. An audit capture implements it.
 *
 * <p>The engine calls {@link #contentFilter()} once, when the call settles (for a stream, after the
 * transport settled its completion handle, so after the last chunk), and puts the results on the
 * outcome, the call span and the content-filter counter; then it calls {@link #onOutcome}, before
 * the pool's listeners (so a listener that sees the outcome knows the observer has). A transport
 * must therefore feed the observer a response before it settles the attempt or returns the
 * response. Both methods run on the thread that settles the call, must be quick and thread-safe; an
 * exception is logged and ignored.
 */
public interface CallObserver {

  /** Observes nothing. */
  CallObserver NONE = new CallObserver() {};

  /**
   * @return the content-filter results of the final response
   */
  default ContentFilterResults contentFilter() {
    return ContentFilterResults.NONE;
  }

  /**
   * The call settled.
   *
   * @param outcome its outcome, as the pool's listeners receive it next
   */
  default void onOutcome(CallOutcome outcome) {}
}
