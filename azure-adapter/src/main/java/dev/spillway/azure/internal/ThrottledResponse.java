package dev.spillway.azure.internal;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import dev.spillway.pool.spi.ThrottledReply;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The synthetic 429 of {@code SpillwayThrottledException}: the {@link ThrottledReply} as an
 * azure-core response. Immutable.
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
    ThrottledReply reply = ThrottledReply.of(retryAfter, model);
    headers.set(HttpHeaderName.RETRY_AFTER, reply.retryAfterSeconds());
    headers.set(RETRY_AFTER_MS, reply.retryAfterMillis());
    headers.set(HttpHeaderName.CONTENT_TYPE, "application/json");
    this.body = reply.body();
    headers.set(HttpHeaderName.CONTENT_LENGTH, Integer.toString(body.length));
  }

  @Override
  public int getStatusCode() {
    return ThrottledReply.STATUS;
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
