package dev.spillway.azure.internal;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.FluxUtil;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A backend's response handed to the SDK: its status and headers, a body that is either buffered or
 * a (filtered) stream, and the SDK's own request, never the attempt's request that carried the
 * backend's credential. Thread-safe as far as the body allows (a stream can be read once).
 */
final class RelayedHttpResponse extends HttpResponse {
  private final int status;
  private final HttpHeaders headers;
  private final byte[] buffered;
  private final Flux<ByteBuffer> stream;
  private final Runnable onClose;

  private RelayedHttpResponse(
      HttpRequest request,
      int status,
      HttpHeaders headers,
      byte[] buffered,
      Flux<ByteBuffer> stream,
      Runnable onClose) {
    super(request);
    this.status = status;
    this.headers = headers;
    this.buffered = buffered;
    this.stream = stream;
    this.onClose = onClose;
  }

  /** A response whose body is in memory. */
  static RelayedHttpResponse buffered(HttpRequest request, HttpResponse real, byte[] body) {
    return new RelayedHttpResponse(
        request, real.getStatusCode(), real.getHeaders(), body, null, () -> {});
  }

  /**
   * A response whose body streams from {@code body}; {@code onClose} runs on close. When the body
   * may be shorter than what the backend sent, the backend's {@code Content-Length} is dropped.
   */
  static RelayedHttpResponse streamed(
      HttpRequest request,
      HttpResponse real,
      Flux<ByteBuffer> body,
      boolean filtered,
      Runnable onClose) {
    HttpHeaders headers = real.getHeaders();
    if (filtered && headers.get(HttpHeaderName.CONTENT_LENGTH) != null) {
      headers = new HttpHeaders(headers);
      headers.remove(HttpHeaderName.CONTENT_LENGTH);
    }
    return new RelayedHttpResponse(
        request,
        real.getStatusCode(),
        headers,
        null,
        body,
        () -> {
          onClose.run();
          real.close();
        });
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
  public String getHeaderValue(HttpHeaderName name) {
    return headers.getValue(name);
  }

  @Override
  public HttpHeaders getHeaders() {
    return headers;
  }

  @Override
  public Flux<ByteBuffer> getBody() {
    // a fresh, exact, writable array per subscriber: the SDK may read ByteBuffer.array()
    return buffered != null
        ? Flux.defer(() -> Flux.just(ByteBuffer.wrap(buffered.clone())))
        : stream;
  }

  @Override
  public BinaryData getBodyAsBinaryData() {
    return buffered != null ? BinaryData.fromBytes(buffered) : super.getBodyAsBinaryData();
  }

  @Override
  public Mono<byte[]> getBodyAsByteArray() {
    return buffered != null ? Mono.just(buffered) : FluxUtil.collectBytesInByteBufferStream(stream);
  }

  @Override
  public Mono<String> getBodyAsString() {
    return getBodyAsString(StandardCharsets.UTF_8);
  }

  @Override
  public Mono<String> getBodyAsString(Charset charset) {
    return getBodyAsByteArray().map(bytes -> new String(bytes, charset));
  }

  @Override
  public HttpResponse buffer() {
    return buffered != null ? this : super.buffer();
  }

  @Override
  public void close() {
    onClose.run();
  }
}
