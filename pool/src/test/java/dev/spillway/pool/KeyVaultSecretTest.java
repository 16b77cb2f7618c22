package dev.spillway.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.spillway.Backend;
import dev.spillway.pool.spi.AdapterSupport;
import dev.spillway.pool.spi.AuthHeader;
import dev.spillway.pool.spi.BackendAuth;
import dev.spillway.pool.testing.FakeKeyVault;
import dev.spillway.testing.LogCapture;
import dev.spillway.testing.ManualTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * API keys from Key Vault secrets, through the real Key Vault client against {@link FakeKeyVault}:
 * exact reads of the vault, the refresh interval on the pool's manual clock, the read on a 401, a
 * vault that refuses or is gone; the key never in a message, log line or {@code toString()}.
 */
class KeyVaultSecretTest {
  private static final String CANARY = "canary-kv-7f3a9e";
  private static final String ROTATED = "canary-kv-rotated-51c2";
  private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

  private final FakeKeyVault vault = FakeKeyVault.start();
  private final ManualTime time = new ManualTime();
  private SpillwayPool pool;

  /** The sync path reads {@link BackendAuth#header()}, the async one {@code headerAsync()}. */
  enum Path {
    SYNC,
    ASYNC;

    String key(BackendAuth auth) {
      return this == SYNC ? auth.header().value() : auth.headerAsync().join().value();
    }
  }

  @AfterEach
  void stop() {
    if (pool != null) {
      pool.close();
    }
    vault.close();
  }

  private BackendAuth auth(Credential credential) {
    pool =
        SpillwayPool.builder()
            .clock(time.clock())
            .ticker(time)
            .scheduler(time)
            .backend(
                Backend.builder("ptu")
                    .endpoint("https://ptu.openai.azure.com")
                    .deployment("gpt-4o", "gpt-4o")
                    .build(),
                credential)
            .build();
    return AdapterSupport.of(pool).auth("ptu");
  }

  private BackendAuth auth() {
    return auth(
        Credential.keyVaultSecret(
            vault.secretUri("ptu-key"), FakeKeyVault.clientBuilder(), FIVE_MINUTES));
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void readsTheSecretOnceThenAgainWhenTheRefreshIntervalHasPassed(Path path) {
    vault.holds("ptu-key", CANARY);
    BackendAuth auth = auth();
    // the pool starts the first read when it is built, before any attempt
    await().atMost(Duration.ofSeconds(10)).until(() -> vault.reads("ptu-key") == 1);

    assertThat(IntStream.range(0, 10).mapToObj(i -> path.key(auth))).containsOnly(CANARY);
    assertThat(vault.reads("ptu-key")).isEqualTo(1);
    assertThat(vault.challenges()).isEqualTo(1);
    assertThat(auth.header().name()).isEqualTo(AuthHeader.API_KEY);

    vault.holds("ptu-key", ROTATED); // rotated in the vault: used once the interval has passed
    time.advance(FIVE_MINUTES.toNanos() - 1);
    assertThat(path.key(auth)).isEqualTo(CANARY);
    assertThat(vault.reads("ptu-key")).isEqualTo(1);
    time.advance(1);
    assertThat(path.key(auth)).isEqualTo(ROTATED);
    assertThat(path.key(auth)).isEqualTo(ROTATED);
    assertThat(vault.reads("ptu-key")).isEqualTo(2);
    assertThat(vault.requests()).isEqualTo(3); // one challenge, two reads
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void a401ReadsTheVaultAtOnceAndTellsARotationFromAWrongKey(Path path) {
    vault.holds("ptu-key", CANARY);
    BackendAuth auth = auth();
    AuthHeader sent = auth.header();
    vault.holds("ptu-key", ROTATED);

    assertThat(auth.rejected(sent).join()).isTrue();
    assertThat(vault.reads("ptu-key")).isEqualTo(2);
    assertThat(path.key(auth)).isEqualTo(ROTATED);
    // another attempt that left with the old key: already renewed, the vault is not read again
    assertThat(auth.rejected(sent).join()).isTrue();
    assertThat(vault.reads("ptu-key")).isEqualTo(2);

    // the backend refuses the key the vault holds: no rotation, a misconfiguration
    assertThat(auth.rejected(auth.header()).join()).isFalse();
    assertThat(vault.reads("ptu-key")).isEqualTo(3);
    assertThat(path.key(auth)).isEqualTo(ROTATED);
  }

  @Test
  void concurrentRejectionsShareOneRead() {
    vault.holds("ptu-key", CANARY);
    BackendAuth auth = auth();
    AuthHeader sent = auth.header();
    vault.holds("ptu-key", ROTATED);

    List<CompletableFuture<Boolean>> renewed =
        IntStream.range(0, 8)
            .parallel()
            .mapToObj(i -> CompletableFuture.supplyAsync(() -> auth.rejected(sent).join()))
            .toList();

    assertThat(renewed).allSatisfy(f -> assertThat(f.join()).isTrue());
    assertThat(vault.reads("ptu-key")).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void aVaultThatRefusesKeepsTheLastGoodKeyAndLogsOncePerFailureStreak(Path path) throws Exception {
    vault.holds("ptu-key", CANARY);
    BackendAuth auth = auth();
    assertThat(path.key(auth)).isEqualTo(CANARY);
    vault.answers("ptu-key", 403, "Forbidden");

    try (AutoCloseable info = LogCapture.quiet("dev.spillway.pool", Level.INFO);
        LogCapture log = LogCapture.of("dev.spillway.pool")) {
      time.advance(FIVE_MINUTES.toNanos());
      assertThat(path.key(auth)).isEqualTo(CANARY);
      assertThat(vault.reads("ptu-key")).isEqualTo(2);
      // asked again after the retry delay, not on every attempt
      assertThat(path.key(auth)).isEqualTo(CANARY);
      assertThat(vault.reads("ptu-key")).isEqualTo(2);
      time.advance(Duration.ofSeconds(30).toNanos());
      assertThat(path.key(auth)).isEqualTo(CANARY);
      assertThat(vault.reads("ptu-key")).isEqualTo(3);
      assertThat(auth.rejected(auth.header()).join()).isFalse(); // a 401 meanwhile: not renewed
      assertThat(vault.reads("ptu-key")).isEqualTo(4);

      assertThat(log.messages(Level.WARN))
          .singleElement()
          .asString()
          .contains(vault.secretUri("ptu-key"), "HTTP 403", "keeping the last good key")
          .doesNotContain(CANARY);

      vault.holds("ptu-key", ROTATED);
      time.advance(Duration.ofSeconds(30).toNanos());
      assertThat(path.key(auth)).isEqualTo(ROTATED);
      assertThat(log.messages(Level.INFO)).singleElement().asString().contains("read again");

      vault.answers("ptu-key", 403, "Forbidden"); // a new streak logs again, once
      time.advance(FIVE_MINUTES.toNanos());
      assertThat(path.key(auth)).isEqualTo(ROTATED);
      assertThat(path.key(auth)).isEqualTo(ROTATED);
      assertThat(log.messages(Level.WARN)).hasSize(2);
      assertThat(log.messages(Level.WARN)).noneMatch(m -> m.contains(ROTATED));
    }
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void anUnreachableVaultKeepsTheLastGoodKey(Path path) {
    vault.holds("ptu-key", CANARY);
    BackendAuth auth = auth();
    assertThat(path.key(auth)).isEqualTo(CANARY);
    vault.stop();

    try (LogCapture log = LogCapture.of("dev.spillway.pool")) {
      time.advance(FIVE_MINUTES.toNanos());
      assertThat(path.key(auth)).isEqualTo(CANARY);
      assertThat(log.messages(Level.WARN))
          .singleElement()
          .asString()
          .contains(vault.secretUri("ptu-key"), "keeping the last good key")
          .doesNotContain(CANARY);
    }
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void withNoKeyYetAttemptsFailNamingTheSecretUntilTheNextTry(Path path) {
    vault.answers("ptu-key", 403, "Forbidden");
    BackendAuth auth = auth(); // its first read, started at build, fails

    for (int i = 0; i < 3; i++) { // the same failure, without asking the vault again
      assertThatThrownBy(() -> path.key(auth))
          .isInstanceOfAny(IllegalStateException.class, CompletionException.class)
          .satisfies(
              e -> {
                Throwable cause = e instanceof CompletionException ? e.getCause() : e;
                assertThat(cause)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                        "Key Vault secret "
                            + vault.secretUri("ptu-key")
                            + " could not be read: HTTP 403");
              });
    }
    assertThat(vault.reads("ptu-key")).isEqualTo(1);

    vault.holds("ptu-key", CANARY); // permission granted: the next try reads it
    time.advance(Duration.ofSeconds(30).toNanos());
    assertThat(path.key(auth)).isEqualTo(CANARY);
    assertThat(vault.reads("ptu-key")).isEqualTo(2);
  }

  @Test
  void aKeySupplierIsReadAgainOnA401AndEntraIsNotRenewed() {
    AtomicReference<String> key = new AtomicReference<>(CANARY);
    BackendAuth supplied = auth(Credential.apiKey(key::get));
    AuthHeader sent = supplied.header();

    assertThat(supplied.rejected(sent).join()).isFalse(); // the same key: a wrong key
    key.set(ROTATED);
    assertThat(supplied.rejected(sent).join()).isTrue();
    assertThat(supplied.header().value()).isEqualTo(ROTATED);

    pool.close();
    BackendAuth entra = auth(Credential.entra(FakeKeyVault.VAULT_TOKENS));
    assertThat(entra.rejected(entra.header()).join()).isFalse();
    assertThat(vault.requests()).isZero();
  }

  @Test
  void aPinnedVersionIsReadByThatVersion() {
    vault.holds("ptu-key", CANARY);
    BackendAuth auth =
        auth(
            Credential.keyVaultSecret(
                vault.secretUri("ptu-key") + "/0123456789abcdef",
                FakeKeyVault.clientBuilder(),
                FIVE_MINUTES));

    assertThat(auth.header().value()).isEqualTo(CANARY);
    assertThat(vault.reads("ptu-key")).isEqualTo(1);
  }

  @Test
  void aConfiguredBackendReadsTheVaultWithThePoolsTokenCredential() {
    vault.holds("ptu-key", CANARY);
    PoolConfig config =
        PoolConfig.of(
            List.of(
                new BackendConfig(
                    "ptu",
                    "https://ptu.openai.azure.com",
                    null,
                    null,
                    null,
                    null,
                    vault.secretUri("ptu-key"),
                    Duration.ofMinutes(1),
                    null,
                    List.of(DeploymentConfig.of("gpt-4o", "gpt-4o")))));
    pool =
        SpillwayPool.builder()
            .config(config)
            .clock(time.clock())
            .entraCredential(FakeKeyVault.VAULT_TOKENS)
            .keyVaultClient(FakeKeyVault::customize)
            .build();
    BackendAuth auth = AdapterSupport.of(pool).auth("ptu");

    assertThat(auth.header().value()).isEqualTo(CANARY);
    assertThat(pool.credentialKind("ptu")).isEqualTo(Credential.API_KEY);
    time.advance(Duration.ofMinutes(1).toNanos());
    assertThat(auth.header().value()).isEqualTo(CANARY);
    assertThat(vault.reads("ptu-key")).isEqualTo(2);
    assertThat(String.valueOf(config) + pool + pool.snapshot() + auth).doesNotContain(CANARY);
  }

  @Test
  void neitherTheCredentialNorTheAuthShowsTheKey() {
    vault.holds("ptu-key", CANARY);
    Credential credential =
        Credential.keyVaultSecret(
            vault.secretUri("ptu-key"), FakeKeyVault.clientBuilder(), FIVE_MINUTES);
    BackendAuth auth = auth(credential);
    AuthHeader header = auth.header();

    assertThat(credential.kind()).isEqualTo(Credential.API_KEY);
    assertThat(credential + " " + auth + " " + header + " " + pool.snapshot())
        .contains(vault.secretUri("ptu-key"))
        .doesNotContain(CANARY);
    assertThatThrownBy(credential::currentKey)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageNotContaining(CANARY);
  }

  @Test
  void refusesWhatIsNoKeyVaultSecretUrl() {
    for (String uri :
        List.of(
            "http://v.vault.azure.net/secrets/k",
            "https://v.vault.azure.net/keys/k",
            "https://v.vault.azure.net/secrets/",
            "https://v.vault.azure.net/secrets/k?x=1",
            "not a url",
            "")) {
      assertThatThrownBy(
              () -> Credential.keyVaultSecret(uri, FakeKeyVault.clientBuilder(), FIVE_MINUTES))
          .as(uri)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("https://<vault>.vault.azure.net/secrets/<name>");
    }
    assertThatThrownBy(
            () ->
                Credential.keyVaultSecret(
                    vault.secretUri("k"), FakeKeyVault.clientBuilder(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refresh interval must be > 0");
  }
}
