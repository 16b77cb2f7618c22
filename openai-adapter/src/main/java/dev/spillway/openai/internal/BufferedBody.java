package dev.spillway.openai.internal;

import com.openai.core.http.HttpRequestBody;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** A request body in memory: repeatable, written as is. Immutable. */
final class BufferedBody implements HttpRequestBody {
  private final byte[] bytes;
  private final String contentType;

  BufferedBody(byte[] bytes, String contentType) {
    this.bytes = bytes;
    this.contentType = contentType;
  }

  @Override
  public void writeTo(OutputStream outputStream) {
    try {
      outputStream.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String contentType() {
    return contentType;
  }

  @Override
  public long contentLength() {
    return bytes.length;
  }

  @Override
  public boolean repeatable() {
    return true;
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "BufferedBody[" + bytes.length + " bytes]"; // never the content
  }
}
