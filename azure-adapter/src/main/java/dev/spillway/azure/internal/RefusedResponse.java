package dev.spillway.azure.internal;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import dev.spillway.pool.spi.RefusedReply;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The synthetic response of {@code SpillwayThrottledException} and {@code
 * SpillwayForbiddenException}: a {@link RefusedReply} as an azure-core response. Immutable.
 */
public final class RefusedResponse extends HttpResponse {
  static final HttpHeaderName RETRY_AFTER_MS = HttpHeaderName.fromString("retry-after-ms");
  private static final HttpHeaderName REJECTION =
      HttpHeaderName.fromString(RefusedReply.REJECTION_HEADER);

  private final HttpHeaders headers = new HttpHeaders();
  private final int status;
  private final byte[] body;

  /**
   * Creates the response.
   *
   * @param request the SDK's request
   * @param reply what to answer
   */
  public RefusedResponse(HttpRequest request, RefusedReply reply) {
    super(request);
    this.status = reply.status();
    if (reply.retryAfterSeconds() != null) {
      headers.set(HttpHeaderName.RETRY_AFTER, reply.retryAfterSeconds());
      headers.set(RETRY_AFTER_MS, reply.retryAfterMillis());
    }
    if (reply.rejection() != null) {
      headers.set(REJECTION, reply.rejection());
    }
    headers.set(HttpHeaderName.CONTENT_TYPE, "application/json");
    this.body = reply.body();
    headers.set(HttpHeaderName.CONTENT_LENGTH, Integer.toString(body.length));
  }

  @Override
  public int getStatusCode() {
    return status;
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
