package dev.spillway.redis.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} process on a free loopback port, for tests. It keeps nothing on disk
 * ({@code --save "" --appendonly no}, its working directory a temporary one) and can be stopped,
 * killed, paused and restarted on the same port, so that tests see what a client sees when the
 * server goes away, hangs or comes back.
 *
 * <p>Use it in try-with-resources or close it in an {@code @AfterEach}: {@link #close()} ends the
 * process, a JVM shutdown hook kills any still running as a backstop, and a watchdog process kills
 * the server when the JVM dies without running its hooks (a forked test JVM killed on a timeout).
 * Tests that use it carry {@code @RequiresProgram("redis-server")} ({@code dev.spillway.testing}),
 * so they are skipped where Redis is not installed, and fail on CI.
 *
 * <p>Credentials ({@link Builder#password}, {@link Builder#user}) reach the server on its standard
 * input, never its command line, and appear in no message or {@link #toString()}.
 */
public final class RedisServer implements AutoCloseable {
  /** The program, looked up on the {@code PATH}. */
  public static final String PROGRAM = "redis-server";

  private static final String HOST = "127.0.0.1";
  private static final Duration IO_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration POLL = Duration.ofMillis(10);
  private static final int START_ATTEMPTS = 3;

  /** Every process (server or watchdog) not yet seen to exit, killed by the shutdown hook. */
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(Process::destroyForcibly), "redis-server-shutdown-hook"));
  }

  private final String password;
  private final String user;
  private final Duration startTimeout;
  private final List<List<String>> settings;
  private final Path dir;
  private final Path log;
  private int port;
  private volatile Process process;
  private volatile boolean paused;
  private boolean closed;

  private RedisServer(Builder builder) throws IOException {
    this.password = builder.password;
    this.user = builder.user;
    this.startTimeout = builder.startTimeout;
    this.settings = List.copyOf(builder.settings);
    this.port = builder.port;
    this.dir = Files.createTempDirectory("spillway-redis-");
    this.log = dir.resolve("redis.log");
  }

  /**
   * A server without authentication, started.
   *
   * @return the running server
   */
  public static RedisServer start() {
    return builder().start();
  }

  /**
   * A builder for a server with options.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The server's address without credentials.
   *
   * @return {@code redis://127.0.0.1:port}
   */
  public URI uri() {
    return uri(null, null);
  }

  /**
   * The server's address with the credentials it was built with ({@link Builder#user} or {@link
   * Builder#password}). The URI holds the password: do not log it.
   *
   * @return {@code redis://user:password@127.0.0.1:port}, or {@code redis://:password@…} for the
   *     default user, or {@link #uri()} without credentials
   */
  public URI uriWithCredentials() {
    return uri(user, user != null || password != null ? password : null);
  }

  /**
   * The server's address with the given credentials, right or wrong.
   *
   * @param username the ACL user, or {@code null} for the default user
   * @param secret the password, or {@code null} for none
   * @return {@code redis://[user][:password@]127.0.0.1:port}, URL-encoded
   */
  public URI uri(String username, String secret) {
    StringBuilder s = new StringBuilder("redis://");
    if (username != null || secret != null) {
      if (username != null) {
        s.append(encode(username));
      }
      if (secret != null) {
        s.append(':').append(encode(secret));
      }
      s.append('@');
    }
    s.append(HOST).append(':').append(port);
    try {
      return new URI(s.toString());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("not a URI: redis://…@" + HOST + ":" + port, e);
    }
  }

  /**
   * @return the loopback port, the same across {@link #restart()}s
   */
  public int port() {
    return port;
  }

  /**
   * @return the process id of the current process
   * @throws IllegalStateException when no process runs
   */
  public long pid() {
    return running().pid();
  }

  /**
   * @return whether the current process is alive (a paused one is)
   */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Sends one command over a fresh connection (authenticated with the server's credentials) and
   * returns its reply: a simple or bulk string, an integer as a string, or a list of those for an
   * array.
   *
   * @param args the command and its arguments
   * @return the reply ({@code null} for a nil reply)
   * @throws IllegalStateException when the server answers with an error
   * @throws UncheckedIOException when it cannot be reached within two seconds
   */
  public Object call(String... args) {
    try (Socket socket = connect()) {
      return Resp.call(socket, args);
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server on port " + port + " did not answer", e);
    }
  }

  /**
   * Stops the server gracefully ({@code SHUTDOWN NOSAVE}, or {@code SIGTERM} if that is not
   * answered) and waits for the process to exit. Resumes a paused server first. Does nothing when
   * it is not running.
   */
  public synchronized void stop() {
    if (!isRunning()) {
      return;
    }
    if (paused) {
      resume();
    }
    Process p = process;
    try (Socket socket = connect()) {
      Resp.send(socket, "SHUTDOWN", "NOSAVE");
    } catch (IOException | RuntimeException e) {
      // not answered: SIGTERM below
    }
    if (!awaitExit(p, Duration.ofSeconds(5))) {
      p.destroy();
      if (!awaitExit(p, Duration.ofSeconds(5))) {
        p.destroyForcibly();
        awaitExit(p, Duration.ofSeconds(5));
      }
    }
    exited(p);
  }

  /**
   * Kills the server with {@code SIGKILL}, as a crash would, and waits for the process to exit: its
   * sockets are closed by the kernel. Does nothing when it is not running.
   */
  public synchronized void kill() {
    if (!isRunning()) {
      return;
    }
    Process p = process;
    p.destroyForcibly();
    if (!awaitExit(p, Duration.ofSeconds(10))) {
      throw new IllegalStateException("redis-server pid " + p.pid() + " survived SIGKILL");
    }
    paused = false;
    exited(p);
  }

  /**
   * Freezes the server with {@code SIGSTOP}: its connections stay open and the kernel still accepts
   * new ones, but nothing is answered, as with a hung server or a long pause. Returns once the
   * process is stopped.
   *
   * @throws IllegalStateException when it is not running or already paused
   */
  public synchronized void pause() {
    if (paused) {
      throw new IllegalStateException("already paused");
    }
    long pid = running().pid();
    signal("-STOP", pid);
    awaitState(pid, true);
    paused = true;
  }

  /**
   * Thaws a {@link #pause() paused} server with {@code SIGCONT}. Returns once the process runs
   * again.
   *
   * @throws IllegalStateException when it is not paused
   */
  public synchronized void resume() {
    if (!paused) {
      throw new IllegalStateException("not paused");
    }
    long pid = running().pid();
    signal("-CONT", pid);
    awaitState(pid, false);
    paused = false;
  }

  /**
   * Stops the server if it runs ({@link #stop()}) and starts a new, empty one on the same port with
   * the same options, returning once it answers.
   *
   * @throws IllegalStateException when it does not start
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    stop();
    launch(false);
  }

  /** Ends the process ({@link #stop()}, or {@link #kill()} if stopping fails) and its directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } finally {
      kill();
      deleteDir();
    }
  }

  @Override
  public String toString() {
    Process p = process;
    String state =
        p == null || !p.isAlive()
            ? "not running"
            : (paused ? "paused" : "running") + ", pid " + p.pid();
    return "RedisServer[" + HOST + ":" + port + ", " + state + "]";
  }

  private RedisServer launch(boolean mayMove) {
    for (int attempt = 1; ; attempt++) {
      boolean freePort = port == 0;
      if (freePort) {
        port = freePort();
      }
      try {
        startProcess();
        return this;
      } catch (AddressInUse e) {
        // another process took the port between the probe and the bind: try another
        if (!(mayMove && freePort) || attempt == START_ATTEMPTS) {
          throw new IllegalStateException(e.getMessage(), e);
        }
        port = 0;
      }
    }
  }

  private void startProcess() {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            PROGRAM,
            "-", // the configuration below comes on standard input, then the arguments
            "--port",
            String.valueOf(port),
            "--bind",
            HOST,
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            dir.toString(),
            "--logfile",
            ""));
    settings.forEach(
        setting -> {
          command.add("--" + setting.get(0));
          command.add(setting.get(1));
        });
    Process p;
    try {
      Files.deleteIfExists(log);
      p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(PROGRAM + " did not start (is it on the PATH?)", e);
    }
    LIVE.add(p);
    watch(p);
    process = p;
    paused = false;
    try {
      try (OutputStream in = p.getOutputStream()) {
        in.write(config().getBytes(StandardCharsets.UTF_8));
      }
      awaitPong(p);
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      awaitExit(p, Duration.ofSeconds(10));
      exited(p);
      String logTail = logTail();
      if (logTail.contains("Address already in use")) {
        throw new AddressInUse(PROGRAM + " could not bind port " + port + ":\n" + logTail);
      }
      throw new IllegalStateException(
          PROGRAM + " on port " + port + " did not answer: " + e + "\n" + logTail, e);
    }
  }

  private String config() {
    StringBuilder c = new StringBuilder();
    if (password != null && user == null) {
      c.append("requirepass ").append(quote(password)).append('\n');
    }
    if (user != null) {
      c.append("user ")
          .append(quote(user))
          .append(" on ")
          .append(quote(">" + password))
          .append(" ~* &* +@all\n");
      c.append("user default off\n");
    }
    return c.toString();
  }

  private void awaitPong(Process p) throws IOException {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException(PROGRAM + " exited with status " + p.exitValue());
      }
      try (Socket socket = connect()) {
        // the process's own PID in the answer: not another server that holds the port
        Object info = Resp.call(socket, "INFO", "server");
        if (info instanceof String s && s.contains("\nprocess_id:" + p.pid() + "\r\n")) {
          return;
        }
      } catch (IOException e) {
        last = e;
      } catch (IllegalStateException e) {
        // LOADING and the like: not ready yet
      }
      awaitExit(p, POLL); // a pause that ends at once if the process dies
    }
    throw new IOException("no answer within " + startTimeout, last);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(HOST, port), (int) IO_TIMEOUT.toMillis());
      socket.setSoTimeout((int) IO_TIMEOUT.toMillis());
      if (user != null) {
        Resp.call(socket, "AUTH", user, password);
      } else if (password != null) {
        Resp.call(socket, "AUTH", password);
      }
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Starts a watchdog that kills {@code p} when this JVM dies, even by {@code SIGKILL} (no shutdown
   * hook then): a shell blocked reading a pipe from this JVM, whose end the kernel closes with the
   * JVM. When {@code p} exits first the watchdog is ended without killing anything.
   */
  private static void watch(Process p) {
    Process watchdog;
    try {
      watchdog =
          new ProcessBuilder("sh", "-c", "read -r _ignored; kill -9 " + p.pid() + " 2>/dev/null")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      return; // the shutdown hook and close() remain
    }
    LIVE.add(watchdog);
    p.onExit()
        .thenRun(
            () -> {
              watchdog.destroyForcibly();
              LIVE.remove(watchdog);
            });
  }

  private Process running() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException("redis-server on port " + port + " is not running");
    }
    return p;
  }

  private synchronized void exited(Process p) {
    LIVE.remove(p);
    if (process == p) {
      paused = false;
    }
  }

  private static boolean awaitExit(Process p, Duration timeout) {
    try {
      p.onExit().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    } catch (ExecutionException e) {
      return !p.isAlive();
    }
  }

  private static void signal(String signal, long pid) {
    try {
      Process kill = new ProcessBuilder("kill", signal, String.valueOf(pid)).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        kill.destroyForcibly();
        throw new IllegalStateException("kill " + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("kill " + signal + " " + pid + " did not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Waits until the process is stopped (state {@code T} in {@code /proc/pid/stat}) or not; returns
   * at once where there is no {@code /proc}, the signal having been sent.
   */
  private static void awaitState(long pid, boolean stopped) {
    Path stat = Path.of("/proc", String.valueOf(pid), "stat");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (Files.isReadable(stat)) {
      String s;
      try {
        s = Files.readString(stat, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        return; // exited meanwhile
      }
      // "pid (comm) S ...": the state follows the last ')'
      int close = s.lastIndexOf(')');
      char state = close >= 0 && close + 2 < s.length() ? s.charAt(close + 2) : '?';
      if ((state == 'T' || state == 't') == stopped) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "redis-server pid " + pid + " still in state " + state + " after the signal");
      }
      LockSupport.parkNanos(POLL.toNanos() / 10);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
      return redact(tail);
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Redis echoes a configuration line it rejects, password and all. */
  private String redact(String text) {
    String out = text;
    if (password != null && !password.isEmpty()) {
      out = out.replace(password, "****");
    }
    return out;
  }

  private void deleteDir() {
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
      for (Path f : all) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      // a temporary directory; the OS cleans up what is left
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A configuration-file argument in double quotes, with Redis's escapes. */
  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** Options of a {@link RedisServer}. */
  public static final class Builder {
    private String password;
    private String user;
    private int port;
    private Duration startTimeout = Duration.ofSeconds(10);
    private final List<List<String>> settings = new ArrayList<>();

    private Builder() {}

    /**
     * Requires a password ({@code requirepass}): the default user's, or with {@link #user} the ACL
     * user's.
     *
     * @param secret the password
     * @return this builder
     */
    public Builder password(String secret) {
      if (secret == null || secret.isEmpty()) {
        throw new IllegalArgumentException("empty password");
      }
      this.password = secret;
      return this;
    }

    /**
     * Adds an ACL user with every permission and switches the default user off, so that only this
     * user (with the {@link #password}) can connect.
     *
     * @param name the user name
     * @param secret the user's password
     * @return this builder
     */
    public Builder user(String name, String secret) {
      if (name == null || name.isEmpty() || name.equals("default")) {
        throw new IllegalArgumentException("user name must be set and not 'default'");
      }
      this.user = name;
      return password(secret);
    }

    /**
     * Another configuration directive, given on the command line as {@code --name value} after the
     * harness's own (so it can override them), and again on every restart. Not for secrets: use
     * {@link #password} and {@link #user}.
     *
     * @param name the directive, such as {@code notify-keyspace-events}
     * @param value its value
     * @return this builder
     */
    public Builder setting(String name, String value) {
      if (name == null || name.isBlank() || name.startsWith("-") || value == null) {
        throw new IllegalArgumentException("setting " + name);
      }
      settings.add(List.of(name, value));
      return this;
    }

    /**
     * A fixed port instead of a free one.
     *
     * @param fixedPort the port
     * @return this builder
     */
    public Builder port(int fixedPort) {
      if (fixedPort <= 0 || fixedPort > 65535) {
        throw new IllegalArgumentException("port " + fixedPort);
      }
      this.port = fixedPort;
      return this;
    }

    /**
     * How long a start may take to answer (default 10 s).
     *
     * @param timeout the bound
     * @return this builder
     */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    /**
     * Starts the server and waits until it answers.
     *
     * @return the running server
     * @throws IllegalStateException when it does not start or answer within the start timeout
     */
    public RedisServer start() {
      RedisServer server;
      try {
        server = new RedisServer(this);
      } catch (IOException e) {
        throw new UncheckedIOException("no temporary directory", e);
      }
      try {
        return server.launch(true);
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
    }
  }

  private static final class AddressInUse extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AddressInUse(String message) {
      super(message);
    }
  }

  /** Just enough RESP2 for the harness: commands as arrays of bulk strings, replies parsed. */
  static final class Resp {
    private Resp() {}

    static Object call(Socket socket, String... args) throws IOException {
      send(socket, args);
      return read(new BufferedInputStream(socket.getInputStream()));
    }

    static void send(Socket socket, String... args) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      for (String a : args) {
        byte[] b = a.getBytes(StandardCharsets.UTF_8);
        out.write(("$" + b.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(b);
        out.write("\r\n".getBytes(StandardCharsets.UTF_8));
      }
      socket.getOutputStream().write(out.toByteArray());
      socket.getOutputStream().flush();
    }

    private static Object read(InputStream in) throws IOException {
      String line = line(in);
      if (line.isEmpty()) {
        throw new IOException("empty reply");
      }
      String rest = line.substring(1);
      switch (line.charAt(0)) {
        case '+':
        case ':':
          return rest;
        case '-':
          throw new IllegalStateException(rest);
        case '$':
          int len = Integer.parseInt(rest);
          if (len < 0) {
            return null;
          }
          byte[] b = in.readNBytes(len + 2);
          if (b.length != len + 2) {
            throw new IOException("connection closed in a reply");
          }
          return new String(b, 0, len, StandardCharsets.UTF_8);
        case '*':
          int n = Integer.parseInt(rest);
          if (n < 0) {
            return null;
          }
          List<Object> items = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            items.add(read(in));
          }
          return items;
        default:
          throw new IOException("not a RESP2 reply: " + line);
      }
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int prev = -1;
      while (true) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("connection closed before a reply");
        }
        if (prev == '\r' && c == '\n') {
          byte[] bytes = b.toByteArray();
          return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
        }
        b.write(c);
        prev = c;
      }
    }
  }
}
