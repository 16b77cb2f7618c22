package dev.spillway.azure.internal;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import dev.spillway.CallRejectedException;
import dev.spillway.NoBackendAvailableException;
import dev.spillway.azure.SpillwayForbiddenException;
import dev.spillway.azure.SpillwayThrottledException;
import dev.spillway.pool.spi.AdapterSupport;
import dev.spillway.spi.CallExecutor;
import dev.spillway.spi.CallRequest;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * The azure-core {@link HttpClient} the pool's SDK clients use. The SDK's pipeline (user agent,
 * request id, user policies, logging) runs once per call; this client then runs the pool's attempt
 * loop over the real HTTP client: {@link #sendSync} through {@link CallExecutor#execute} on the
 * caller's thread, {@link #send} through {@link CallExecutor#executeAsync} without blocking.
 *
 * <p>Requests outside {@code /openai/deployments/{model}/…} (files, batches, assistants…) are
 * pinned to the home backend: one attempt through the engine (an outcome, a span, the circuit),
 * with its auth, never retried elsewhere. Thread-safe.
 */
public final class SpillwayHttpClient implements HttpClient {
  private final AdapterSupport support;
  private final HttpClient delegate;
  private final Duration idleTimeout;
  private final AttemptUrls urls = new AttemptUrls();

  /**
   * Creates the client.
   *
   * @param support the pool's engine and auth
   * @param delegate the real HTTP client
   */
  public SpillwayHttpClient(AdapterSupport support, HttpClient delegate) {
    this.support = support;
    this.delegate = delegate;
    this.idleTimeout = support.streamIdleTimeout();
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request) {
    return send(request, Context.NONE);
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request, Context context) {
    return Mono.defer(
        () -> {
          InterceptedCall call = InterceptedCall.of(request, context, support);
          AttemptSender.Async transport =
              new AttemptSender.Async(call, delegate, support, context, idleTimeout, urls);
          CallRequest callRequest = call.callRequest(support);
          return Mono.fromFuture(() -> support.calls().executeAsync(callRequest, transport))
              .onErrorMap(NoBackendAvailableException.class, e -> throttled(request, e))
              .onErrorMap(CallRejectedException.class, e -> rejected(request, e));
        });
  }

  @Override
  public HttpResponse sendSync(HttpRequest request, Context context) {
    InterceptedCall call = InterceptedCall.of(request, context, support);
    AttemptSender.Sync transport =
        new AttemptSender.Sync(call, delegate, support, context, idleTimeout, urls);
    try {
      return support.calls().execute(call.callRequest(support), transport);
    } catch (NoBackendAvailableException e) {
      throw throttled(request, e);
    } catch (CallRejectedException e) {
      throw rejected(request, e);
    }
  }

  /**
   * When every route was cooling and nothing was sent, an HTTP 429 the SDK's callers already
   * handle. When attempts failed without a response (connections refused) or no route will ever be
   * available (all disabled), the core exception.
   */
  private static RuntimeException throttled(HttpRequest request, NoBackendAvailableException e) {
    return e.retryAfter() != null && e.attempts().isEmpty()
        ? new SpillwayThrottledException(request, e)
        : e;
  }

  /**
   * A call the pool rejected (a consumer's limit, quota or model list, a priority's queue): the
   * reason's status as the SDK's callers handle it, 429 with {@code Retry-After} or 403.
   */
  private static HttpResponseException rejected(HttpRequest request, CallRejectedException e) {
    return e.reason().status() == 429
        ? new SpillwayThrottledException(request, e)
        : new SpillwayForbiddenException(request, e);
  }

  @Override
  public String toString() {
    return "SpillwayHttpClient[" + support.backendPool() + "]";
  }
}
