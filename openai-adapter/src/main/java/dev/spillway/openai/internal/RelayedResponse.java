package dev.spillway.openai.internal;

import com.openai.core.http.Headers;
import com.openai.core.http.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A backend's response handed to the SDK: its status and headers, and a body either in memory or
 * streamed through an {@link EventInputStream}. Closing it releases the backend's response.
 */
final class RelayedResponse implements HttpResponse {
  private final int status;
  private final Headers headers;
  private final InputStream body;
  private final Runnable onClose;

  private RelayedResponse(int status, Headers headers, InputStream body, Runnable onClose) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.onClose = onClose;
  }

  /** A response whose body is in memory; the backend's response is already closed. */
  static RelayedResponse buffered(HttpResponse real, byte[] body) {
    return new RelayedResponse(
        real.statusCode(), real.headers(), new ByteArrayInputStream(body), () -> {});
  }

  /**
   * A response whose body streams from {@code body}. When the body may be shorter than what the
   * backend sent ({@code filtered}), the backend's {@code Content-Length} is dropped.
   */
  static RelayedResponse streamed(HttpResponse real, InputStream body, boolean filtered) {
    Headers headers = real.headers();
    if (filtered && !headers.values("Content-Length").isEmpty()) {
      headers = headers.toBuilder().remove("Content-Length").build();
    }
    return new RelayedResponse(
        real.statusCode(),
        headers,
        body,
        () -> {
          try {
            body.close();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } finally {
            real.close();
          }
        });
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
    return body;
  }

  @Override
  public void close() {
    onClose.run();
  }
}
