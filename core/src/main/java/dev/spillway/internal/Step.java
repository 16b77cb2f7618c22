package dev.spillway.internal;

/**
 * What a {@link Call} decided its driver does next: send an attempt, wait, or hand the call's
 * result to the caller. Immutable; the drivers act on it and read nothing else from the call.
 *
 * @param <R> the transport's response type
 */
sealed interface Step<R> {

  /** Send {@code attempt}, then report its result to {@link Call#onResult}. */
  record Send<R>(InFlightAttempt attempt) implements Step<R> {}

  /**
   * Wait {@code nanos}, then ask {@link Call#next} again; a call in its model's wait queue ({@code
   * waiter} not null) is woken earlier when headroom may have returned.
   */
  record Wait<R>(long nanos, WaitQueue.Waiter waiter) implements Step<R> {}

  /**
   * Nothing to do now: another attempt of the call (a hedge, or the attempt it hedged) is still in
   * flight, and its result decides.
   */
  record Pending<R>() implements Step<R> {}

  /**
   * The call is over: {@code response} for the caller when {@code ending} is {@link
   * Ending#ANSWERED}, else {@code failure}. The call's outcome has been reported already.
   */
  record Done<R>(Ending ending, R response, RuntimeException failure) implements Step<R> {

    static <R> Done<R> answered(R response) {
      return new Done<>(Ending.ANSWERED, response, null);
    }

    static <R> Done<R> failed(RuntimeException failure) {
      return new Done<>(Ending.FAILED, null, failure);
    }

    static <R> Done<R> cancelled(RuntimeException failure) {
      return new Done<>(Ending.CANCELLED, null, failure);
    }
  }

  /** How a call ended. */
  enum Ending {
    /**
     * With a response for the caller: an admitted (2xx) attempt, a caller error, or the last
     * response when the request asked for it.
     */
    ANSWERED,
    /** Without one: no route in time, or attempts or deadline exhausted. */
    FAILED,
    /** The caller cancelled it (or interrupted its thread). */
    CANCELLED
  }
}
