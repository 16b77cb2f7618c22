package dev.spillway.openai.internal;

import com.openai.core.http.Headers;
import com.openai.core.http.HttpResponse;
import dev.spillway.pool.spi.ThrottledReply;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;

/**
 * The {@link ThrottledReply} as openai-java's response, which it raises as its {@code
 * RateLimitException}. Immutable.
 */
final class ThrottledResponse implements HttpResponse {
  private final Headers headers;
  private final byte[] body;

  ThrottledResponse(Duration retryAfter, String model) {
    ThrottledReply reply = ThrottledReply.of(retryAfter, model);
    this.body = reply.body();
    this.headers =
        Headers.builder()
            .put("Retry-After", reply.retryAfterSeconds())
            .put("retry-after-ms", reply.retryAfterMillis())
            .put("Content-Type", "application/json")
            .put("Content-Length", Integer.toString(body.length))
            .build();
  }

  @Override
  public int statusCode() {
    return ThrottledReply.STATUS;
  }

  @Override
  public Headers headers() {
    return headers;
  }

  @Override
  public InputStream body() {
    return new ByteArrayInputStream(body);
  }

  @Override
  public void close() {}
}
