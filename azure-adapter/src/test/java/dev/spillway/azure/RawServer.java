package dev.spillway.azure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A tiny HTTP/1.1 server on a raw socket for what WireMock cannot do: a stream of SSE events with
 * pauses between them, ended normally, by a connection reset, or not at all (the connection stays
 * open, silent, until the server closes).
 */
final class RawServer implements AutoCloseable {
  enum End {
    COMPLETE,
    RESET,
    STALL
  }

  private final ServerSocket socket;
  private final List<String> events;
  private final long pauseMillis;
  private final End end;
  final List<String> requests = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private final CountDownLatch closed = new CountDownLatch(1);

  RawServer(List<String> events, long pauseMillis, End end) throws IOException {
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.events = events;
    this.pauseMillis = pauseMillis;
    this.end = end;
    this.acceptor = new Thread(this::acceptLoop, "raw-server-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        Thread t = new Thread(() -> serve(connection), "raw-server-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      requests.add(readRequest(connection.getInputStream()));
      OutputStream out = connection.getOutputStream();
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (int i = 0; i < events.size(); i++) {
        if (i > 0) {
          pause();
        }
        byte[] data = events.get(i).getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      switch (end) {
        case COMPLETE:
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          break;
        case RESET:
          pause();
          connection.setSoLinger(true, 0); // close() sends RST
          break;
        default:
          closed.await(); // stalls until the test closes the server
      }
    } catch (IOException | InterruptedException e) {
      // the client went away
    }
  }

  /**
   * The server's pacing between two writes: how slowly it streams is the behaviour under test (the
   * client's idle timeout runs on real time), not a wait for something to happen.
   */
  private void pause() throws InterruptedException {
    Thread.sleep(pauseMillis);
  }

  private static String readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        break;
      }
    }
    String headers = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return headers + new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    socket.close();
  }
}
