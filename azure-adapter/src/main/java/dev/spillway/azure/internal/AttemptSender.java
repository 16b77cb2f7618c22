package dev.spillway.azure.internal;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import dev.spillway.pool.spi.AdapterSupport;
import dev.spillway.pool.spi.AuthHeader;
import dev.spillway.pool.spi.BackendAuth;
import dev.spillway.pool.spi.EventStream;
import dev.spillway.pool.spi.ResponseBody;
import dev.spillway.spi.AsyncAttemptTransport;
import dev.spillway.spi.Attempt;
import dev.spillway.spi.AttemptResponse;
import dev.spillway.spi.AttemptTimeoutException;
import dev.spillway.spi.AttemptTransport;
import dev.spillway.spi.CompletionHandle;
import dev.spillway.spi.ResponseHeaders;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends the attempts of one call: rewrites the request for the route, sets the backend's auth and
 * the trace context, sends it with the attempt's timeout through the real HTTP client, and turns
 * the response into the engine's {@link AttemptResponse}: plain bodies buffered and read for usage
 * or error code, 2xx streams wrapped to settle the completion handle when they end.
 */
abstract class AttemptSender {
  /** azure-core's per-request response timeout (honoured by its Netty, OkHttp and JDK clients). */
  static final String RESPONSE_TIMEOUT_KEY = "azure-response-timeout";

  /** azure-core's flag that makes a client buffer the whole body before returning. */
  static final String EAGERLY_READ_KEY = "azure-eagerly-read-response";

  private static final byte[] EMPTY = new byte[0];

  final InterceptedCall call;
  final HttpClient delegate;
  final AdapterSupport support;
  final Context context;
  final Duration idleTimeout;
  final AttemptUrls urls;

  AttemptSender(
      InterceptedCall call,
      HttpClient delegate,
      AdapterSupport support,
      Context context,
      Duration idleTimeout,
      AttemptUrls urls) {
    this.call = call;
    this.delegate = delegate;
    this.support = support;
    this.context = context;
    this.idleTimeout = idleTimeout;
    this.urls = urls;
  }

  HttpRequest prepare(Attempt attempt) {
    HttpRequest request = call.attemptRequest(attempt.backend(), attempt.deployment(), urls);
    attempt.injectTraceContext(
        (name, value) -> request.setHeader(HttpHeaderName.fromString(name), value));
    return request;
  }

  BackendAuth auth(Attempt attempt) {
    return support.auth(attempt.backend().id());
  }

  Context attemptContext(Attempt attempt) {
    Context c = context.addData(RESPONSE_TIMEOUT_KEY, attempt.timeout());
    return attempt.streaming() || !call.balanced() ? c.addData(EAGERLY_READ_KEY, false) : c;
  }

  static boolean success(int status) {
    return status >= 200 && status < 300;
  }

  /** A plain response, or any non-2xx: buffered, usage settled, error code read. */
  AttemptResponse<HttpResponse> buffered(Attempt attempt, HttpResponse response, byte[] body) {
    int status = response.getStatusCode();
    HttpHeaders headers = response.getHeaders();
    RelayedHttpResponse relayed = RelayedHttpResponse.buffered(call.original, response, body);
    response.close();
    boolean json = isJson(headers);
    // before the settle: the call's record reads it
    ResponseBody facts = call.capture.response(json ? body : null);
    if (success(status)) {
      attempt.completion().complete(facts.usage(), facts.model());
      return new AttemptResponse<>(status, view(headers), null, relayed);
    }
    return new AttemptResponse<>(status, view(headers), facts.errorCode(), relayed);
  }

  /**
   * A 2xx stream, or the 2xx answer of a stateful operation (a file's content): relayed chunk by
   * chunk, the handle settled when it ends. Only a balanced stream is read as server-sent events
   * for its usage.
   */
  AttemptResponse<HttpResponse> streamed(Attempt attempt, HttpResponse response) {
    if (!call.balanced()) {
      return passedThrough(attempt, response);
    }
    CompletionHandle handle = attempt.completion();
    long promptTokens = call.body.promptTokens();
    EventStream sse = new EventStream(call.injectedUsage, call.capture);
    Flux<ByteBuffer> body =
        idleBounded(response, attempt)
            .map(sse::accept)
            .concatWith(Mono.fromSupplier(sse::finish))
            .filter(ByteBuffer::hasRemaining)
            .doOnComplete(() -> handle.complete(sse.usage(promptTokens), sse.model()))
            .doOnError(handle::fail)
            .doOnCancel(handle::cancelled);
    return new AttemptResponse<>(
        response.getStatusCode(),
        view(response.getHeaders()),
        null,
        RelayedHttpResponse.streamed(
            call.original, response, body, call.injectedUsage, handle::cancelled));
  }

  private AttemptResponse<HttpResponse> passedThrough(Attempt attempt, HttpResponse response) {
    CompletionHandle handle = attempt.completion();
    Flux<ByteBuffer> body =
        idleBounded(response, attempt)
            .doOnComplete(() -> handle.complete(null))
            .doOnError(handle::fail)
            .doOnCancel(handle::cancelled);
    return new AttemptResponse<>(
        response.getStatusCode(),
        view(response.getHeaders()),
        null,
        RelayedHttpResponse.streamed(call.original, response, body, false, handle::cancelled));
  }

  /**
   * The response body, failed with the attempt's timeout error when a gap exceeds the idle limit.
   */
  private Flux<ByteBuffer> idleBounded(HttpResponse response, Attempt attempt) {
    String backendId = attempt.backend().id();
    return response
        .getBody()
        .timeout(
            idleTimeout,
            Flux.defer(() -> Flux.error(new AttemptTimeoutException(backendId, idleTimeout))));
  }

  boolean streams(Attempt attempt, HttpResponse response) {
    return (attempt.streaming() || !call.balanced()) && success(response.getStatusCode());
  }

  static ResponseHeaders view(HttpHeaders headers) {
    return name -> headers.getValue(HttpHeaderName.fromString(name));
  }

  private static boolean isJson(HttpHeaders headers) {
    String type = headers.getValue(HttpHeaderName.CONTENT_TYPE);
    return type != null && type.toLowerCase(Locale.ROOT).contains("json");
  }

  /** The real client's own response timeout (the attempt's) reports as the attempt's timeout. */
  static Throwable timeoutOr(Attempt attempt, Throwable error) {
    return hasCause(error, TimeoutException.class) ? timeout(attempt, error) : error;
  }

  private static AttemptTimeoutException timeout(Attempt attempt, Throwable error) {
    AttemptTimeoutException timeout =
        new AttemptTimeoutException(attempt.backend().id(), attempt.timeout());
    timeout.addSuppressed(error);
    return timeout;
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** Attempts on the caller's thread, through the real client's {@code sendSync}. */
  static final class Sync extends AttemptSender implements AttemptTransport<HttpResponse> {

    Sync(
        InterceptedCall call,
        HttpClient delegate,
        AdapterSupport support,
        Context context,
        Duration idleTimeout,
        AttemptUrls urls) {
      super(call, delegate, support, context, idleTimeout, urls);
    }

    @Override
    public AttemptResponse<HttpResponse> send(Attempt attempt) throws Exception {
      long start = System.nanoTime();
      HttpRequest request = prepare(attempt);
      BackendAuth auth = auth(attempt);
      AuthHeader sent = AzureAuth.applySync(auth, request.getHeaders());
      HttpResponse response;
      try {
        response = delegate.sendSync(request, attemptContext(attempt));
      } catch (RuntimeException e) {
        throw failure(attempt, e, start);
      }
      if (streams(attempt, response)) {
        return streamed(attempt, response);
      }
      byte[] body;
      try {
        long left = attempt.timeout().toNanos() - (System.nanoTime() - start);
        body = response.getBodyAsByteArray().block(Duration.ofNanos(Math.max(1, left)));
      } catch (RuntimeException e) {
        response.close();
        throw failure(attempt, e, start);
      }
      return AzureAuth.onRefusedSync(
          auth, sent, buffered(attempt, response, body == null ? EMPTY : body));
    }

    private static Exception failure(Attempt attempt, RuntimeException e, long start) {
      if (Thread.currentThread().isInterrupted() || hasCause(e, InterruptedException.class)) {
        InterruptedException interrupted = new InterruptedException("attempt interrupted");
        interrupted.initCause(e);
        return interrupted;
      }
      if (System.nanoTime() - start >= attempt.timeout().toNanos()
          || hasCause(e, TimeoutException.class)) {
        return timeout(attempt, e);
      }
      return e;
    }

    @Override
    public void discard(HttpResponse response) {
      response.close();
    }
  }

  /** Attempts without blocking, through the real client's {@code send}. */
  static final class Async extends AttemptSender implements AsyncAttemptTransport<HttpResponse> {

    Async(
        InterceptedCall call,
        HttpClient delegate,
        AdapterSupport support,
        Context context,
        Duration idleTimeout,
        AttemptUrls urls) {
      super(call, delegate, support, context, idleTimeout, urls);
    }

    @Override
    public CompletableFuture<AttemptResponse<HttpResponse>> send(Attempt attempt) {
      Mono<AttemptResponse<HttpResponse>> exchange =
          Mono.defer(
                  () -> {
                    HttpRequest request = prepare(attempt);
                    BackendAuth auth = auth(attempt);
                    return AzureAuth.apply(auth, request.getHeaders())
                        .flatMap(
                            sent ->
                                answer(attempt, request)
                                    .flatMap(r -> AzureAuth.onRefused(auth, sent, r)));
                  })
              // after the body too: the real client's read timeout on a buffered body is the
              // attempt's
              .onErrorMap(error -> timeoutOr(attempt, error));
      CompletableFuture<AttemptResponse<HttpResponse>> future = new CompletableFuture<>();
      Disposable subscription =
          exchange.subscribe(
              response -> {
                if (!future.complete(response)) {
                  response
                      .payload()
                      .close(); // the engine gave up on this attempt (timeout, cancel)
                }
              },
              future::completeExceptionally);
      future.whenComplete(
          (response, error) -> {
            if (future.isCancelled()) {
              subscription.dispose();
            }
          });
      return future;
    }

    /** Sends the request; a plain answer buffered, a 2xx stream relayed. */
    private Mono<AttemptResponse<HttpResponse>> answer(Attempt attempt, HttpRequest request) {
      return delegate
          .send(request, attemptContext(attempt))
          .flatMap(
              response ->
                  streams(attempt, response)
                      ? Mono.just(streamed(attempt, response))
                      : response
                          .getBodyAsByteArray()
                          .defaultIfEmpty(EMPTY)
                          .doOnCancel(response::close)
                          .map(body -> buffered(attempt, response, body)));
    }

    @Override
    public void discard(HttpResponse response) {
      response.close();
    }
  }
}
