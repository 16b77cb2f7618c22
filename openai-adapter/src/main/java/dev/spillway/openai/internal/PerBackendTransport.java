package dev.spillway.openai.internal;

import com.openai.core.RequestOptions;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
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
    String origin = origin(request.url());
    return clients.computeIfAbsent(origin, o -> factory.get());
  }

  /**
   * The scheme and authority of {@code url}, lower-cased: the key of its backend's transport. Read
   * from the string rather than a parsed {@link java.net.URI}, as it runs on every attempt.
   *
   * @throws IllegalArgumentException if {@code url} is not absolute
   */
  static String origin(String url) {
    int authority = url.indexOf("://");
    if (authority <= 0) {
      throw new IllegalArgumentException("not an absolute URL: " + url);
    }
    int end = url.length();
    for (int i = authority + 3; i < end; i++) {
      char c = url.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    return url.substring(0, end).toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    closed = true;
    clients.values().forEach(HttpClient::close);
    clients.clear();
  }
}
