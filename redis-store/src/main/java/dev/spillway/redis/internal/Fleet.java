package dev.spillway.redis.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spillway.spi.PoolStateStore.Cell;
import dev.spillway.spi.PoolStateStore.Circuit;
import dev.spillway.spi.PoolStateStore.ConsumerLedger;
import dev.spillway.spi.PoolStateStore.CoolDown;
import dev.spillway.spi.PoolStateStore.Ledger;
import dev.spillway.spi.PoolStateStore.QuotaReport;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SslOptions;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pool's link to Redis: its shared cells, their writes behind the engine, the records other
 * instances announce, probe leases, and the outage logic.
 *
 * <ul>
 *   <li>Keys carry one hash tag, {@code {prefix}}, so a pool's keys share a Redis Cluster slot:
 *       {@code {prefix}:cooldown} and {@code {prefix}:circuit} (hashes, one field per route or
 *       backend), {@code {prefix}:lease:…} (probe leases), and the channel {@code {prefix}:events}.
 *   <li>A local write is queued (only the latest per cell) and written by this link's thread with a
 *       script that keeps the newer record and announces it; other instances apply it when its
 *       message arrives. Newer means a later writer clock, ties broken by instance id.
 *   <li>The pick never waits: cells are local; a command that fails or times out marks Redis down
 *       (one WARN), the pool goes on with local state, a check every second looks for Redis, and
 *       when it answers (one INFO) the link reloads the shared records and writes its own again.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class Fleet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.spillway.redis");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern USER_INFO = Pattern.compile("(?<=//)[^@/]*@");
  private static final long CHECK_MILLIS = 1000;

  /** Connects at start at most this often when Lettuce reports a handshake cut short. */
  private static final int HANDSHAKE_ATTEMPTS = 3;

  /**
   * {@link #up}, for the one compare-and-set that decides which failure of an outage logs it: the
   * command and the event connection close on their own threads, and both mark Redis down.
   */
  private static final VarHandle UP;

  static {
    try {
      UP = MethodHandles.lookup().findVarHandle(Fleet.class, "up", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The kind of the messages that announce an instance's calls in flight on a route. */
  private static final String INFLIGHT = "inflight";

  /**
   * Keeps the newer record and announces it: KEYS[1] hash; ARGV field, record, stamp, message,
   * channel.
   */
  static final String SET_IF_NEWER =
      "local cur = redis.call('HGET', KEYS[1], ARGV[1])\n"
          + "if cur then\n"
          + "  local ok, old = pcall(cjson.decode, cur)\n"
          + "  if ok and type(old) == 'table' and tonumber(old.w)"
          + " and tonumber(old.w) > tonumber(ARGV[3]) then return 0 end\n"
          + "end\n"
          + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
          + "redis.call('PUBLISH', ARGV[5], ARGV[4])\n"
          + "return 1";

  /** Deletes a lease only if this instance holds it: KEYS[1] lease; ARGV[1] instance. */
  static final String RELEASE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end\n"
          + "return 0";

  private final RedisClient client;
  private final boolean ownsClient;
  private final RedisURI uri;
  private final String displayUri;
  private final String prefix;
  private final String channel;
  private final String instanceId;
  private final Clock clock;
  private final Duration timeout;
  private final ScheduledExecutorService executor;
  private final Map<String, SharedCell<?>> cells = new ConcurrentHashMap<>();
  private final Map<String, Stamped<?>> early = new ConcurrentHashMap<>();
  private final Map<SharedCell<?>, Stamped<?>> pending = new ConcurrentHashMap<>();
  private final Set<FleetLease> leases = ConcurrentHashMap.newKeySet();
  private final Set<FleetConsumerLedger> consumers = ConcurrentHashMap.newKeySet();
  private final Map<String, FleetLedger> ledgers = new ConcurrentHashMap<>();
  private final AtomicBoolean ledgersScheduled = new AtomicBoolean();
  private final AtomicBoolean consumersScheduled = new AtomicBoolean();
  private final AtomicBoolean flushQueued = new AtomicBoolean();
  private final AtomicBoolean checkQueued = new AtomicBoolean();
  private final AtomicBoolean badRecordLogged = new AtomicBoolean();
  private volatile StatefulRedisConnection<String, String> commands;
  private volatile StatefulRedisPubSubConnection<String, String> events;
  private volatile boolean up;

  /** When {@link #up} last became true, on the clock. */
  private volatile long upSinceMillis;

  private volatile boolean closed;

  private Fleet(
      RedisClient client,
      boolean ownsClient,
      RedisURI uri,
      String displayUri,
      String keyPrefix,
      Clock clock,
      Duration timeout) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.uri = uri;
    this.displayUri = displayUri;
    this.prefix = "{" + keyPrefix + "}";
    this.channel = prefix + ":events";
    this.instanceId =
        ProcessHandle.current().pid()
            + "-"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffffL);
    this.clock = clock;
    this.timeout = timeout;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "spillway-redis-" + keyPrefix);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Connects and loads the shared records before returning: a pool built on the link starts with
   * what the fleet knows. An unreachable Redis only degrades (one WARN, local state, reconnection
   * in the background).
   *
   * @param uri {@code redis://} or {@code rediss://}, with or without user and password
   * @param password the password when the URI has none, or {@code null}
   * @param userClient the application's Lettuce client to connect with (its resources and options;
   *     never shut down here), or {@code null} for one of the link's own
   * @param trustedCertificates a PEM file of the certificates a {@code rediss://} server's chain
   *     must end in (instead of the JVM's default trust), or {@code null}; only with the link's own
   *     client
   * @param keyPrefix the pool's key prefix
   * @param clock the pool's wall clock
   * @param timeout the longest a command may take before Redis counts as down
   * @return the link
   * @throws IllegalArgumentException if the URI is not a Redis URI (named without its password)
   * @throws IllegalStateException if Redis refuses the login or its TLS certificate (named without
   *     the password)
   */
  public static Fleet start(
      String uri,
      char[] password,
      RedisClient userClient,
      Path trustedCertificates,
      String keyPrefix,
      Clock clock,
      Duration timeout) {
    String display = displayUri(uri);
    RedisURI parsed;
    try {
      parsed = RedisURI.create(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "'"
              + display
              + "' is not a Redis URI (redis://host:port or rediss://…): "
              + e.getClass().getSimpleName(),
          null);
    }
    if (password != null) {
      String userInfo = java.net.URI.create(uri).getRawUserInfo();
      if (userInfo != null && userInfo.indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "'" + display + "' carries a password, and another was given apart from it", null);
      }
      // the credentials provider, in Lettuce 6.6 (Boot 3.5) and 7.x alike: setAuthentication is 7.x
      String user =
          userInfo == null // redis://user@host with the password apart
              ? null
              : java.net.URLDecoder.decode(userInfo, java.nio.charset.StandardCharsets.UTF_8);
      parsed.setCredentialsProvider(new StaticCredentialsProvider(user, password));
    }
    parsed.setTimeout(timeout);
    RedisClient client = userClient;
    if (client == null) {
      ClientOptions.Builder options =
          ClientOptions.builder()
              .autoReconnect(true)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .timeoutOptions(TimeoutOptions.enabled(timeout));
      if (trustedCertificates != null) {
        options.sslOptions(
            SslOptions.builder()
                .jdkSslProvider()
                .trustManager(trustedCertificates.toFile())
                .build());
      }
      client = RedisClient.create();
      client.setOptions(options.build());
    }
    Fleet fleet = new Fleet(client, userClient == null, parsed, display, keyPrefix, clock, timeout);
    fleet.startUp();
    return fleet;
  }

  private void startUp() {
    client.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection == events || connection == commands) {
              markDown("the connection closed");
            }
          }

          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress addr) {
            // the check notices, and reloads what was announced meanwhile
          }
        });
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          connect();
          break;
        } catch (RuntimeException e) {
          // Lettuce sometimes reports a refused login as the connection closing under its
          // handshake: ask again, so that a wrong password fails the start rather than passing
          // for an outage
          if (!closedDuringHandshake(e) || attempt == HANDSHAKE_ATTEMPTS) {
            throw e;
          }
        }
      }
      upSinceMillis = clock.millis();
      up = true;
    } catch (RuntimeException e) {
      String refusal = loginRefusal(e);
      if (refusal != null) {
        close();
        throw new IllegalStateException(
            "Redis at " + displayUri + " refused the login: " + refusal, null);
      }
      String untrusted = tlsFailure(e);
      if (untrusted != null) {
        close();
        throw new IllegalStateException(
            "Redis at "
                + displayUri
                + " failed the TLS handshake (is its certificate trusted? see"
                + " RedisStateStore.Builder.trustedCertificates): "
                + untrusted,
            null);
      }
      LOG.warn(
          "Redis at {} is unreachable ({}): pool state stays local until it answers",
          displayUri,
          describe(e));
      scheduleCheck();
    }
  }

  private void connect() {
    StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub(StringCodec.UTF8, uri);
    sub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String from, String message) {
            received(message);
          }
        });
    StatefulRedisConnection<String, String> cmd;
    try {
      sub.sync().subscribe(channel);
      cmd = client.connect(StringCodec.UTF8, uri);
    } catch (RuntimeException e) {
      sub.close();
      throw e;
    }
    events = sub;
    commands = cmd;
    load(cmd);
  }

  /** The instance id, unique in the fleet. */
  String instanceId() {
    return instanceId;
  }

  /** A route's shared cool-down. */
  public Cell<CoolDown> coolDown(String backendId, String deployment) {
    return cell(RecordKind.COOL_DOWN, field(backendId, deployment));
  }

  /** A route's shared latest quota report. */
  public Cell<QuotaReport> quotaReport(String backendId, String deployment) {
    return cell(RecordKind.QUOTA_REPORT, field(backendId, deployment));
  }

  /** A backend's shared circuit. */
  public Cell<Circuit> circuit(String backendId) {
    return cell(RecordKind.CIRCUIT, field(backendId));
  }

  /** The shared cell of a record: its value loaded from Redis, else the kind's initial value. */
  @SuppressWarnings("unchecked")
  private <T> SharedCell<T> cell(RecordKind kind, String field) {
    return (SharedCell<T>)
        cells.computeIfAbsent(
            kind.key + '\n' + field,
            key -> {
              Stamped<?> known = early.remove(key);
              return new SharedCell<Object>(
                  kind,
                  field,
                  this,
                  known != null
                      ? (Stamped<Object>) known
                      : new Stamped<>(kind.initial, Long.MIN_VALUE, ""));
            });
  }

  /** A route's calls in flight, fleet-wide. */
  public Ledger ledger(String backendId, String deployment) {
    FleetLedger ledger = ledgers.computeIfAbsent(field(backendId, deployment), FleetLedger::new);
    if (ledgersScheduled.compareAndSet(false, true)) {
      try {
        var unused =
            executor.scheduleWithFixedDelay(
                this::announceLedgers,
                FleetLedger.ANNOUNCE_MILLIS,
                FleetLedger.ANNOUNCE_MILLIS,
                TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        ledgersScheduled.set(false); // closed
      }
    }
    return ledger;
  }

  /** Announces this instance's calls in flight per route, and forgets silent instances'. */
  private void announceLedgers() {
    long now = clock.millis();
    StatefulRedisConnection<String, String> cmd = commands;
    // every live instance announces within a heartbeat: after one the fleet's counts are whole
    boolean whole = up && !closed && now - upSinceMillis >= FleetLedger.COMPLETE_AFTER_MILLIS;
    for (FleetLedger ledger : ledgers.values()) {
      ledger.expire(now);
      ledger.complete(whole);
      if (!up || closed || cmd == null) {
        continue;
      }
      long[] counts = ledger.toAnnounce(now);
      if (counts == null) {
        continue;
      }
      ObjectNode m = JSON.createObjectNode();
      m.put("k", INFLIGHT);
      m.put("f", ledger.field);
      m.put("i", instanceId);
      m.put("t", counts[0]);
      m.put("r", counts[1]);
      m.put("st", counts[2]);
      m.put("sr", counts[3]);
      var unused =
          cmd.async()
              .publish(channel, m.toString())
              .whenComplete(
                  (n, error) -> {
                    if (error != null) {
                      markDown(describe(error));
                    }
                  });
    }
  }

  /** A consumer's fleet-wide counters; refreshed by this link while the consumer is active. */
  public ConsumerLedger consumerLedger(String consumerId) {
    String base = prefix + ":consumer:" + field(consumerId);
    FleetConsumerLedger ledger =
        new FleetConsumerLedger(base + ":window", base + ":quota", clock.millis());
    consumers.add(ledger);
    if (consumersScheduled.compareAndSet(false, true)) {
      try {
        var unused =
            executor.scheduleWithFixedDelay(
                this::syncConsumers,
                FleetConsumerLedger.REFRESH_MILLIS,
                FleetConsumerLedger.REFRESH_MILLIS,
                TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        consumersScheduled.set(false); // closed
      }
    }
    return ledger;
  }

  /** Sends each active consumer's counts and reads the fleet's back. */
  private void syncConsumers() {
    StatefulRedisConnection<String, String> cmd = commands;
    if (!up || closed || cmd == null) {
      return;
    }
    long now = clock.millis();
    for (FleetConsumerLedger ledger : consumers) {
      if (!ledger.due(now)) {
        continue;
      }
      FleetConsumerLedger.Batch batch = ledger.takeBatch(now);
      List<String> args = new ArrayList<>(8 + batch.buckets().length);
      args.add(Long.toString(batch.nowSecond()));
      args.add(Integer.toString(batch.buckets().length / 3));
      for (long v : batch.buckets()) {
        args.add(Long.toString(v));
      }
      boolean quota = batch.period() != Long.MIN_VALUE;
      args.add(quota ? Long.toString(batch.period()) : "");
      args.add(Long.toString(batch.periodTokens()));
      args.add(Long.toString(FleetConsumerLedger.QUOTA_TTL_MILLIS));
      try {
        List<Object> out =
            cmd.async()
                .<List<Object>>eval(
                    FleetConsumerLedger.ADD_AND_READ,
                    ScriptOutputType.MULTI,
                    new String[] {ledger.windowKey, ledger.quotaKey},
                    args.toArray(new String[0]))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        ledger.answered(out);
      } catch (InterruptedException e) {
        ledger.failed(now);
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        ledger.failed(now);
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        if (cause instanceof RedisCommandExecutionException) {
          logBadRecord("a consumer's counters were refused: " + cause.getMessage());
          continue;
        }
        markDown(describe(cause));
        return;
      }
    }
  }

  /** A probe lease. */
  public FleetLease lease(String name) {
    FleetLease lease = new FleetLease(this, prefix + ":lease:" + name, clock);
    leases.add(lease);
    return lease;
  }

  /** The stamp of a local write replacing {@code seen}: later than it even if clocks disagree. */
  long stampMillis(Stamped<?> seen) {
    long now = clock.millis();
    return seen.writtenAtEpochMillis() == Long.MIN_VALUE
        ? now
        : Math.max(now, seen.writtenAtEpochMillis() + 1);
  }

  /** A cell took a local write: write it behind. */
  void written(SharedCell<?> cell, Stamped<?> value) {
    pending.put(cell, value);
    flushSoon();
  }

  boolean up() {
    return up;
  }

  private void flushSoon() {
    if (up && !closed && flushQueued.compareAndSet(false, true)) {
      try {
        executor.execute(this::flush);
      } catch (RuntimeException e) {
        flushQueued.set(false); // shut down
      }
    }
  }

  /** Writes what is pending; on failure keeps it for the next attempt and marks Redis down. */
  private void flush() {
    flushQueued.set(false);
    StatefulRedisConnection<String, String> cmd = commands;
    if (!up || cmd == null) {
      return;
    }
    List<Map.Entry<SharedCell<?>, Stamped<?>>> batch = new ArrayList<>(pending.entrySet());
    List<CompletableFuture<Long>> sent = new ArrayList<>(batch.size());
    for (Map.Entry<SharedCell<?>, Stamped<?>> e : batch) {
      SharedCell<?> cell = e.getKey();
      Stamped<?> value = e.getValue();
      pending.remove(cell, value);
      String record = record(cell.kind, value).toString();
      String message = message(cell.kind, cell.field, value).toString();
      sent.add(
          cmd.async()
              .<Long>eval(
                  SET_IF_NEWER,
                  ScriptOutputType.INTEGER,
                  new String[] {prefix + ":" + cell.kind.key},
                  cell.field,
                  record,
                  Long.toString(value.writtenAtEpochMillis()),
                  message,
                  channel)
              .toCompletableFuture());
    }
    for (int i = 0; i < sent.size(); i++) {
      try {
        sent.get(i).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        requeue(batch.subList(i, batch.size()));
        return;
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        if (cause instanceof RedisCommandExecutionException) {
          logBadRecord("a write was refused: " + cause.getMessage());
          continue;
        }
        requeue(batch.subList(i, batch.size()));
        markDown(describe(cause));
        return;
      }
    }
    if (!pending.isEmpty()) {
      flushSoon();
    }
  }

  private void requeue(List<Map.Entry<SharedCell<?>, Stamped<?>>> unsent) {
    for (Map.Entry<SharedCell<?>, Stamped<?>> e : unsent) {
      pending.putIfAbsent(e.getKey(), e.getValue());
    }
  }

  /** Tries to take a lease: {@code true} if this instance got it. */
  CompletionStage<Boolean> acquire(String key, long holdMillis) {
    StatefulRedisConnection<String, String> cmd = commands;
    if (cmd == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
    }
    return cmd.async()
        .set(key, instanceId, SetArgs.Builder.nx().px(Math.max(1, holdMillis)))
        .thenApply("OK"::equals);
  }

  /** Gives a lease back if this instance still holds it. */
  CompletionStage<Long> release(String key) {
    StatefulRedisConnection<String, String> cmd = commands;
    if (cmd == null || !up) {
      return CompletableFuture.completedFuture(0L); // it expires by itself
    }
    return cmd.async()
        .<Long>eval(RELEASE, ScriptOutputType.INTEGER, new String[] {key}, instanceId);
  }

  /** A command failed for want of Redis: local operation until the check finds it again. */
  void markDown(String why) {
    if (closed) {
      return;
    }
    if (UP.compareAndSet(this, true, false)) {
      LOG.warn(
          "Redis at {} stopped answering ({}): pool state stays local until it answers",
          displayUri,
          why);
    }
    scheduleCheck();
  }

  private void scheduleCheck() {
    if (!closed && checkQueued.compareAndSet(false, true)) {
      try {
        var unused = executor.schedule(this::check, CHECK_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        checkQueued.set(false);
      }
    }
  }

  /** Looks for Redis; when it answers, reloads the fleet's records and writes this pool's own. */
  private void check() {
    checkQueued.set(false);
    if (closed || up) {
      return;
    }
    try {
      StatefulRedisConnection<String, String> cmd = commands;
      if (cmd == null) {
        connect(); // never connected: both connections now, and the records
        cmd = commands;
      } else {
        StatefulRedisPubSubConnection<String, String> sub = events;
        if (sub == null || !sub.isOpen() || !cmd.isOpen()) {
          scheduleCheck(); // Lettuce is still reconnecting one of them (and resubscribing)
          return;
        }
        cmd.sync().ping();
        load(cmd);
      }
      upSinceMillis = clock.millis();
      up = true;
      LOG.info("Redis at {} answers again: pool state is shared", displayUri);
      for (SharedCell<?> cell : cells.values()) {
        Stamped<?> own = cell.stamped();
        if (own.writer().equals(instanceId) && cell.kind.shared(own.value())) {
          pending.putIfAbsent(cell, own);
        }
      }
      flushSoon();
    } catch (RuntimeException e) {
      scheduleCheck();
    }
  }

  /** Reads every shared record of the pool into the cells (newer ones win). */
  private void load(StatefulRedisConnection<String, String> cmd) {
    for (RecordKind kind : RecordKind.values()) {
      Map<String, String> records = cmd.sync().hgetall(prefix + ":" + kind.key);
      records.forEach((field, json) -> apply(kind, field, json, null));
    }
  }

  private void received(String message) {
    try {
      JsonNode m = JSON.readTree(message);
      if (instanceId.equals(m.path("i").asText())) {
        return;
      }
      String k = m.path("k").asText();
      if (INFLIGHT.equals(k)) {
        FleetLedger ledger = ledgers.get(m.path("f").asText());
        if (ledger != null) {
          ledger.announced(
              m.path("i").asText(),
              m.path("t").asLong(),
              m.path("r").asLong(),
              m.path("st").asLong(-1),
              m.path("sr").asLong(-1),
              clock.millis());
        }
        return;
      }
      apply(RecordKind.of(k), m.path("f").asText(), null, m);
    } catch (IOException | RuntimeException e) {
      logBadRecord("a message could not be read: " + describe(e));
    }
  }

  /** Applies a record from Redis ({@code json}) or a message ({@code node}). */
  private void apply(RecordKind kind, String field, String json, JsonNode node) {
    try {
      JsonNode r = node != null ? node : JSON.readTree(json);
      Stamped<Object> remote =
          new Stamped<>(
              kind.decode(r.path("v")), r.path("w").asLong(Long.MIN_VALUE), r.path("i").asText());
      String key = kind.key + '\n' + field;
      @SuppressWarnings("unchecked")
      SharedCell<Object> cell = (SharedCell<Object>) cells.get(key);
      if (cell != null) {
        cell.offer(remote);
      } else {
        early.merge(key, remote, (a, b) -> b.newerThan(a) ? b : a);
      }
    } catch (IOException | RuntimeException e) {
      logBadRecord(kind.key + " '" + field + "' could not be read: " + describe(e));
    }
  }

  private ObjectNode record(RecordKind kind, Stamped<?> value) {
    ObjectNode r = JSON.createObjectNode();
    r.put("w", value.writtenAtEpochMillis());
    r.put("i", value.writer());
    r.set("v", kind.encode(value.value()));
    return r;
  }

  private ObjectNode message(RecordKind kind, String field, Stamped<?> value) {
    ObjectNode m = record(kind, value);
    m.put("k", kind.key);
    m.put("f", field);
    return m;
  }

  /** The field of a route's record: {@code ["backend","deployment"]}. */
  public static String field(String... parts) {
    ArrayNode a = JSON.createArrayNode();
    for (String p : parts) {
      a.add(p);
    }
    return a.toString();
  }

  private void logBadRecord(String what) {
    if (badRecordLogged.compareAndSet(false, true)) {
      LOG.warn(
          "Redis at {}: {} (ignored; further such records are ignored silently)", displayUri, what);
    }
  }

  /** Writes what is pending (bounded by the command timeout), gives leases back, disconnects. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      if (up) {
        // One thread runs the flushes: this one starts once a flush under way has had its writes
        // acknowledged (it took them off pending, so pending alone cannot tell), then writes what
        // is left. Shutting the executor down first would interrupt that flush and lose them.
        executor.submit(this::flush).get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
      }
      for (FleetLease lease : leases) {
        lease.releaseOnClose();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.debug("Redis at {}: pending writes not flushed on close: {}", displayUri, describe(e));
    } finally {
      closed = true;
      executor.shutdownNow();
      StatefulRedisPubSubConnection<String, String> sub = events;
      StatefulRedisConnection<String, String> cmd = commands;
      if (sub != null) {
        sub.close();
      }
      if (cmd != null) {
        cmd.close();
      }
      if (ownsClient) {
        client.shutdown(Duration.ZERO, timeout);
      }
    }
  }

  /** The URI with its user and password replaced by {@code ***}. */
  static String displayUri(String uri) {
    return uri == null ? "null" : USER_INFO.matcher(uri).replaceFirst("***@");
  }

  public String displayUri() {
    return displayUri;
  }

  public String keyPrefix() {
    return prefix;
  }

  /** Whether a connect failed because the connection closed during its handshake. */
  private static boolean closedDuringHandshake(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null
          && (m.contains("closed prematurely")
              || m.contains("RedisHandshakeHandler not registered"))) {
        return true;
      }
    }
    return false;
  }

  /** Why Redis refused a login, from the cause chain, or {@code null} if it did not. */
  private static String loginRefusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (t instanceof RedisCommandExecutionException
          && m != null
          && (m.startsWith("WRONGPASS") || m.startsWith("NOAUTH") || m.startsWith("NOPERM"))) {
        return m;
      }
    }
    return null;
  }

  /** Why the TLS handshake failed, from the cause chain, or {@code null} if it did not. */
  private static String tlsFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
      }
    }
    return null;
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return root.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
