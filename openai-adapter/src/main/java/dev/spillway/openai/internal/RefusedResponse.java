package dev.spillway.openai.internal;

import com.openai.core.http.Headers;
import com.openai.core.http.HttpResponse;
import dev.spillway.pool.spi.RefusedReply;
import java.io.ByteArrayInputStream;
import java.io.InputStream;

/**
 * A {@link RefusedReply} as openai-java's response, which it raises as its {@code
 * RateLimitException} (429) or {@code PermissionDeniedException} (403). Immutable.
 */
final class RefusedResponse implements HttpResponse {
  private final int status;
  private final Headers headers;
  private final byte[] body;

  RefusedResponse(RefusedReply reply) {
    this.status = reply.status();
    this.body = reply.body();
    Headers.Builder b = Headers.builder();
    if (reply.retryAfterSeconds() != null) {
      b.put("Retry-After", reply.retryAfterSeconds());
      b.put("retry-after-ms", reply.retryAfterMillis());
    }
    if (reply.rejection() != null) {
      b.put(RefusedReply.REJECTION_HEADER, reply.rejection());
    }
    this.headers =
        b.put("Content-Type", "application/json")
            .put("Content-Length", Integer.toString(body.length))
            .build();
  }

  @Override
  public int statusCode() {
    return status;
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
