package dev.spillway.pool.spi;

import dev.spillway.Usage;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads a server-sent-event stream of chat or completion chunks as it passes to the caller: cuts it
 * into events, notes the reported usage, the response model and the bytes of generated text, and
 * drops the usage-only chunk ({@code "choices": []} with a {@code usage}) when the adapter itself
 * asked for it. Events reach the caller whole, as soon as their terminating blank line arrives.
 *
 * <p>Every buffer it returns is array-backed, starts at offset 0 and is exactly as long as its
 * content, because azure-ai-openai's event parser reads {@code ByteBuffer.array()} whole.
 *
 * <p>Not thread-safe: one instance per stream, fed in order by one subscriber.
 */
public final class EventStream {
  private static final byte[] DATA = {'d', 'a', 't', 'a', ':'};
  private static final byte[] DONE = {'[', 'D', 'O', 'N', 'E', ']'};

  private final boolean stripUsageChunk;
  private final CallCapture capture;
  private byte[] pending = new byte[1024];
  private int pendingLength;
  private Usage usage;
  private String model;
  private long textBytes;
  private boolean done;

  /**
   * Creates a reader for one stream.
   *
   * @param stripUsageChunk whether the adapter injected {@code include_usage}, so the usage-only
   *     chunk must not reach the caller
   */
  public EventStream(boolean stripUsageChunk) {
    this(stripUsageChunk, null);
  }

  /**
   * Creates a reader for one stream that also hands each event's JSON to the call's capture.
   *
   * @param stripUsageChunk as for {@link #EventStream(boolean)}
   * @param capture the call's capture, or {@code null}
   */
  public EventStream(boolean stripUsageChunk, CallCapture capture) {
    this.stripUsageChunk = stripUsageChunk;
    this.capture = capture;
    if (capture != null) {
      capture.streamStarted();
    }
  }

  /**
   * Takes the next bytes of the stream and returns the complete events they finish, minus a
   * stripped usage chunk; possibly empty.
   *
   * @param chunk the next bytes, consumed
   * @return the events to pass on
   */
  public ByteBuffer accept(ByteBuffer chunk) {
    append(chunk);
    byte[] out = null;
    int outLength = 0;
    int start = 0;
    int end;
    while ((end = eventEnd(start)) > 0) {
      if (keep(start, end)) {
        if (out == null) {
          out = new byte[pendingLength];
        }
        System.arraycopy(pending, start, out, outLength, end - start);
        outLength += end - start;
      }
      start = end;
    }
    System.arraycopy(pending, start, pending, 0, pendingLength - start);
    pendingLength -= start;
    // exact-size, array-backed buffers: the SDK's event parser reads ByteBuffer.array() whole
    return ByteBuffer.wrap(
        out == null ? new byte[0] : outLength == out.length ? out : Arrays.copyOf(out, outLength));
  }

  /**
   * Ends the stream.
   *
   * @return what is left of an unterminated last event, passed through as it came
   */
  public ByteBuffer finish() {
    ByteBuffer rest = ByteBuffer.wrap(Arrays.copyOf(pending, pendingLength));
    pendingLength = 0;
    return rest;
  }

  /**
   * The usage of the stream so far.
   *
   * @param promptTokens the request's prompt estimate
   * @return the reported usage, or an estimate from the prompt and the generated text
   */
  public Usage usage(long promptTokens) {
    if (usage != null) {
      return usage;
    }
    return Usage.estimated(
        promptTokens, (textBytes + RequestBody.BYTES_PER_TOKEN - 1) / RequestBody.BYTES_PER_TOKEN);
  }

  /**
   * @return whether the {@code data: [DONE]} event has passed: a caller that stops reading after it
   *     has read the whole answer
   */
  public boolean done() {
    return done;
  }

  /**
   * @return the first model a chunk named, or {@code null}
   */
  public String model() {
    return model;
  }

  private void append(ByteBuffer chunk) {
    int n = chunk.remaining();
    if (pendingLength + n > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + n));
    }
    chunk.get(pending, pendingLength, n);
    pendingLength += n;
  }

  /** The index after the blank line ending the event at {@code start}, or -1. */
  private int eventEnd(int start) {
    for (int i = start; i < pendingLength - 1; i++) {
      if (pending[i] != '\n') {
        continue;
      }
      if (pending[i + 1] == '\n') {
        return i + 2;
      }
      if (pending[i + 1] == '\r' && i + 2 < pendingLength && pending[i + 2] == '\n') {
        return i + 3;
      }
    }
    return -1;
  }

  /** Reads the event's data; false for the usage chunk the adapter asked for. */
  private boolean keep(int start, int end) {
    int lineStart = start;
    while (lineStart < end) {
      int lineEnd = lineStart;
      while (lineEnd < end && pending[lineEnd] != '\n') {
        lineEnd++;
      }
      if (startsWithData(lineStart, lineEnd)) {
        int from = lineStart + DATA.length;
        if (from < lineEnd && pending[from] == ' ') {
          from++;
        }
        int to = lineEnd > from && pending[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
        if (to - from == DONE.length && startsWith(from, DONE)) {
          done = true;
        }
        if (to > from && pending[from] == '{') {
          return read(
              capture != null
                  ? capture.streamEvent(pending, from, to - from)
                  : ResponseBody.parse(pending, from, to - from));
        }
      }
      lineStart = lineEnd + 1;
    }
    return true;
  }

  private boolean read(ResponseBody chunk) {
    if (model == null && chunk.model() != null) {
      model = chunk.model();
    }
    textBytes += chunk.textBytes();
    if (chunk.usage() == null) {
      return true;
    }
    usage = chunk.usage();
    return !(stripUsageChunk && chunk.choices() == 0);
  }

  private boolean startsWithData(int from, int to) {
    return to - from >= DATA.length && startsWith(from, DATA);
  }

  private boolean startsWith(int from, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (pending[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
