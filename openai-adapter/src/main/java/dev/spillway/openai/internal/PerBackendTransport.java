package dev.spillway.openai.internal;

import com.openai.core.RequestOptions;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One real transport per backend (scheme, host and port of the request): openai-java's OkHttp
 * client lets 64 requests be in flight at once, and queues the rest; one client per backend gives
 * each backend that limit instead of the whole pool sharing it, and keeps a slow backend from
 * holding the others' slots. Clients are created on a backend's first request and closed together.
 * Thread-safe.
 */
public final class PerBackendTransport implements HttpClient {
  private final Supplier<HttpClient> factory;
  private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param factory makes one backend's transport
   */
  public PerBackendTransport(Supplier<HttpClient> factory) {
    this.factory = factory;
  }

  @Override
  public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
    return client(request).execute(request, requestOptions);
  }

  @Override
  public CompletableFuture<HttpResponse> executeAsync(
      HttpRequest request, RequestOptions requestOptions) {
    return client(request).executeAsync(request, requestOptions);
  }

  private HttpClient client(HttpRequest request) {
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
    URI url = URI.create(request.url());
    String origin =
        url.getScheme().toLowerCase(Locale.ROOT)
            + "://"
            + url.getHost().toLowerCase(Locale.ROOT)
            + ":"
            + url.getPort();
    return clients.computeIfAbsent(origin, o -> factory.get());
  }

  @Override
  public void close() {
    closed = true;
    clients.values().forEach(HttpClient::close);
    clients.clear();
  }
}
