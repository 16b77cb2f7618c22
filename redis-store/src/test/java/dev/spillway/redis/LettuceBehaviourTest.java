package dev.spillway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spillway.redis.testing.RedisServer;
import dev.spillway.testing.RequiresProgram;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.Event;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ConnectionEvent;
import io.lettuce.core.event.connection.DisconnectedEvent;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What Lettuce does when Redis is refused, crashes, hangs or comes back, against a real server: the
 * behaviours the Redis store relies on (README.md, "Lettuce, measured"). Times are printed as
 * {@code measured:} lines; the assertions hold them to generous bounds.
 */
@RequiresProgram(RedisServer.PROGRAM)
class LettuceBehaviourTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A Lettuce event and when it was seen. */
  private record Seen(long nanos, Event event) {}

  private final List<RedisServer> servers = new ArrayList<>();
  private final Queue<Seen> events = new ConcurrentLinkedQueue<>();
  private ClientResources resources;
  private RedisClient client;

  @BeforeEach
  void client() {
    resources = DefaultClientResources.create();
    resources.eventBus().get().subscribe(e -> events.add(new Seen(System.nanoTime(), e)));
    client = RedisClient.create(resources);
  }

  @AfterEach
  void close() throws Exception {
    try {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
    } finally {
      servers.forEach(RedisServer::close);
    }
  }

  private RedisServer redis(RedisServer.Builder builder) {
    RedisServer server = builder.start();
    servers.add(server);
    return server;
  }

  private StatefulRedisConnection<String, String> connect(URI uri, Duration timeout) {
    RedisURI redisUri = RedisURI.create(uri);
    redisUri.setTimeout(timeout);
    return client.connect(redisUri);
  }

  private List<Seen> seen(Class<? extends Event> type, int port, long sinceNanos) {
    return events.stream()
        .filter(s -> s.nanos() >= sinceNanos && type.isInstance(s.event()))
        .filter(s -> port(s.event()) == port)
        .toList();
  }

  private static int port(Event event) {
    SocketAddress remote = event instanceof ConnectionEvent c ? c.remoteAddress() : null;
    return remote instanceof InetSocketAddress a ? a.getPort() : -1;
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }

  private static void measured(String what, long millis) {
    System.out.println("measured: " + what + ": " + millis + " ms");
  }

  @Test
  void setAndGet() {
    RedisServer server = redis(RedisServer.builder());
    StatefulRedisConnection<String, String> connection = connect(server.uri(), WAIT);

    assertThat(connection.sync().set("k", "v")).isEqualTo("OK");
    assertThat(connection.sync().get("k")).isEqualTo("v");
    assertThat(server.call("GET", "k")).isEqualTo("v");
  }

  /**
   * Connects, asking again (at most four more times) when Lettuce reports the connection closing
   * during the handshake: it sometimes reports a refused login so ("Connection closed prematurely",
   * "RedisHandshakeHandler not registered") instead of with the server's WRONGPASS or NOAUTH. The
   * store asks again for the same reason.
   */
  private StatefulRedisConnection<String, String> connectPastPrematureClose(URI uri) {
    for (int attempt = 1; ; attempt++) {
      try {
        return connect(uri, WAIT);
      } catch (RedisConnectionException e) {
        if (!(handshakeRace(e.getCause()) || handshakeRace(e)) || attempt == 5) {
          throw e;
        }
      }
    }
  }

  /** Lettuce's reports of a connection the server closed while its handshake was being set up. */
  private static boolean handshakeRace(Throwable t) {
    String m = String.valueOf(t == null ? null : t.getMessage());
    return m.contains("closed prematurely") || m.contains("RedisHandshakeHandler not registered");
  }

  @Test
  void aWrongPasswordFailsTheConnectWithWrongpassAndTheRightOneWorks() {
    RedisServer acl = redis(RedisServer.builder().user("spillway", "s3cret"));
    RedisServer pass = redis(RedisServer.builder().password("hunter2"));

    for (URI wrong : List.of(acl.uri("spillway", "wrong"), pass.uri(null, "wrong"))) {
      assertThatThrownBy(() -> connectPastPrematureClose(wrong))
          .isExactlyInstanceOf(RedisConnectionException.class)
          .hasMessageNotContaining("wrong")
          .cause()
          .isExactlyInstanceOf(RedisCommandExecutionException.class)
          .hasMessageStartingWith("WRONGPASS");
    }
    // no credentials where the default user is off: HELLO refused
    assertThatThrownBy(() -> connectPastPrematureClose(acl.uri()))
        .isExactlyInstanceOf(RedisConnectionException.class)
        .cause()
        .isExactlyInstanceOf(RedisCommandExecutionException.class)
        .hasMessageStartingWith("NOAUTH");

    assertThat(connect(acl.uriWithCredentials(), WAIT).sync().aclWhoami()).isEqualTo("spillway");
    assertThat(connect(pass.uriWithCredentials(), WAIT).sync().aclWhoami()).isEqualTo("default");
  }

  @Test
  void aKilledServerIsNoticedAtOnceCommandsTimeOutAndAReconnectFollowsTheRestart()
      throws Exception {
    RedisServer server = redis(RedisServer.builder().user("spillway", "s3cret"));
    int port = server.port();
    StatefulRedisConnection<String, String> connection =
        connect(server.uriWithCredentials(), Duration.ofMillis(300));
    StatefulRedisConnection<String, String> patient = connect(server.uriWithCredentials(), WAIT);
    connection.sync().set("k", "v");

    long killed = System.nanoTime();
    server.kill();

    // the kernel closes the socket (RST): Lettuce sees it at once and starts reconnecting
    await().atMost(WAIT).until(() -> !seen(DisconnectedEvent.class, port, killed).isEmpty());
    long noticed = seen(DisconnectedEvent.class, port, killed).get(0).nanos() - killed;
    measured("kill to DisconnectedEvent", TimeUnit.NANOSECONDS.toMillis(noticed));
    assertThat(noticed).isLessThan(TimeUnit.SECONDS.toNanos(1));
    await().atMost(WAIT).until(() -> !connection.isOpen());

    // default DisconnectedBehavior with auto-reconnect: commands are queued, then time out
    long sent = System.nanoTime();
    assertThatThrownBy(() -> connection.sync().get("k"))
        .isExactlyInstanceOf(RedisCommandTimeoutException.class)
        .hasMessage("Command timed out after 300 millisecond(s)");
    measured("sync GET while down, until the timeout", millisSince(sent));
    // async commands time out too (ClientOptions' default TimeoutOptions.enabled())
    RedisFuture<String> async = connection.async().get("k");
    assertThatThrownBy(() -> async.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isExactlyInstanceOf(RedisCommandTimeoutException.class);
    // a command with a longer timeout is kept while down, and sent after the reconnect
    RedisFuture<String> late = patient.async().set("late", "1");

    // the default reconnect delay: exponential from 1 ms, doubling (capped at 30 s)
    await().atMost(WAIT).until(() -> seen(ReconnectAttemptEvent.class, port, killed).size() >= 10);
    List<ReconnectAttemptEvent> attempts =
        seen(ReconnectAttemptEvent.class, port, killed).stream()
            .map(s -> (ReconnectAttemptEvent) s.event())
            .filter(a -> a.getAttempt() <= 5)
            .toList();
    assertThat(attempts)
        .extracting(a -> a.getDelay().toMillis())
        .containsSubsequence(1L, 2L, 4L, 8L, 16L);
    assertThat(late.isDone()).isFalse();

    long restarted = System.nanoTime();
    server.restart();

    await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(RedisException.class)
        .until(() -> "1".equals(connection.sync().get("late")));
    measured("restart to the first command that succeeds", millisSince(restarted));
    // each connection reconnects on its own schedule: the other one may still be waiting
    await()
        .atMost(WAIT)
        .until(() -> seen(ConnectionActivatedEvent.class, port, restarted).size() >= 2);
    List<Seen> activated = seen(ConnectionActivatedEvent.class, port, restarted);
    measured(
        "restart to ConnectionActivatedEvent",
        TimeUnit.NANOSECONDS.toMillis(activated.get(0).nanos() - restarted));
    // re-authenticated as the ACL user on the new server; the old data is gone
    assertThat(connection.sync().aclWhoami()).isEqualTo("spillway");
    assertThat(connection.sync().get("k")).isNull();
    assertThat(late.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("OK");
  }

  @Test
  void withRejectCommandsACommandFailsAtOnceWhileDisconnected() {
    RedisServer server = redis(RedisServer.builder());
    int port = server.port();
    client.setOptions(
        ClientOptions.builder()
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .build());
    Duration timeout = Duration.ofSeconds(2);
    StatefulRedisConnection<String, String> connection = connect(server.uri(), timeout);
    connection.sync().set("k", "v");

    long killed = System.nanoTime();
    server.kill();
    await().atMost(WAIT).until(() -> !seen(DisconnectedEvent.class, port, killed).isEmpty());
    // the event and the endpoint's own state are updated separately: wait for both
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> connection.sync().get("k"))
                    .isExactlyInstanceOf(RedisException.class)
                    .hasMessage("Currently not connected. Commands are rejected."));

    long sent = System.nanoTime();
    assertThatThrownBy(() -> connection.sync().get("k"))
        .isExactlyInstanceOf(RedisException.class)
        .hasMessage("Currently not connected. Commands are rejected.");
    measured("rejected GET while down", millisSince(sent));
    assertThat(millisSince(sent)).isLessThan(timeout.toMillis());

    server.restart();
    await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(RedisException.class)
        .until(() -> "OK".equals(connection.sync().set("k", "again")));
  }

  @Test
  void aPausedServerTimesCommandsOutButTheConnectionStaysOpen() {
    RedisServer server = redis(RedisServer.builder());
    int port = server.port();
    StatefulRedisConnection<String, String> connection =
        connect(server.uri(), Duration.ofMillis(200));
    connection.sync().set("k", "v");

    long paused = System.nanoTime();
    server.pause();

    assertThatThrownBy(() -> connection.sync().get("k"))
        .isExactlyInstanceOf(RedisCommandTimeoutException.class)
        .hasMessage("Command timed out after 200 millisecond(s)");
    // nothing closed the socket: Lettuce does not notice a hung server by itself
    assertThat(connection.isOpen()).isTrue();
    assertThat(seen(DisconnectedEvent.class, port, paused)).isEmpty();
    // a new connection: TCP is accepted by the kernel, the handshake (HELLO) times out
    assertThatThrownBy(() -> connect(server.uri(), Duration.ofMillis(300)))
        .isExactlyInstanceOf(RedisConnectionException.class)
        .cause()
        .isExactlyInstanceOf(RedisCommandTimeoutException.class)
        .hasMessageContaining("Connection initialization timed out after 300 millisecond(s)");

    server.resume();

    // the late reply to the timed-out GET is discarded, not given to the next command
    assertThat(connection.sync().set("k2", "v2")).isEqualTo("OK");
    assertThat(connection.sync().get("k2")).isEqualTo("v2");
    assertThat(connection.sync().get("k")).isEqualTo("v");
  }

  @Test
  void pubSubDeliversAndResubscribesByItselfAfterAReconnect() {
    RedisServer server = redis(RedisServer.builder().password("hunter2"));
    Queue<String> received = new ConcurrentLinkedQueue<>();
    RedisURI uri = RedisURI.create(server.uriWithCredentials());
    uri.setTimeout(Duration.ofMillis(300));
    StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub(uri);
    subscriber.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            received.add(channel + "=" + message);
          }

          @Override
          public void message(String pattern, String channel, String message) {
            received.add(pattern + ":" + channel + "=" + message);
          }
        });
    subscriber.sync().subscribe("spillway.ch");
    subscriber.sync().psubscribe("spillway.p.*");
    StatefulRedisConnection<String, String> publisher = client.connect(uri);

    assertThat(publisher.sync().publish("spillway.ch", "before")).isEqualTo(1);
    await().atMost(WAIT).until(() -> received.contains("spillway.ch=before"));

    server.kill();
    long restarted = System.nanoTime();
    server.restart();

    // the new server knows no subscription until Lettuce sends SUBSCRIBE and PSUBSCRIBE again
    await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(RedisException.class)
        .until(() -> publisher.sync().publish("spillway.p.x", "after") == 1);
    measured("restart to the pattern subscription back", millisSince(restarted));
    assertThat(publisher.sync().publish("spillway.ch", "after")).isEqualTo(1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(received)
                    .contains("spillway.ch=after", "spillway.p.*:spillway.p.x=after"));
  }

  @Test
  void aRestartedServerHasLostItsScriptsAndEvalshaSaysNoscript() {
    RedisServer server = redis(RedisServer.builder());
    StatefulRedisConnection<String, String> connection =
        connect(server.uri(), Duration.ofMillis(300));
    String sha = connection.sync().scriptLoad("return redis.call('INCR', KEYS[1])");
    Long first = connection.sync().evalsha(sha, ScriptOutputType.INTEGER, "n");
    assertThat(first).isEqualTo(1L);

    server.kill();
    server.restart();
    await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(RedisException.class)
        .until(() -> "PONG".equals(connection.sync().ping()));

    assertThatThrownBy(() -> connection.sync().evalsha(sha, ScriptOutputType.INTEGER, "n"))
        .isExactlyInstanceOf(RedisNoScriptException.class)
        .hasMessageStartingWith("NOSCRIPT");
    assertThat(connection.sync().scriptLoad("return redis.call('INCR', KEYS[1])")).isEqualTo(sha);
    Long again = connection.sync().evalsha(sha, ScriptOutputType.INTEGER, "n");
    assertThat(again).isEqualTo(1L);
  }

  @Test
  void keyspaceNotificationsArriveOverPubSub() {
    RedisServer server = redis(RedisServer.builder().setting("notify-keyspace-events", "KA"));
    Queue<String> received = new ConcurrentLinkedQueue<>();
    StatefulRedisPubSubConnection<String, String> subscriber =
        client.connectPubSub(RedisURI.create(server.uri()));
    subscriber.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String pattern, String channel, String message) {
            received.add(channel + "=" + message);
          }
        });
    subscriber.sync().psubscribe("__keyspace@0__:spillway:*");
    StatefulRedisConnection<String, String> writer = connect(server.uri(), WAIT);

    writer.sync().set("spillway:x", "1");
    writer.sync().incr("spillway:n");
    writer.sync().set("other", "1");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(received)
                    .containsExactly(
                        "__keyspace@0__:spillway:x=set", "__keyspace@0__:spillway:n=incrby"));
  }

  @Test
  void aDroppedSubscriberMissesWhatIsPublishedMeanwhileAndKeepsRetryingARefusedLogin() {
    RedisServer server = redis(RedisServer.builder().user("spillway", "s3cret"));
    int port = server.port();
    server.call("ACL", "SETUSER", "sub", "on", ">subpass", "~*", "&*", "+@all");
    Queue<String> received = new ConcurrentLinkedQueue<>();
    RedisURI subUri = RedisURI.create(server.uri("sub", "subpass"));
    subUri.setTimeout(Duration.ofMillis(300));
    StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub(subUri);
    subscriber.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            received.add(message);
          }
        });
    subscriber.sync().subscribe("spillway.ch");
    StatefulRedisConnection<String, String> publisher =
        connect(server.uriWithCredentials(), Duration.ofMillis(300));

    // the server drops the subscriber and refuses its login: Lettuce cannot resubscribe
    server.call("ACL", "SETUSER", "sub", "off");
    long dropped = System.nanoTime();
    assertThat(server.call("CLIENT", "KILL", "USER", "sub")).isEqualTo("1");
    assertThat(publisher.sync().publish("spillway.ch", "lost")).isZero();
    // a refused login (WRONGPASS on reconnect) does not stop the reconnect attempts
    await().atMost(WAIT).until(() -> seen(ReconnectAttemptEvent.class, port, dropped).size() >= 3);

    server.call("ACL", "SETUSER", "sub", "on");
    await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(RedisException.class)
        .until(() -> publisher.sync().publish("spillway.ch", "marker") == 1);
    await().atMost(WAIT).until(() -> received.contains("marker"));

    // one connection delivers in order: what was published before the marker came before it
    assertThat(received).doesNotContain("lost").startsWith("marker");
  }
}
