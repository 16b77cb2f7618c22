package dev.spillway.redis.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spillway.testing.RequiresProgram;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@RequiresProgram(RedisServer.PROGRAM)
class RedisServerTest {

  /** Whether the process runs: a zombie (dead, not yet reaped by its new parent) does not. */
  private static boolean alive(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false; // gone meanwhile (or no /proc: isAlive said so)
    }
  }

  /** Run in a child JVM: starts a server, prints its PID, and waits for its standard input. */
  static final class StartsAServerAndWaits {
    private StartsAServerAndWaits() {}

    public static void main(String[] args) throws IOException {
      RedisServer server = RedisServer.start();
      System.out.println(server.pid());
      System.out.flush();
      int unused = System.in.read(); // never closes the server: the JVM is killed first
    }
  }

  @Test
  void aJvmKilledWithoutItsShutdownHooksLeavesNoServer() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process jvm =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                StartsAServerAndWaits.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      String line =
          new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      assertThat(line).as("the child JVM's output").isNotNull().containsPattern("^[0-9]+$");
      long pid = Long.parseLong(line);
      assertThat(alive(pid)).isTrue();

      jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();

      await().atMost(Duration.ofSeconds(10)).until(() -> !alive(pid));
    } finally {
      jvm.destroyForcibly();
    }
  }

  @Test
  void startsOnAFreeLoopbackPortAndAnswers() {
    try (RedisServer a = RedisServer.start();
        RedisServer b = RedisServer.start()) {
      assertThat(a.port()).isNotEqualTo(b.port()).isPositive();
      assertThat(a.uri()).isEqualTo(URI.create("redis://127.0.0.1:" + a.port()));
      assertThat(a.call("PING")).isEqualTo("PONG");
      assertThat(a.call("SET", "k", "v")).isEqualTo("OK");
      assertThat(a.call("GET", "k")).isEqualTo("v");
      assertThat(b.call("GET", "k")).isNull();
      assertThat(a.call("CONFIG", "GET", "save")).asList().containsExactly("save", "");
      assertThat(a.call("CONFIG", "GET", "appendonly"))
          .asList()
          .containsExactly("appendonly", "no");
      assertThat(a.call("CONFIG", "GET", "bind")).asList().containsExactly("bind", "127.0.0.1");
    }
  }

  @Test
  void settingsReachTheServerAndSurviveARestart() {
    try (RedisServer redis =
        RedisServer.builder()
            .setting("notify-keyspace-events", "KA")
            .setting("maxmemory", "10mb")
            .start()) {
      redis.restart();
      assertThat(redis.call("CONFIG", "GET", "notify-keyspace-events"))
          .asList()
          .containsExactly("notify-keyspace-events", "AK");
      assertThat(redis.call("CONFIG", "GET", "maxmemory"))
          .asList()
          .containsExactly("maxmemory", String.valueOf(10 * 1024 * 1024));
    }
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisServer.builder().setting("--port", "1"));
  }

  @Test
  void restartComesBackEmptyOnTheSamePortAsANewProcess() {
    try (RedisServer redis = RedisServer.start()) {
      int port = redis.port();
      long pid = redis.pid();
      redis.call("SET", "k", "v");

      redis.restart();

      assertThat(redis.port()).isEqualTo(port);
      assertThat(redis.pid()).isNotEqualTo(pid);
      assertThat(alive(pid)).isFalse();
      assertThat(redis.call("GET", "k")).isNull(); // nothing was saved
      redis.kill();
      redis.restart(); // after a crash too
      assertThat(redis.port()).isEqualTo(port);
      assertThat(redis.call("PING")).isEqualTo("PONG");
    }
  }

  @Test
  void stopAndKillEndTheProcess() {
    try (RedisServer redis = RedisServer.start()) {
      long pid = redis.pid();
      redis.stop();
      assertThat(redis.isRunning()).isFalse();
      assertThat(alive(pid)).isFalse();
      assertThatThrownBy(() -> redis.call("PING")).isInstanceOf(UncheckedIOException.class);
      redis.stop(); // nothing to do

      redis.restart();
      long second = redis.pid();
      redis.kill();
      assertThat(alive(second)).isFalse();
      assertThatThrownBy(() -> redis.call("PING")).isInstanceOf(UncheckedIOException.class);
      assertThatIllegalStateException().isThrownBy(redis::pause);
    }
  }

  @Test
  void pauseFreezesTheServerAndResumeThawsIt() {
    try (RedisServer redis = RedisServer.start()) {
      redis.pause();

      assertThat(redis.isRunning()).isTrue();
      assertThat(redis.toString()).contains("paused");
      // the kernel accepts the connection, nothing answers: the harness's 2 s read timeout
      assertThatThrownBy(() -> redis.call("PING"))
          .isInstanceOf(UncheckedIOException.class)
          .hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);
      assertThatIllegalStateException().isThrownBy(redis::pause);

      redis.resume();

      assertThat(redis.call("PING")).isEqualTo("PONG");
      assertThatIllegalStateException().isThrownBy(redis::resume);
    }
  }

  @Test
  void closeLeavesNoProcessEvenWhenPaused() {
    RedisServer running = RedisServer.start();
    RedisServer paused = RedisServer.start();
    long first = running.pid();
    long second = paused.pid();
    paused.pause();

    running.close();
    paused.close();
    paused.close(); // idempotent

    assertThat(alive(first)).isFalse();
    assertThat(alive(second)).isFalse();
    assertThatIllegalStateException().isThrownBy(paused::restart);
  }

  @Test
  void aPortInUseFailsTheStartWithTheServersReason() {
    try (RedisServer taken = RedisServer.start()) {
      RedisServer.Builder builder = RedisServer.builder().port(taken.port());
      assertThatIllegalStateException()
          .isThrownBy(builder::start)
          .withMessageContaining("could not bind port " + taken.port())
          .withMessageContaining("Address already in use");
    }
  }

  @Test
  void credentialsAreRequiredAndNeverShown() {
    try (RedisServer acl = RedisServer.builder().user("spillway", "s3cret pass").start();
        RedisServer pass = RedisServer.builder().password("hunter2").start()) {
      // the harness authenticates itself
      assertThat(acl.call("ACL", "WHOAMI")).isEqualTo("spillway");
      assertThat(pass.call("ACL", "WHOAMI")).isEqualTo("default");
      assertThat(acl.call("ACL", "LIST"))
          .asList()
          .anySatisfy(u -> assertThat(u).asString().startsWith("user default off"));

      assertThat(acl.uriWithCredentials())
          .isEqualTo(URI.create("redis://spillway:s3cret%20pass@127.0.0.1:" + acl.port()));
      assertThat(pass.uriWithCredentials())
          .isEqualTo(URI.create("redis://:hunter2@127.0.0.1:" + pass.port()));
      assertThat(acl.uri()).hasNoUserInfo();
      assertThat(acl.toString()).doesNotContain("s3cret");
      assertThat(pass.toString()).doesNotContain("hunter2");
    }
    assertThatIllegalArgumentException().isThrownBy(() -> RedisServer.builder().password(""));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisServer.builder().user("default", "x"));
  }
}
