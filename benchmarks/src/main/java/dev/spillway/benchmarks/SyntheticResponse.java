package dev.spillway.benchmarks;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A response made by a router or stub instead of a backend (e.g. "all deployments cooling"). */
final class SyntheticResponse extends HttpResponse {
  private final int status;
  private final HttpHeaders headers;
  private final byte[] body;

  SyntheticResponse(HttpRequest request, int status, HttpHeaders headers, byte[] body) {
    super(request);
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  /**
   * A 429 in Azure's error shape, with a {@code Retry-After} in whole seconds when {@code
   * retryAfterSeconds > 0}.
   */
  static SyntheticResponse throttled(HttpRequest request, String message, long retryAfterSeconds) {
    HttpHeaders headers = new HttpHeaders().set(HttpHeaderName.CONTENT_TYPE, "application/json");
    if (retryAfterSeconds > 0) {
      headers.set(HttpHeaderName.RETRY_AFTER, Long.toString(retryAfterSeconds));
    }
    String json = "{\"error\":{\"code\":\"429\",\"message\":\"" + message + "\"}}";
    return new SyntheticResponse(request, 429, headers, json.getBytes(StandardCharsets.UTF_8));
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
    return Flux.defer(() -> Flux.just(ByteBuffer.wrap(body)));
  }

  @Override
  public Mono<byte[]> getBodyAsByteArray() {
    return Mono.just(body);
  }

  @Override
  public Mono<String> getBodyAsString() {
    return Mono.just(new String(body, StandardCharsets.UTF_8));
  }

  @Override
  public Mono<String> getBodyAsString(Charset charset) {
    return Mono.just(new String(body, charset));
  }
}
