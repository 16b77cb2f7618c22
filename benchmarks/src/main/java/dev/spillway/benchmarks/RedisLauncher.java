package dev.spillway.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code redis-server} the {@code fleet} scenario shares between its pools: started from the
 * {@code PATH} on a free loopback port, keeping nothing on disk ({@code --save "" --appendonly
 * no}), and paused ({@code SIGSTOP}), resumed or killed to measure the store in each state. Not
 * thread-safe; {@link #close()} ends the process.
 */
final class RedisLauncher implements AutoCloseable {
  /** The program, looked up on the {@code PATH}. */
  static final String PROGRAM = "redis-server";

  private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Process process;
  private final int port;
  private boolean paused;

  private RedisLauncher(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * @return the program's path on the {@code PATH}, or null when it is not installed
   */
  static Path find() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, PROGRAM);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * Starts a server on a free loopback port and waits until it answers {@code PING}.
   *
   * @return the running server
   * @throws IOException when the program is missing or the server does not come up
   */
  static RedisLauncher start() throws IOException {
    Path program = find();
    if (program == null) {
      throw new IOException(PROGRAM + " not found on the PATH");
    }
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken meanwhile
      int port = freePort();
      Path dir = Files.createTempDirectory("spillway-bench-redis");
      Process p =
          new ProcessBuilder(
                  program.toString(),
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--dir",
                  dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.log").toFile())
              .start();
      RedisLauncher server = new RedisLauncher(p, port);
      try {
        server.awaitPing();
        Runtime.getRuntime()
            .addShutdownHook(new Thread(p::destroyForcibly, "bench-redis-shutdown-hook"));
        return server;
      } catch (IOException e) {
        p.destroyForcibly();
        last = e;
      }
    }
    throw last;
  }

  private void awaitPing() throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(PROGRAM + " exited with " + process.exitValue());
      }
      if (ping()) {
        return;
      }
      try {
        Thread.sleep(10); // polling a child process that is starting: nothing to wait on instead
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + PROGRAM, e);
      }
    }
    throw new IOException(PROGRAM + " did not answer PING on port " + port + " within 10 s");
  }

  /** Whether the server answers {@code PING} with {@code +PONG} within 200 ms. */
  boolean ping() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(200);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = 0;
      while (n < 7) {
        int r = in.read(buf, n, 7 - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      return new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }

  /**
   * @return {@code redis://127.0.0.1:port}
   */
  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Stops the process ({@code SIGSTOP}): it keeps its connections but answers nothing. */
  void pause() throws IOException, InterruptedException {
    signal("-STOP");
    paused = true;
  }

  /** Lets a paused process go on ({@code SIGCONT}). */
  void resume() throws IOException, InterruptedException {
    signal("-CONT");
    paused = false;
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder(List.of("kill", signal, Long.toString(process.pid())))
            .redirectErrorStream(true)
            .start();
    if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill " + signal + " " + process.pid() + " failed");
    }
  }

  /** Kills the process ({@code SIGKILL}) and waits for it to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    try {
      if (paused && process.isAlive()) {
        resume();
      }
    } catch (IOException e) {
      // killed below anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "RedisLauncher[" + uri() + ", pid " + process.pid() + "]";
  }
}
