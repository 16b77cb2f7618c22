package dev.spillway.simulator;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A load check, not a test: how many small non-streaming chat requests per second the simulator
 * serves on loopback with zero latency, from N keep-alive connections driven by blocking raw-socket
 * clients (cheaper than an HTTP client library, so the figure is the server's). Run it from the
 * test classpath: {@code java -cp … dev.spillway.simulator.ThroughputCheck [connections]
 * [seconds]}.
 */
public final class ThroughputCheck {
  private ThroughputCheck() {}

  public static void main(String[] args) throws Exception {
    int connections = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    SimulatorConfig config =
        SimulatorConfig.of(
            ResourceConfig.of(
                "load",
                "key",
                DeploymentConfig.standard("d", 1_000_000_000L).withLatency(LatencyModel.NONE)));
    try (Simulator simulator = Simulator.start(config)) {
      int port = simulator.resource("load").port();
      byte[] body =
          "{\"messages\":[{\"role\":\"user\",\"content\":\"hello, world!\"}],\"max_tokens\":8}"
              .getBytes(StandardCharsets.UTF_8);
      byte[] request =
          ("POST /openai/deployments/d/chat/completions?api-version=2024-10-21 HTTP/1.1\r\n"
                  + "Host: 127.0.0.1\r\napi-key: key\r\nContent-Type: application/json\r\nContent-Length: "
                  + body.length
                  + "\r\n\r\n"
                  + new String(body, StandardCharsets.UTF_8))
              .getBytes(StandardCharsets.UTF_8);
      AtomicBoolean measuring = new AtomicBoolean();
      AtomicBoolean running = new AtomicBoolean(true);
      LongAdder done = new LongAdder();
      LongAdder failed = new LongAdder();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        Thread t =
            new Thread(() -> drive(port, request, running, measuring, done, failed), "load-" + i);
        t.start();
        threads.add(t);
      }
      Thread.sleep(3_000); // warm-up
      measuring.set(true);
      long start = System.nanoTime();
      Thread.sleep(seconds * 1_000L);
      long count = done.sum();
      double elapsed = (System.nanoTime() - start) / 1e9;
      running.set(false);
      for (Thread t : threads) {
        t.join(5_000);
      }
      System.out.printf(
          Locale.ROOT,
          "%d connections, %.1f s: %d requests, %.0f requests/s, %d failed%n",
          connections,
          elapsed,
          count,
          count / elapsed,
          failed.sum());
    }
  }

  private static void drive(
      int port,
      byte[] request,
      AtomicBoolean running,
      AtomicBoolean measuring,
      LongAdder done,
      LongAdder failed) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream(), 16_384);
      while (running.get()) {
        out.write(request);
        out.flush();
        if (!readResponse(in)) {
          failed.increment();
        }
        if (measuring.get()) {
          done.increment();
        }
      }
    } catch (IOException e) {
      failed.increment();
    }
  }

  /** Reads one response with a Content-Length body; returns whether it was a 200. */
  private static boolean readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int last4 = 0;
    while (last4 != 0x0D0A0D0A) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed");
      }
      head.append((char) b);
      last4 = (last4 << 8) | b;
    }
    String headers = head.toString().toLowerCase(Locale.ROOT);
    int at = headers.indexOf("content-length:");
    int end = headers.indexOf('\r', at);
    int length = Integer.parseInt(headers.substring(at + 15, end).trim());
    long skipped = in.readNBytes(length).length;
    return headers.startsWith("http/1.1 200") && skipped == length;
  }
}
