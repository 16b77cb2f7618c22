package dev.spillway.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.spillway.azure.Harness.MODEL;
import static dev.spillway.azure.Harness.PAYG_DEPLOYMENT;
import static dev.spillway.azure.Harness.PTU_DEPLOYMENT;
import static dev.spillway.azure.Harness.chatPath;
import static dev.spillway.azure.Harness.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.Backend;
import dev.spillway.CallOutcome;
import dev.spillway.CircuitState;
import dev.spillway.Deployment;
import dev.spillway.PoolListener;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.testing.FakeKeyVault;
import dev.spillway.testing.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * A PTU backend whose API key lives in Key Vault ({@link FakeKeyVault}, read by the real Key Vault
 * client), rotated in the middle of a load run through the real azure-ai-openai client: the vault
 * gets the new key, then the backend drops the old one. The first attempt with the old key gets a
 * 401, the key is read again at once, the call fails over, and the next attempt on the PTU carries
 * the new key: no call fails, the vault is read exactly twice, and neither key is ever logged.
 */
class KeyVaultRotationIT {
  private static final String OLD_KEY = "canary-old-key-3d81c0";
  private static final String NEW_KEY = "canary-new-key-a94e27";
  private static final int CALLS = 200;
  private static final int ROTATE_AT = 100;

  @RegisterExtension static final Harness H = new Harness();

  private final FakeKeyVault vault = FakeKeyVault.start();
  private final ManualTime time = new ManualTime(); // the pool's clock: no interval refresh
  private final List<CallOutcome> outcomes = new CopyOnWriteArrayList<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Map<String, Level> levels =
      Map.of("dev.spillway", Level.DEBUG, "com.azure", Level.INFO);
  private final List<Level> before = new ArrayList<>();
  private StubMapping accepted;

  @BeforeEach
  void capture() {
    logs.start();
    levels.forEach(
        (name, level) -> {
          Logger logger = (Logger) LoggerFactory.getLogger(name);
          before.add(logger.getLevel());
          logger.setLevel(level);
          logger.addAppender(logs);
        });
    vault.holds("ptu-key", OLD_KEY);
    accept(OLD_KEY);
  }

  @AfterEach
  void release() {
    int i = 0;
    for (String name : levels.keySet()) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      logger.detachAppender(logs);
      logger.setLevel(before.get(i++));
    }
    vault.close();
  }

  /** The PTU accepts {@code key} alone; any other key gets Azure OpenAI's 401. */
  private void accept(String key) {
    if (accepted == null) {
      H.ptu.stubFor(
          post(urlPathEqualTo(chatPath(PTU_DEPLOYMENT)))
              .atPriority(3)
              .willReturn(error(401, "401")));
    } else {
      H.ptu.removeStub(accepted);
    }
    accepted =
        H.ptu.stubFor(
            post(urlPathEqualTo(chatPath(PTU_DEPLOYMENT)))
                .atPriority(1)
                .withHeader("api-key", equalTo(key))
                .willReturn(Harness.ok()));
  }

  /** The vault holds the new key, then the backend drops the old one, as a rotation runs. */
  private void rotate() {
    vault.holds("ptu-key", NEW_KEY);
    accept(NEW_KEY);
  }

  private SpillwayPool pool(boolean withPaygo) {
    SpillwayPool.Builder b =
        SpillwayPool.builder()
            .backend(
                Backend.builder("sweden-ptu")
                    .endpoint(Harness.url(H.ptu))
                    .tier(0)
                    .deployment(Deployment.ptu(MODEL, PTU_DEPLOYMENT, 300_000))
                    .build(),
                Credential.keyVaultSecret(
                    vault.secretUri("ptu-key"),
                    FakeKeyVault.clientBuilder(),
                    Credential.DEFAULT_SECRET_REFRESH))
            .clock(time.clock())
            .settings(Harness.SETTINGS)
            .randomSeed(7)
            .listener(
                new PoolListener() {
                  @Override
                  public void onCallComplete(CallOutcome outcome) {
                    outcomes.add(outcome);
                  }
                });
    if (withPaygo) {
      b.backend(
          Backend.builder("eastus-paygo")
              .endpoint(Harness.url(H.payg))
              .tier(1)
              .deployment(MODEL, PAYG_DEPLOYMENT)
              .build(),
          Credential.apiKey(Harness.PAYG_KEY));
    }
    return b.build();
  }

  private static long refused(WireMockServer server) {
    return server.getAllServeEvents().stream()
        .map(ServeEvent::getResponse)
        .filter(r -> r.getStatus() == 401)
        .count();
  }

  @SuppressWarnings("SynchronizeOnNonFinalField") // ListAppender assigns its list once, at creation
  private void assertNoKeyLogged(SpillwayPool pool) {
    List<String> seen = new ArrayList<>();
    synchronized (logs.list) {
      for (ILoggingEvent e : logs.list) {
        seen.add(e.getFormattedMessage());
        if (e.getThrowableProxy() != null) {
          seen.add(ThrowableProxyUtil.asString(e.getThrowableProxy()));
        }
      }
    }
    outcomes.forEach(o -> seen.add(o.toString()));
    seen.add(pool.snapshot().toString());
    seen.add(pool.toString());
    assertThat(seen).isNotEmpty().noneMatch(s -> s.contains(OLD_KEY) || s.contains(NEW_KEY));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aRotationDuringALoadRunOf200CallsFailsNoCall(Mode mode) {
    try (SpillwayPool pool = pool(true)) {
      // the pool reads the key when built: a cold vault connection costs no attempt its timeout
      await().atMost(Duration.ofSeconds(10)).until(() -> vault.reads("ptu-key") == 1);
      for (int i = 1; i <= CALLS; i++) {
        if (i == ROTATE_AT) {
          rotate();
        }
        assertThat(Harness.chat(pool, mode).getChoices()).as("call %d", i).hasSize(1);
      }

      assertThat(outcomes).hasSize(CALLS).allMatch(o -> o.error() == null);
      assertThat(outcomes)
          .filteredOn(o -> o.attempts().size() != 1)
          .extracting(CallOutcome::toString)
          .singleElement()
          .isEqualTo(outcomes.get(ROTATE_AT - 1).toString());
      // 199 calls answered by the PTU; the one that met the old key failed over to PAYG.
      // (WireMock journals a request once its answer is written: wait for the last.)
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(Harness.count(H.ptu)).isEqualTo(CALLS));
      assertThat(refused(H.ptu)).isEqualTo(1);
      assertThat(Harness.count(H.payg)).isEqualTo(1);
      List<AttemptRecord> rotated = outcomes.get(ROTATE_AT - 1).attempts();
      assertThat(rotated)
          .extracting(AttemptRecord::backendId)
          .containsExactly("sweden-ptu", "eastus-paygo");
      assertThat(rotated.get(0).outcome()).isEqualTo(AttemptOutcome.FAILED);
      assertThat(rotated.get(0).status()).isEqualTo(401);
      assertThat(outcomes.get(ROTATE_AT).attempts())
          .extracting(AttemptRecord::backendId)
          .containsExactly("sweden-ptu");
      assertThat(pool.snapshot().backend("sweden-ptu").circuit()).isEqualTo(CircuitState.CLOSED);
      // read once at the first call, once on the 401; the challenge once
      assertThat(vault.reads("ptu-key")).isEqualTo(2);
      assertThat(vault.requests()).isEqualTo(3);
      assertNoKeyLogged(pool);
    }
  }

  @Test
  void aRotationUnder8ConcurrentCallersFailsNoCallAndReadsTheVaultOnceOnThe401() throws Exception {
    AtomicInteger started = new AtomicInteger();
    try (SpillwayPool pool = pool(true)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> vault.reads("ptu-key") == 1);
      ExecutorService callers = Executors.newFixedThreadPool(8);
      List<Future<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        calls.add(
            callers.submit(
                () -> {
                  if (started.incrementAndGet() == ROTATE_AT) {
                    rotate();
                  }
                  return Harness.chat(pool, Mode.SYNC).getChoices().size();
                }));
      }
      for (Future<Integer> call : calls) {
        assertThat(call.get()).isEqualTo(1); // throws if a call failed
      }
      callers.shutdown();

      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(Harness.count(H.ptu) + Harness.count(H.payg))
                      .isEqualTo(CALLS + refused(H.ptu)));
      long refusals = refused(H.ptu);
      assertThat(refusals).isBetween(1L, 8L); // the calls in flight with the old key
      assertThat(vault.reads("ptu-key")).isEqualTo(2);
      assertThat(pool.snapshot().backend("sweden-ptu").circuit()).isEqualTo(CircuitState.CLOSED);
      assertNoKeyLogged(pool);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aLoneBackendRetriesWithTheNewKeyOnTheNextLap(Mode mode) {
    try (SpillwayPool pool = pool(false)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> vault.reads("ptu-key") == 1);
      assertThat(Harness.chat(pool, mode).getChoices()).hasSize(1);
      rotate();
      assertThat(Harness.chat(pool, mode).getChoices()).hasSize(1);

      assertThat(outcomes.get(1).attempts())
          .extracting(AttemptRecord::backendId, AttemptRecord::status)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("sweden-ptu", 401),
              org.assertj.core.groups.Tuple.tuple("sweden-ptu", 200));
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(Harness.count(H.ptu)).isEqualTo(3));
      assertThat(vault.reads("ptu-key")).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aKeyTheVaultStillHoldsIsAMisconfigurationAndOpensTheCircuit(Mode mode) {
    accept(NEW_KEY); // regenerated on the resource, but the vault was never updated
    try (SpillwayPool pool = pool(true)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> vault.reads("ptu-key") == 1);
      assertThat(Harness.chat(pool, mode).getChoices()).hasSize(1);

      assertThat(outcomes.get(0).attempts())
          .extracting(AttemptRecord::outcome)
          .containsExactly(AttemptOutcome.MISCONFIGURED, AttemptOutcome.SUCCESS);
      assertThat(pool.snapshot().backend("sweden-ptu").circuit()).isEqualTo(CircuitState.OPEN);
      assertThat(vault.reads("ptu-key")).isEqualTo(2); // the first read, and the one on the 401
      assertNoKeyLogged(pool);
    }
  }
}
