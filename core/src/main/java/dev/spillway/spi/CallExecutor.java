package dev.spillway.spi;

import dev.spillway.AttemptsExhaustedException;
import dev.spillway.BackendPool;
import dev.spillway.CallInterruptedException;
import dev.spillway.NoBackendAvailableException;
import dev.spillway.UnknownModelException;
import dev.spillway.internal.Engine;
import dev.spillway.internal.PoolEngines;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Runs calls on a pool's engine: the entry point of an SDK adapter. Applications do not use it;
 * they use the clients an adapter builds from the pool.
 *
 * <p>Thread-safe; one per pool is enough, and {@link #of} may be called as often as needed.
 */
public final class CallExecutor {
  private final Engine engine;

  private CallExecutor(Engine engine) {
    this.engine = engine;
  }

  /**
   * The executor of {@code pool}'s engine.
   *
   * @param pool the pool
   * @return its executor
   * @throws NullPointerException if {@code pool} is null
   */
  public static CallExecutor of(BackendPool pool) {
    return new CallExecutor(PoolEngines.of(Objects.requireNonNull(pool, "'pool' cannot be null.")));
  }

  /**
   * Runs one call synchronously: picks a route per attempt, applies each outcome, waits when every
   * route is cooling, and returns the first admitted response (or a caller error unchanged).
   *
   * <p>A request {@linkplain CallRequest.Builder#pinnedTo pinned} to one backend is a single-route
   * call: one attempt on that backend, never retried elsewhere.
   *
   * @param <R> the transport's response type
   * @param request the call
   * @param transport sends each attempt
   * @return the response
   * @throws UnknownModelException if no route serves the model (before any attempt)
   * @throws NoBackendAvailableException if no route became available within the deadline
   * @throws AttemptsExhaustedException if the attempts or the deadline ran out
   * @throws CallInterruptedException if the thread was interrupted
   */
  public <R> R execute(CallRequest request, AttemptTransport<R> transport) {
    return engine.execute(
        Objects.requireNonNull(request, "'request' cannot be null."),
        Objects.requireNonNull(transport, "'transport' cannot be null."));
  }

  /**
   * Runs one call without blocking a thread; waits are scheduled. Cancelling the returned future
   * cancels the call and the attempt in flight. Failures complete the future exceptionally with the
   * exceptions {@link #execute} throws.
   *
   * @param <R> the transport's response type
   * @param request the call
   * @param transport sends each attempt
   * @return the response
   */
  public <R> CompletableFuture<R> executeAsync(
      CallRequest request, AsyncAttemptTransport<R> transport) {
    return engine.executeAsync(
        Objects.requireNonNull(request, "'request' cannot be null."),
        Objects.requireNonNull(transport, "'transport' cannot be null."));
  }
}
