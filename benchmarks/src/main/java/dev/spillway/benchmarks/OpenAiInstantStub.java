package dev.spillway.benchmarks;

import com.openai.core.RequestOptions;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * {@link InstantStubHttpClient}'s canned answer as openai-java's transport: every request gets the
 * same 200 chat completion at once, without a socket. Thread-safe.
 */
final class OpenAiInstantStub implements HttpClient {
  private static final Headers HEADERS =
      Headers.builder()
          .put("Content-Type", "application/json")
          .put("x-ms-region", "Sweden Central")
          .put("x-ratelimit-remaining-tokens", "299000")
          .put("x-ratelimit-remaining-requests", "1799")
          .build();

  @Override
  public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
    try (var body = request.body()) {
      if (body != null) {
        body.writeTo(OutputStream.nullOutputStream()); // as a transport reads it
      }
    }
    return new Response();
  }

  @Override
  public CompletableFuture<HttpResponse> executeAsync(
      HttpRequest request, RequestOptions requestOptions) {
    return CompletableFuture.completedFuture(execute(request, requestOptions));
  }

  @Override
  public void close() {}

  private static final class Response implements HttpResponse {
    private final InputStream body = new ByteArrayInputStream(InstantStubHttpClient.BODY);

    @Override
    public int statusCode() {
      return 200;
    }

    @Override
    public Headers headers() {
      return HEADERS;
    }

    @Override
    public InputStream body() {
      return body;
    }

    @Override
    public void close() {}
  }
}
