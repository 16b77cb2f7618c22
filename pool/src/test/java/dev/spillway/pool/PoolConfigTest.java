package dev.spillway.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import dev.spillway.Backend;
import dev.spillway.Deployment;
import dev.spillway.PoolSettings;
import dev.spillway.pool.spi.AdapterSupport;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class PoolConfigTest {
  private static final DeploymentConfig GPT4O = DeploymentConfig.of("gpt-4o", "gpt-4o");
  private static final TokenCredential TOKENS =
      request -> Mono.just(new AccessToken("t", OffsetDateTime.now(ZoneOffset.UTC).plusHours(1)));

  private static BackendConfig backend(
      String id, String endpoint, String apiKey, String credential) {
    return new BackendConfig(
        id, endpoint, null, null, null, apiKey, null, null, credential, List.of(GPT4O));
  }

  /** A valid keyed backend {@code sweden-ptu} with the given deployments. */
  private static BackendConfig withDeployments(List<DeploymentConfig> deployments) {
    return new BackendConfig(
        "sweden-ptu",
        "https://a.openai.azure.com",
        null,
        null,
        null,
        "k",
        null,
        null,
        null,
        deployments);
  }

  private static BackendConfig vaulted(String id, String apiKey, String secret, Duration refresh) {
    return new BackendConfig(
        id,
        "https://a.openai.azure.com",
        null,
        null,
        null,
        apiKey,
        secret,
        refresh,
        null,
        List.of(GPT4O));
  }

  private static BackendConfig keyed(String id, String endpoint) {
    return backend(id, endpoint, "secret-key", null);
  }

  @Test
  void buildsAPoolWithDefaultsFromTheSchema() {
    PoolConfig config =
        new PoolConfig(
            PoolSettings.builder()
                .timeout(Duration.ofSeconds(30))
                .attemptTimeout(Duration.ofSeconds(10))
                .maxAttempts(3)
                .build(),
            "eastus-paygo",
            false,
            List.of(
                new BackendConfig(
                    "sweden-ptu",
                    "https://ptu.openai.azure.com",
                    0,
                    2.0,
                    "swedencentral",
                    "k1",
                    null,
                    null,
                    null,
                    List.of(new DeploymentConfig("gpt-4o", "gpt4o-ptu", true, 300_000L, null))),
                new BackendConfig(
                    "eastus-paygo",
                    "https://paygo.openai.azure.com",
                    1,
                    null,
                    null,
                    null,
                    null,
                    null,
                    "Entra",
                    List.of(GPT4O))));

    try (SpillwayPool pool =
        SpillwayPool.builder().config(config).entraCredential(TOKENS).build()) {
      assertThat(pool.backendPool().settings().timeout()).isEqualTo(Duration.ofSeconds(30));
      assertThat(pool.backendPool().settings().attemptTimeout()).isEqualTo(Duration.ofSeconds(10));
      assertThat(AdapterSupport.of(pool).streamIdleTimeout())
          .isEqualTo(SpillwayPool.DEFAULT_STREAM_IDLE_TIMEOUT);
      assertThat(pool.backendPool().settings().maxAttempts()).isEqualTo(3);
      assertThat(pool.backendPool().homeBackend().id()).isEqualTo("eastus-paygo");
      Backend ptu = pool.backendPool().backends().get(0);
      assertThat(ptu.weight()).isEqualTo(2.0);
      assertThat(ptu.region()).isEqualTo("swedencentral");
      assertThat(ptu.deployments())
          .containsExactly(new Deployment("gpt-4o", "gpt4o-ptu", true, 300_000, 0));
      Backend payg = pool.backendPool().backends().get(1);
      assertThat(payg.weight()).isEqualTo(Backend.DEFAULT_WEIGHT);
      assertThat(pool.credentialKind("sweden-ptu")).isEqualTo("api-key");
      assertThat(pool.credentialKind("eastus-paygo")).isEqualTo("entra");
    }
  }

  @Test
  void apiKeyNeverShowsInToString() {
    BackendConfig config = keyed("a", "https://a.openai.azure.com");
    assertThat(config.toString()).contains("apiKey=***").doesNotContain("secret-key");
    assertThat(PoolConfig.of(List.of(config)).toString()).doesNotContain("secret-key");
  }

  @Test
  void validationMessagesNameTheBackendAndField() {
    assertThatThrownBy(
            () ->
                new BackendConfig(
                    "eastus-paygo",
                    "https://a.openai.azure.com",
                    null,
                    -1.0,
                    null,
                    "k",
                    null,
                    null,
                    null,
                    List.of(GPT4O)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backend 'eastus-paygo': weight must be > 0, was -1.0");
    assertThatThrownBy(
            () ->
                new BackendConfig(
                    "b",
                    "https://a.openai.azure.com",
                    -1,
                    null,
                    null,
                    "k",
                    null,
                    null,
                    null,
                    List.of(GPT4O)))
        .hasMessage("backend 'b': tier must be >= 0, was -1");
    assertThatThrownBy(() -> backend("b", "https://a.openai.azure.com", "k", "entra"))
        .isInstanceOfSatisfying(
            InvalidPropertyException.class, e -> assertThat(e.property()).isEqualTo("credential"))
        .hasMessage(
            "backend 'b': set exactly one of api-key, api-key-secret and credential,"
                + " api-key and credential were set");
    assertThatThrownBy(() -> backend("b", "https://a.openai.azure.com", " ", null))
        .isInstanceOfSatisfying(
            InvalidPropertyException.class, e -> assertThat(e.property()).isEqualTo("api-key"))
        .hasMessage(
            "backend 'b': set exactly one of api-key, api-key-secret and credential, none was set");
    assertThatThrownBy(() -> vaulted("b", "k", "https://v.vault.azure.net/secrets/s", null))
        .isInstanceOfSatisfying(
            InvalidPropertyException.class,
            e -> assertThat(e.property()).isEqualTo("api-key-secret"))
        .hasMessageContaining("api-key and api-key-secret were set");
    assertThatThrownBy(() -> vaulted("b", null, "https://v.vault.azure.net/keys/s", null))
        .isInstanceOfSatisfying(
            InvalidPropertyException.class,
            e -> assertThat(e.property()).isEqualTo("api-key-secret"))
        .hasMessage(
            "backend 'b': a Key Vault secret URL must be"
                + " https://<vault>.vault.azure.net/secrets/<name> or"
                + " .../secrets/<name>/<version>, was 'https://v.vault.azure.net/keys/s'");
    assertThatThrownBy(() -> vaulted("b", "k", null, Duration.ofMinutes(1)))
        .isInstanceOfSatisfying(
            InvalidPropertyException.class,
            e -> assertThat(e.property()).isEqualTo("api-key-secret-refresh"))
        .hasMessage("backend 'b': api-key-secret-refresh is set without api-key-secret");
    assertThatThrownBy(
            () -> vaulted("b", null, "https://v.vault.azure.net/secrets/s", Duration.ZERO))
        .isInstanceOfSatisfying(
            InvalidPropertyException.class,
            e -> assertThat(e.property()).isEqualTo("api-key-secret-refresh"))
        .hasMessage("backend 'b': the Key Vault refresh interval must be > 0, was PT0S");
    assertThat(vaulted("b", null, "https://v.vault.azure.net/secrets/s/v1", null).usesKeyVault())
        .isTrue();
    assertThatThrownBy(() -> backend("b", "https://a.openai.azure.com", null, "managed"))
        .hasMessage("backend 'b': credential must be 'entra', was 'managed'");
    assertThatThrownBy(() -> keyed("b", "ftp://a"))
        .hasMessageContaining("backend 'b': endpoint must be an absolute http(s) URL");
    assertThatThrownBy(() -> keyed("b", null))
        .hasMessage("backend 'b': endpoint cannot be null or blank.");
    assertThatThrownBy(
            () ->
                withDeployments(
                    List.of(GPT4O, new DeploymentConfig("gpt-4o-mini", " ", null, null, null))))
        .hasMessage("backend 'sweden-ptu': deployments[1].deployment is required");
    assertThatThrownBy(() -> withDeployments(List.of(DeploymentConfig.of(null, "d"))))
        .hasMessage("backend 'sweden-ptu': deployments[0].model is required");
    assertThatThrownBy(
            () ->
                new BackendConfig(
                    "b",
                    "https://a",
                    null,
                    null,
                    null,
                    "k",
                    null,
                    null,
                    null,
                    List.of(GPT4O, DeploymentConfig.of("gpt-4o", "other"))))
        .hasMessage("backend 'b': model 'gpt-4o' is mapped twice.");
    assertThatThrownBy(() -> new DeploymentConfig("gpt-4o", "d", null, -5L, null))
        .hasMessage("deployment 'd': tpm must be >= 0, was -5");
    assertThatThrownBy(() -> PoolConfig.of(List.of()))
        .hasMessage("backends must list at least one backend.");
    assertThatThrownBy(
            () -> PoolConfig.of(List.of(keyed("a", "https://x"), keyed("a", "https://y"))))
        .hasMessage("backend id 'a' is used twice.");
    assertThat(PoolConfig.of(List.of(keyed("a", "https://x"))).settings())
        .isEqualTo(PoolSettings.DEFAULTS);
    assertThatThrownBy(() -> new PoolConfig(null, "nope", false, List.of(keyed("a", "https://x"))))
        .hasMessageContaining("home-backend 'nope' is not a backend id");
  }

  @Test
  void theFlatSchemaBindsMaxWaitOntoTheSettingsAndNamesItOnError() {
    List<BackendConfig> backends = List.of(keyed("a", "https://x"));
    PoolConfig config =
        PoolConfig.of(
            null, null, null, null, null, Duration.ofSeconds(3), null, null, false, backends);
    assertThat(config.settings())
        .isEqualTo(PoolSettings.builder().maxWait(Duration.ofSeconds(3)).build());
    assertThat(config.settings().maxWait()).isEqualTo(Duration.ofSeconds(3));
    assertThat(
            PoolConfig.of(null, null, null, null, null, null, null, null, false, backends)
                .settings()
                .maxWait())
        .isEqualTo(PoolSettings.DEFAULT_MAX_WAIT);
    assertThat(
            PoolConfig.of(null, null, null, null, null, Duration.ZERO, null, null, false, backends)
                .settings()
                .maxWait())
        .isZero();
    assertThatThrownBy(
            () ->
                PoolConfig.of(
                    null,
                    null,
                    null,
                    null,
                    null,
                    Duration.ofSeconds(-1),
                    null,
                    null,
                    false,
                    backends))
        .isInstanceOfSatisfying(
            InvalidPropertyException.class, e -> assertThat(e.property()).isEqualTo("max-wait"))
        .hasMessage("maxWait must be >= 0, was PT-1S");
  }

  @Test
  void theFlatSchemaBindsHedgeRatioOntoTheSettingsAndNamesItOnError() {
    List<BackendConfig> backends = List.of(keyed("a", "https://x"));
    PoolConfig config =
        PoolConfig.of(null, null, null, null, null, null, 0.25, null, false, backends);
    assertThat(config.settings()).isEqualTo(PoolSettings.builder().hedgeRatio(0.25).build());
    assertThat(config.settings().hedgeRatio()).isEqualTo(0.25);
    assertThat(
            PoolConfig.of(null, null, null, null, null, null, null, null, false, backends)
                .settings()
                .hedgeRatio())
        .isEqualTo(PoolSettings.DEFAULT_HEDGE_RATIO);
    assertThat(
            PoolConfig.of(null, null, null, null, null, null, 0.0, null, false, backends)
                .settings()
                .hedgeRatio())
        .isZero();
    assertThat(
            PoolConfig.of(null, null, null, null, null, null, 1.0, null, false, backends)
                .settings()
                .hedgeRatio())
        .isEqualTo(1.0);
    for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
      assertThatThrownBy(
              () -> PoolConfig.of(null, null, null, null, null, null, bad, null, false, backends))
          .isInstanceOfSatisfying(
              InvalidPropertyException.class,
              e -> assertThat(e.property()).isEqualTo("hedge-ratio"))
          .hasMessage("hedgeRatio must be in [0, 1], was " + bad);
    }
  }

  @Test
  void settingsChangesKeepTheConfiguredSettings() {
    PoolConfig config =
        new PoolConfig(
            PoolSettings.builder().timeout(Duration.ofSeconds(30)).build(),
            null,
            false,
            List.of(keyed("a", "https://x")));
    try (SpillwayPool pool =
        SpillwayPool.builder()
            .config(config)
            .settings(s -> s.lapBackoff(Duration.ofMillis(7)))
            .build()) {
      assertThat(pool.backendPool().settings())
          .isEqualTo(
              PoolSettings.builder()
                  .timeout(Duration.ofSeconds(30))
                  .lapBackoff(Duration.ofMillis(7))
                  .build());
    }
    PoolSettings whole = PoolSettings.builder().maxAttempts(2).build();
    try (SpillwayPool pool = SpillwayPool.builder().config(config).settings(whole).build()) {
      assertThat(pool.backendPool().settings()).isSameAs(whole);
    }
  }

  @Test
  void plainHttpOnlyToLoopbackUnlessAllowed() {
    assertThat(
            PoolConfig.of(
                List.of(
                    keyed("a", "http://127.0.0.1:8080"),
                    keyed("b", "http://localhost:1"),
                    keyed("c", "http://[::1]:1"))))
        .isNotNull();
    assertThatThrownBy(() -> PoolConfig.of(List.of(keyed("a", "http://example.com"))))
        .hasMessageContaining("backend 'a': endpoint must use https");
    assertThat(new PoolConfig(null, null, true, List.of(keyed("a", "http://example.com"))))
        .isNotNull();

    SpillwayPool.Builder code =
        SpillwayPool.builder()
            .backend(
                Backend.builder("a")
                    .endpoint("http://example.com")
                    .deployment("gpt-4o", "d")
                    .build(),
                Credential.apiKey("k"));
    assertThatThrownBy(code::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("backend 'a': endpoint must use https");
    try (SpillwayPool pool = code.allowInsecureHttp(true).build()) {
      assertThat(pool.backendPool().backends()).hasSize(1);
    }
  }

  @Test
  void entraCredentialShowsNoSecret() {
    assertThat(Credential.entra(TOKENS).toString()).startsWith("Entra[").doesNotContain("t]");
    assertThat(Credential.entra(TOKENS).kind()).isEqualTo("entra");
  }

  private static final String SECRET = "sk-very-secret-0123456789";

  @Test
  void noToStringShowsTheKey() {
    Credential key = Credential.apiKey(SECRET);
    Credential supplied = Credential.apiKey(() -> SECRET);
    Backend backend =
        Backend.builder("a")
            .endpoint("https://a.openai.azure.com")
            .deployment("gpt-4o", "d")
            .build();

    assertThat(key).hasToString("ApiKey[***]");
    assertThat(supplied).hasToString("ApiKey[***]");
    assertThat(key.currentKey()).isEqualTo(SECRET);
    try (SpillwayPool pool = SpillwayPool.builder().backend(backend, key).build()) {
      AdapterSupport support = AdapterSupport.of(pool);
      for (Object o :
          List.of(
              backend,
              key,
              supplied,
              pool,
              pool.snapshot(),
              support,
              support.auth("a"),
              support.auth("a").header())) {
        assertThat(o.toString()).doesNotContain(SECRET).doesNotContain("very-secret");
      }
      assertThat(support.auth("a").header().value()).isEqualTo(SECRET);
    }
  }

  @Test
  void aBlankKeyIsRejectedWithoutEchoingIt() {
    assertThatThrownBy(() -> Credential.apiKey("  "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'key' cannot be null or blank.");
    assertThatThrownBy(() -> Credential.apiKey(() -> "").currentKey())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("API key supplier returned no key.");
  }
}
