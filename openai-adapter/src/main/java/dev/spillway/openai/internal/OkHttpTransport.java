package dev.spillway.openai.internal;

import com.openai.core.RequestOptions;
import com.openai.core.Timeout;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpMethod;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpRequestBody;
import com.openai.core.http.HttpResponse;
import com.openai.errors.OpenAIIoException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Connection;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSink;

/**
 * openai-java's {@link HttpClient} over one OkHttp client, sending requests as openai-java's own
 * OkHttp transport does (same request and response mapping, per-request timeouts, {@code
 * X-Stainless-…Timeout} headers, 64 requests in flight per host, failures as {@link
 * OpenAIIoException}, no retries of its own), with one difference: a request whose exchange fails
 * on a kept-alive HTTP/1 connection that carried an exchange before, without a response and not by
 * a timeout or a cancel, is sent again on another connection.
 *
 * <p>That is the recovery OkHttp's {@code retryOnConnectionFailure} gives, which openai-java turns
 * off for its own retries, and Spillway turns those off (one HTTP request per attempt); the flag
 * itself is not used because it also resends a 408, which the engine fails over instead. Without
 * the recovery, a keep-alive connection the backend closed while it sat in the pool (an idle
 * timeout, a restart, a backend that stops accepting) is handed to the next request, which fails
 * with {@code unexpected end of stream} (OkHttp checks a pooled connection's health only after it
 * was idle 10 s): a failed attempt on a healthy backend, and on one that now refuses connections a
 * failure the engine cannot tell from a slow one, so its circuit doubles its open period instead of
 * probing every break duration / 10. With it, the request is answered by a live backend or refused
 * ({@link java.net.ConnectException}) by one that is down. A connection that fails is never used
 * again, so the resending ends when the pool holds no more such connections; a body that cannot be
 * written twice is not resent (the adapter's bodies are in memory).
 *
 * <p>Thread-safe; {@link #close()} stops its dispatcher and closes its idle connections.
 */
public final class OkHttpTransport implements HttpClient {
  /** Resends on the pool's kept-alive connections stop well before this; a bound all the same. */
  private static final int MAX_RESENDS = 64;

  private final OkHttpClient client;

  /** Connections that carried an exchange: a failure on one of them is a closed keep-alive. */
  private final Set<Connection> used =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /** An OkHttp client with openai-java's defaults. */
  public OkHttpTransport() {
    Timeout defaults = Timeout.builder().build(); // openai-java's: 1 min to connect, 10 min else
    OkHttpClient built =
        new OkHttpClient.Builder()
            .retryOnConnectionFailure(false)
            .addInterceptor(this::resendingOnAClosedKeepAlive)
            .addNetworkInterceptor(this::markingAClosedKeepAlive)
            .connectTimeout(defaults.connect())
            .readTimeout(defaults.read())
            .writeTimeout(defaults.write())
            .callTimeout(defaults.request())
            .build();
    // as openai-java: requests go to few hosts, so one host may use the whole limit
    built.dispatcher().setMaxRequestsPerHost(built.dispatcher().getMaxRequests());
    this.client = built;
  }

  /**
   * Marks the failure of an exchange on an HTTP/1 connection that carried one before (HTTP/2 reads
   * its connection all the time, so it sees the backend close it, and retires it on a failure).
   */
  private Response markingAClosedKeepAlive(Interceptor.Chain chain) throws IOException {
    Connection connection = chain.connection();
    boolean reused =
        connection != null
            && (connection.protocol() == Protocol.HTTP_1_1
                || connection.protocol() == Protocol.HTTP_1_0)
            && !used.add(connection);
    try {
      return chain.proceed(chain.request());
    } catch (IOException e) {
      if (reused && !(e instanceof InterruptedIOException)) {
        throw new ClosedKeepAlive(e);
      }
      throw e;
    }
  }

  /** Sends again, on another connection, a request that failed on a closed keep-alive one. */
  private Response resendingOnAClosedKeepAlive(Interceptor.Chain chain) throws IOException {
    Request request = chain.request();
    for (int resends = 0; ; resends++) {
      try {
        return chain.proceed(request);
      } catch (ClosedKeepAlive e) {
        IOException failure = e.failure();
        if (resends == MAX_RESENDS
            || chain.call().isCanceled()
            || (request.body() != null && request.body().isOneShot())) {
          throw failure;
        }
      }
    }
  }

  @Override
  public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
    Call call = newCall(request, requestOptions);
    try {
      return relay(call.execute());
    } catch (IOException e) {
      throw new OpenAIIoException("Request failed", e);
    } finally {
      closeBody(request);
    }
  }

  @Override
  public CompletableFuture<HttpResponse> executeAsync(
      HttpRequest request, RequestOptions requestOptions) {
    CompletableFuture<HttpResponse> future = new CompletableFuture<>();
    Call call = newCall(request, requestOptions);
    call.enqueue(
        new Callback() {
          @Override
          public void onResponse(Call c, Response response) {
            if (!future.complete(relay(response))) {
              response.close();
            }
          }

          @Override
          public void onFailure(Call c, IOException e) {
            future.completeExceptionally(new OpenAIIoException("Request failed", e));
          }
        });
    future.whenComplete(
        (response, error) -> {
          if (error instanceof CancellationException) {
            call.cancel();
          }
          closeBody(request);
        });
    return future;
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  private Call newCall(HttpRequest request, RequestOptions requestOptions) {
    OkHttpClient.Builder builder = client.newBuilder();
    Timeout timeout = requestOptions.getTimeout();
    if (timeout != null) {
      builder
          .connectTimeout(timeout.connect())
          .readTimeout(timeout.read())
          .writeTimeout(timeout.write())
          .callTimeout(timeout.request());
    }
    OkHttpClient perCall = builder.build();
    return perCall.newCall(toRequest(request, perCall));
  }

  private static Request toRequest(HttpRequest request, OkHttpClient perCall) {
    RequestBody body = request.body() == null ? null : new Body(request.body());
    if (body == null && requiresBody(request.method())) {
      body = RequestBody.create(new byte[0], (MediaType) null);
    }
    Request.Builder builder =
        new Request.Builder().url(url(request)).method(request.method().name(), body);
    Headers headers = request.headers();
    for (String name : headers.names()) {
      for (String value : headers.values(name)) {
        builder.addHeader(name, value);
      }
    }
    if (!headers.names().contains("X-Stainless-Read-Timeout") && perCall.readTimeoutMillis() != 0) {
      builder.addHeader(
          "X-Stainless-Read-Timeout",
          Long.toString(Duration.ofMillis(perCall.readTimeoutMillis()).toSeconds()));
    }
    if (!headers.names().contains("X-Stainless-Timeout") && perCall.callTimeoutMillis() != 0) {
      builder.addHeader(
          "X-Stainless-Timeout",
          Long.toString(Duration.ofMillis(perCall.callTimeoutMillis()).toSeconds()));
    }
    return builder.build();
  }

  private static boolean requiresBody(HttpMethod method) {
    return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
  }

  private static HttpUrl url(HttpRequest request) {
    HttpUrl base = HttpUrl.get(request.baseUrl());
    HttpUrl.Builder url = base.newBuilder();
    for (String segment : request.pathSegments()) {
      url.addPathSegment(segment);
    }
    for (String key : request.queryParams().keys()) {
      for (String value : request.queryParams().values(key)) {
        url.addQueryParameter(key, value);
      }
    }
    return url.build();
  }

  private static void closeBody(HttpRequest request) {
    if (request.body() != null) {
      request.body().close();
    }
  }

  private static HttpResponse relay(Response response) {
    Headers.Builder headers = Headers.builder();
    okhttp3.Headers received = response.headers();
    for (int i = 0; i < received.size(); i++) {
      headers.put(received.name(i), received.value(i));
    }
    Headers relayed = headers.build();
    ResponseBody body = response.body();
    int status = response.code();
    return new HttpResponse() {
      @Override
      public int statusCode() {
        return status;
      }

      @Override
      public Headers headers() {
        return relayed;
      }

      @Override
      public InputStream body() {
        return body.byteStream();
      }

      @Override
      public void close() {
        body.close();
      }
    };
  }

  /** An exchange's failure on a kept-alive connection that carried an exchange before. */
  private static final class ClosedKeepAlive extends IOException {
    private static final long serialVersionUID = 1L;

    ClosedKeepAlive(IOException failure) {
      super(failure.getMessage(), failure);
    }

    IOException failure() {
      return (IOException) getCause();
    }
  }

  /** An openai-java body as OkHttp's: one-shot unless it says it can be written again. */
  private static final class Body extends RequestBody {
    private final HttpRequestBody body;
    private final MediaType type;

    Body(HttpRequestBody body) {
      this.body = body;
      this.type = body.contentType() == null ? null : MediaType.get(body.contentType());
    }

    @Override
    public MediaType contentType() {
      return type;
    }

    @Override
    public long contentLength() {
      return body.contentLength();
    }

    @Override
    public boolean isOneShot() {
      return !body.repeatable();
    }

    @Override
    public void writeTo(BufferedSink sink) {
      body.writeTo(sink.outputStream());
    }
  }
}
