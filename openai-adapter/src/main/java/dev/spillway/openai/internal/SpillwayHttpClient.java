package dev.spillway.openai.internal;

import com.openai.core.RequestOptions;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
import dev.spillway.CallRejectedException;
import dev.spillway.NoBackendAvailableException;
import dev.spillway.pool.spi.AdapterSupport;
import dev.spillway.pool.spi.RefusedReply;
import dev.spillway.spi.CallRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The openai-java {@link HttpClient} the pool's SDK clients use. openai-java's own layers (headers,
 * logging, its retry step with retries off) run once per call; this client then runs the pool's
 * attempt loop over the real HTTP client: {@link #execute} through the engine on the caller's
 * thread, {@link #executeAsync} without blocking it.
 *
 * <p>Stateful requests are pinned to the home backend: one attempt through the engine (an outcome,
 * a span, the circuit), with its auth, never retried elsewhere. Thread-safe.
 */
public final class SpillwayHttpClient implements HttpClient {
  /**
   * openai-java's retry-count header. The pool's client options carry it as {@code 0}, which spares
   * the SDK's retry step a copy of every request; an attempt drops it when the request carries none
   * of the SDK's telemetry headers (telemetry turned off), as the SDK itself then sends none.
   */
  public static final String RETRY_COUNT_HEADER = "X-Stainless-Retry-Count";

  private final AdapterSupport support;
  private final HttpClient delegate;

  /**
   * Creates the client.
   *
   * @param support the pool's engine and auth
   * @param delegate the real HTTP client; closed with this one
   */
  public SpillwayHttpClient(AdapterSupport support, HttpClient delegate) {
    this.support = support;
    this.delegate = delegate;
  }

  @Override
  public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
    InterceptedRequest call = InterceptedRequest.of(request, requestOptions, support);
    CallRequest callRequest = call.callRequest(support, true);
    try {
      return support.calls().execute(callRequest, new AttemptSender.Sync(call, delegate, support));
    } catch (NoBackendAvailableException e) {
      return throttled(call, e);
    } catch (CallRejectedException e) {
      return new RefusedResponse(RefusedReply.rejected(e));
    }
  }

  @Override
  public CompletableFuture<HttpResponse> executeAsync(
      HttpRequest request, RequestOptions requestOptions) {
    InterceptedRequest call;
    CallRequest callRequest;
    try {
      call = InterceptedRequest.of(request, requestOptions, support);
      callRequest = call.callRequest(support, false);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<HttpResponse> engine =
        support.calls().executeAsync(callRequest, new AttemptSender.Async(call, delegate, support));
    CompletableFuture<HttpResponse> result =
        engine.handle(
            (response, error) -> {
              if (error == null) {
                return response;
              }
              Throwable cause =
                  error instanceof CompletionException && error.getCause() != null
                      ? error.getCause()
                      : error;
              if (cause instanceof NoBackendAvailableException e) {
                return throttled(call, e);
              }
              if (cause instanceof CallRejectedException e) {
                return new RefusedResponse(RefusedReply.rejected(e));
              }
              throw error instanceof CompletionException c ? c : new CompletionException(cause);
            });
    result.whenComplete(
        (response, error) -> {
          if (result.isCancelled()) {
            engine.cancel(true); // the caller's cancel reaches the call and its attempt
          }
        });
    return result;
  }

  /**
   * When every route was cooling and nothing was sent, an HTTP 429 the SDK raises as its {@code
   * RateLimitException} (a call the pool rejected gets its reason's 429 or 403 the same way). When
   * attempts failed without a response (connections refused) or no route will ever be available
   * (all disabled), the core exception.
   */
  private static HttpResponse throttled(InterceptedRequest call, NoBackendAvailableException e) {
    if (e.retryAfter() != null && e.attempts().isEmpty()) {
      return new RefusedResponse(RefusedReply.cooling(e.retryAfter(), call.model));
    }
    throw e;
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "SpillwayHttpClient[" + support.backendPool() + "]";
  }
}
