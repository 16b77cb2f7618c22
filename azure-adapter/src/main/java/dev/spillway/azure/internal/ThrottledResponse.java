package dev.spillway.azure.internal;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The synthetic 429 of {@code SpillwayThrottledException}: {@code Retry-After} in whole seconds
 * (rounded up), {@code retry-after-ms}, and an Azure-style error body. Immutable.
 */
public final class ThrottledResponse extends HttpResponse {
  static final HttpHeaderName RETRY_AFTER_MS = HttpHeaderName.fromString("retry-after-ms");

  private final HttpHeaders headers = new HttpHeaders();
  private final byte[] body;

  /**
   * Creates the response.
   *
   * @param request the SDK's request
   * @param retryAfter when the earliest route becomes available
   * @param model the model asked for
   */
  public ThrottledResponse(HttpRequest request, Duration retryAfter, String model) {
    super(request);
    long millis = Math.max(0, retryAfter.toMillis());
    headers.set(HttpHeaderName.RETRY_AFTER, Long.toString((millis + 999) / 1000));
    headers.set(RETRY_AFTER_MS, Long.toString(millis));
    headers.set(HttpHeaderName.CONTENT_TYPE, "application/json");
    String message =
        "Spillway: every route for model '"
            + jsonSafe(model)
            + "' is cooling down; retry after "
            + millis
            + " ms.";
    this.body =
        ("{\"error\":{\"code\":\"429\",\"message\":\"" + message + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    headers.set(HttpHeaderName.CONTENT_LENGTH, Integer.toString(body.length));
  }

  private static String jsonSafe(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c >= 0x20 && c != '"' && c != '\\') {
        out.append(c);
      }
    }
    return out.toString();
  }

  @Override
  public int getStatusCode() {
    return 429;
  }

  @Override
  @Deprecated
  public String getHeaderValue(String name) {
    return headers.getValue(HttpHeaderName.fromString(name));
  }

  @Override
  public HttpHeaders getHeaders() {
    return headers;
  }

  @Override
  public Flux<ByteBuffer> getBody() {
    return Flux.defer(() -> Flux.just(ByteBuffer.wrap(body.clone())));
  }

  @Override
  public Mono<byte[]> getBodyAsByteArray() {
    return Mono.just(body.clone());
  }

  @Override
  public Mono<String> getBodyAsString() {
    return getBodyAsString(StandardCharsets.UTF_8);
  }

  @Override
  public Mono<String> getBodyAsString(Charset charset) {
    return Mono.just(new String(body, charset));
  }
}
