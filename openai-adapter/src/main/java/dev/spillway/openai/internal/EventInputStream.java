package dev.spillway.openai.internal;

import dev.spillway.pool.spi.EventStream;
import dev.spillway.spi.AttemptTimeoutException;
import dev.spillway.spi.CompletionHandle;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

/**
 * A 2xx response body on its way to the SDK, settling the attempt's completion handle: complete at
 * the end (with the stream's usage when it is read as server-sent events), failed on a read error
 * (a read that timed out is the attempt's idle timeout), cancelled when the SDK closes it early.
 *
 * <p>Not thread-safe: read by one SDK thread, like any response body.
 */
final class EventInputStream extends InputStream {
  private static final int READ_SIZE = 8192;

  private final InputStream source;
  private final EventStream events;
  private final long promptTokens;
  private final CompletionHandle handle;
  private final String backendId;
  private final Duration idleTimeout;
  private final byte[] readBuffer = new byte[READ_SIZE];
  private ByteBuffer ready = ByteBuffer.allocate(0);
  private boolean ended;

  /**
   * @param events the reader of a balanced stream, or {@code null} to pass bytes through unread
   */
  EventInputStream(
      InputStream source,
      EventStream events,
      long promptTokens,
      CompletionHandle handle,
      String backendId,
      Duration idleTimeout) {
    this.source = source;
    this.events = events;
    this.promptTokens = promptTokens;
    this.handle = handle;
    this.backendId = backendId;
    this.idleTimeout = idleTimeout;
  }

  @Override
  public int read() throws IOException {
    while (!ready.hasRemaining()) {
      if (ended) {
        return -1;
      }
      fill();
    }
    return ready.get() & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!ready.hasRemaining()) {
      if (ended) {
        return -1;
      }
      fill();
    }
    int n = Math.min(len, ready.remaining());
    ready.get(b, off, n);
    return n;
  }

  @Override
  public int available() {
    return ready.remaining();
  }

  private void fill() throws IOException {
    int n;
    try {
      n = source.read(readBuffer, 0, READ_SIZE);
    } catch (IOException | RuntimeException e) {
      ended = true;
      handle.fail(timedOut(e) ? idleTimeout(e) : e);
      throw e;
    }
    if (n < 0) {
      ended = true;
      ready = events == null ? ByteBuffer.allocate(0) : events.finish();
      if (events == null) {
        handle.complete(null);
      } else {
        handle.complete(events.usage(promptTokens), events.model());
      }
      return;
    }
    ready =
        events == null
            ? ByteBuffer.wrap(Arrays.copyOf(readBuffer, n))
            : events.accept(ByteBuffer.wrap(readBuffer, 0, n));
  }

  private static boolean timedOut(Throwable e) {
    return e instanceof InterruptedIOException; // OkHttp's read timeout: SocketTimeoutException
  }

  private AttemptTimeoutException idleTimeout(Throwable e) {
    AttemptTimeoutException timeout = new AttemptTimeoutException(backendId, idleTimeout);
    timeout.addSuppressed(e);
    return timeout;
  }

  /**
   * Closes the backend's body. A caller that closes after the {@code [DONE]} event has read the
   * whole answer (openai-java stops there): the call completed, with the usage the stream reported;
   * before it, the caller cancelled.
   */
  @Override
  public void close() throws IOException {
    if (!ended) {
      ended = true;
      if (events != null && events.done()) {
        handle.complete(events.usage(promptTokens), events.model());
      } else {
        handle.cancelled();
      }
    }
    source.close();
  }
}
