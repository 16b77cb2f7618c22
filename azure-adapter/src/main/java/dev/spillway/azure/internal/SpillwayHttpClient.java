package dev.spillway.azure.internal;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import dev.spillway.Backend;
import dev.spillway.BackendPool;
import dev.spillway.NoBackendAvailableException;
import dev.spillway.azure.SpillwayThrottledException;
import java.time.Duration;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The azure-core {@link HttpClient} the pool's SDK clients use. The SDK's pipeline (user agent,
 * request id, user policies, logging) runs once per call; this client then runs the pool's attempt
 * loop over the real HTTP client: {@link #sendSync} through {@link BackendPool#execute} on the
 * caller's thread, {@link #send} through {@link BackendPool#executeAsync} without blocking.
 *
 * <p>Requests outside {@code /openai/deployments/{model}/…} (files, batches, assistants…) go to the
 * home backend once, with its auth, and are never retried elsewhere. Thread-safe.
 */
public final class SpillwayHttpClient implements HttpClient {
  private final BackendPool pool;
  private final HttpClient delegate;
  private final Map<String, BackendAuth> auth;
  private final Duration idleTimeout;

  /**
   * Creates the client.
   *
   * @param pool the pool
   * @param delegate the real HTTP client
   * @param auth the authentication of each backend, by id
   */
  public SpillwayHttpClient(BackendPool pool, HttpClient delegate, Map<String, BackendAuth> auth) {
    this.pool = pool;
    this.delegate = delegate;
    this.auth = Map.copyOf(auth);
    this.idleTimeout = pool.settings().streamIdleTimeout();
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request) {
    return send(request, Context.NONE);
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request, Context context) {
    return Mono.defer(
        () -> {
          InterceptedCall call = InterceptedCall.of(request, context);
          if (!call.balanced()) {
            Backend home = pool.homeBackend();
            HttpRequest homeRequest = call.homeRequest(home);
            return auth.get(home.id())
                .apply(homeRequest.getHeaders())
                .then(Mono.defer(() -> delegate.send(homeRequest, homeContext(context))))
                .map(response -> relay(call, response));
          }
          AttemptSender.Async transport =
              new AttemptSender.Async(call, delegate, auth, context, idleTimeout);
          return Mono.fromFuture(() -> pool.executeAsync(call.callRequest(), transport))
              .onErrorMap(NoBackendAvailableException.class, e -> throttled(request, e));
        });
  }

  @Override
  public HttpResponse sendSync(HttpRequest request, Context context) {
    InterceptedCall call = InterceptedCall.of(request, context);
    if (!call.balanced()) {
      Backend home = pool.homeBackend();
      HttpRequest homeRequest = call.homeRequest(home);
      auth.get(home.id()).applySync(homeRequest.getHeaders());
      return relay(call, delegate.sendSync(homeRequest, homeContext(context)));
    }
    AttemptSender.Sync transport =
        new AttemptSender.Sync(call, delegate, auth, context, idleTimeout);
    try {
      return pool.execute(call.callRequest(), transport);
    } catch (NoBackendAvailableException e) {
      throw throttled(request, e);
    }
  }

  private Context homeContext(Context context) {
    return context.addData(AttemptSender.RESPONSE_TIMEOUT_KEY, pool.settings().timeout());
  }

  /** The home backend's response, attached to the SDK's request (never the credentialed one). */
  private static HttpResponse relay(InterceptedCall call, HttpResponse response) {
    return RelayedHttpResponse.streamed(
        call.original, response, response.getBody(), false, () -> {});
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

  @Override
  public String toString() {
    return "SpillwayHttpClient[" + pool + "]";
  }
}
