package dev.spillway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.PoolSettings;
import dev.spillway.pool.BackendConfig;
import dev.spillway.pool.DeploymentConfig;
import dev.spillway.pool.PoolConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PoolConfigLoaderTest {
  static final String CANARY = "canary-key-7f3a9c";
  static final Function<String, String> ENV =
      Map.of("AOAI_PTU_KEY", CANARY, "AOAI_PAYGO_KEY", "paygo-secret")::get;

  static final String DESIGN_EXAMPLE =
      """
      spillway:
        timeout: 120s              # call deadline
        attempt-timeout: 60s
        stream-attempt-timeout: 30s
        stream-idle-timeout: 30s
        max-attempts: 6
        max-wait: 20s
        hedge-ratio: 0.25
        home-backend: sweden-ptu
        allow-insecure-http: false
        backends:
          - id: sweden-ptu
            endpoint: https://example-ptu.openai.azure.com
            tier: 0
            weight: 1
            region: swedencentral
            api-key: ${AOAI_PTU_KEY}
            deployments:
              - model: gpt-4o
                deployment: gpt4o-ptu
                ptu: true
                tpm: 300_000
          - id: eastus-paygo
            endpoint: https://example-paygo.openai.azure.com
            tier: 1
            api-key: ${AOAI_PAYGO_KEY}
            deployments:
              - { model: gpt-4o, deployment: gpt-4o, tpm: 150000, rpm: 900 }
          - id: westus-entra
            endpoint: https://example-entra.openai.azure.com
            tier: 1
            weight: 0.5
            credential: entra
            deployments:
              - { model: gpt-4o, deployment: gpt-4o }
      """;

  @Test
  void readsEveryPropertyOfTheDesignSchema() {
    PoolConfig config = PoolConfigLoader.load(DESIGN_EXAMPLE, "pool.yaml", ENV);

    assertThat(config.settings().timeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(config.settings().attemptTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.settings().streamAttemptTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.streamIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.settings().maxAttempts()).isEqualTo(6);
    assertThat(config.settings().maxWait()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.settings().hedgeRatio()).isEqualTo(0.25);
    assertThat(config.homeBackend()).isEqualTo("sweden-ptu");
    assertThat(config.allowInsecureHttp()).isFalse();
    assertThat(config.backends())
        .containsExactly(
            new BackendConfig(
                "sweden-ptu",
                "https://example-ptu.openai.azure.com",
                0,
                1.0,
                "swedencentral",
                CANARY,
                null,
                null,
                null,
                List.of(new DeploymentConfig("gpt-4o", "gpt4o-ptu", true, 300_000L, null))),
            new BackendConfig(
                "eastus-paygo",
                "https://example-paygo.openai.azure.com",
                1,
                null,
                null,
                "paygo-secret",
                null,
                null,
                null,
                List.of(new DeploymentConfig("gpt-4o", "gpt-4o", null, 150_000L, 900L))),
            new BackendConfig(
                "westus-entra",
                "https://example-entra.openai.azure.com",
                1,
                0.5,
                null,
                null,
                null,
                null,
                "entra",
                List.of(DeploymentConfig.of("gpt-4o", "gpt-4o"))));
  }

  @Test
  void readsTheBareSchemaWithDefaults() {
    PoolConfig config =
        PoolConfigLoader.load(
            """
        backends:
          - id: local
            endpoint: http://127.0.0.1:8080
            api-key: plain
            deployments: [{ model: gpt-4o, deployment: gpt-4o }]
        """,
            "bare.yaml",
            ENV);

    assertThat(config.settings()).isEqualTo(PoolSettings.DEFAULTS);
    assertThat(config.backends())
        .singleElement()
        .satisfies(b -> assertThat(b.tier()).isNull())
        .satisfies(b -> assertThat(b.apiKey()).isEqualTo("plain"));
  }

  @Test
  void readsAKeyVaultSecretAndItsRefreshInterval() {
    PoolConfig config =
        PoolConfigLoader.load(
            """
        spillway:
          backends:
            - id: ptu
              endpoint: https://a.openai.azure.com
              api-key-secret: https://my-vault.vault.azure.net/secrets/ptu-key
              api-key-secret-refresh: 2m
              deployments: [{ model: gpt-4o, deployment: gpt-4o }]
        """,
            "pool.yaml",
            ENV);

    assertThat(config.backends())
        .singleElement()
        .satisfies(b -> assertThat(b.usesKeyVault()).isTrue())
        .satisfies(
            b ->
                assertThat(b.apiKeySecret())
                    .isEqualTo("https://my-vault.vault.azure.net/secrets/ptu-key"))
        .satisfies(b -> assertThat(b.apiKeySecretRefresh()).isEqualTo(Duration.ofMinutes(2)))
        .satisfies(b -> assertThat(b.apiKey()).isNull());
  }

  @Test
  void aWrongKeyVaultSecretIsReportedAtItsLine() {
    PoolConfigException e =
        failure(
            backend("api-key-secret: https://my-vault.vault.azure.net/keys/ptu-key")
                .replace("      api-key: ${AOAI_PTU_KEY}\n", ""));

    assertThat(e.getMessage())
        .isEqualTo(
            "pool.yaml:6: spillway.backends[0].api-key-secret: backend 'a': a Key Vault secret"
                + " URL must be https://<vault>.vault.azure.net/secrets/<name> or"
                + " .../secrets/<name>/<version>, was"
                + " 'https://my-vault.vault.azure.net/keys/ptu-key'");
    assertThat(failure(backend("api-key-secret: https://v.vault.azure.net/secrets/k")).problem())
        .isEqualTo(
            "backend 'a': set exactly one of api-key, api-key-secret and credential, api-key and"
                + " api-key-secret were set");
  }

  @Test
  void readsDurationUnitsAndIso8601() {
    assertThat(timeout("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(timeout("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(timeout("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(timeout("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void refusesADurationWithoutUnit() {
    assertThatThrownBy(() -> timeout("120"))
        .isInstanceOfSatisfying(
            PoolConfigException.class,
            e -> {
              assertThat(e.property()).isEqualTo("spillway.timeout");
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.problem()).contains("a duration such as", "'120'");
            });
  }

  @Test
  void substitutesVariablesInsideLongerValues() {
    PoolConfig config =
        PoolConfigLoader.load(
            backend("endpoint: https://${HOST}.openai.azure.com"),
            "pool.yaml",
            Map.of("HOST", "contoso", "AOAI_PTU_KEY", CANARY)::get);

    assertThat(config.backends().get(0).endpoint()).isEqualTo("https://contoso.openai.azure.com");
  }

  @Test
  void missingEndpointNamesTheBackendProperty() {
    PoolConfigException e =
        failure(
            """
        spillway:
          backends:
            - id: a
              api-key: k
              deployments: [{ model: gpt-4o, deployment: d }]
        """);

    assertThat(e.source()).isEqualTo("pool.yaml");
    assertThat(e.property()).isEqualTo("spillway.backends[0].endpoint");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.getMessage())
        .isEqualTo(
            "pool.yaml:3: spillway.backends[0].endpoint: backend 'a': endpoint cannot be null or"
                + " blank.");
  }

  @Test
  void invalidPoolSettingIsReportedAtItsKeyWithTheSettingsCheck() {
    PoolConfigException e =
        failure("spillway:\n  attempt-timeout: 0s\n" + backend("region: x").substring(10));

    assertThat(e.property()).isEqualTo("spillway.attempt-timeout");
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.problem()).isEqualTo("attemptTimeout must be > 0, was PT0S");
  }

  @Test
  void negativeMaxWaitIsReportedAtItsKeyWithTheSettingsCheck() {
    PoolConfigException e =
        failure("spillway:\n  max-wait: -1s\n" + backend("region: x").substring(10));

    assertThat(e.property()).isEqualTo("spillway.max-wait");
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.problem()).isEqualTo("maxWait must be >= 0, was PT-1S");
  }

  @Test
  void hedgeRatioOutsideZeroToOneIsReportedAtItsKeyWithTheSettingsCheck() {
    String pool = backend("region: x").substring(10);
    PoolConfigException e = failure("spillway:\n  hedge-ratio: 1.5\n" + pool);

    assertThat(e.property()).isEqualTo("spillway.hedge-ratio");
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.getMessage())
        .isEqualTo("pool.yaml:2: spillway.hedge-ratio: hedgeRatio must be in [0, 1], was 1.5");
    assertThat(failure("spillway:\n  hedge-ratio: -0.1\n" + pool).problem())
        .isEqualTo("hedgeRatio must be in [0, 1], was -0.1");
    assertThat(failure("spillway:\n  hedge-ratio: lots\n" + pool).getMessage())
        .isEqualTo("pool.yaml:2: spillway.hedge-ratio: expected a number, was 'lots'");
    assertThat(
            PoolConfigLoader.load("spillway:\n  hedge-ratio: 0\n" + pool, "pool.yaml", ENV)
                .settings()
                .hedgeRatio())
        .isZero();
  }

  @Test
  void negativeTierIsReportedAtItsOwnLine() {
    PoolConfigException e = failure(backend("tier: -1"));

    assertThat(e.property()).isEqualTo("spillway.backends[0].tier");
    assertThat(e.line()).isEqualTo(7);
    assertThat(e.problem()).isEqualTo("backend 'a': tier must be >= 0, was -1");
  }

  @Test
  void tierThatIsNotANumberIsReportedAtItsLine() {
    PoolConfigException e = failure(backend("tier: first"));

    assertThat(e.property()).isEqualTo("spillway.backends[0].tier");
    assertThat(e.line()).isEqualTo(7);
    assertThat(e.problem()).isEqualTo("expected a whole number, was 'first'");
  }

  @Test
  void unknownPropertyNamesItsPathAndTheKnownOnes() {
    PoolConfigException e =
        failure(
            """
        spillway:
          backends:
            - id: a
              endpoint: https://a.openai.azure.com
              api-key: k
              deployments: [{ model: gpt-4o, deployment: d }]
            - id: b
              endpoint: https://b.openai.azure.com
              tierr: 1
              api-key: k
              deployments: [{ model: gpt-4o, deployment: d }]
        """);

    assertThat(e.property()).isEqualTo("spillway.backends[1].tierr");
    assertThat(e.line()).isEqualTo(9);
    assertThat(e.problem())
        .isEqualTo(
            "unknown property; expected one of api-key, api-key-secret, api-key-secret-refresh,"
                + " credential, deployments, endpoint, id, region, tier, weight");
  }

  @Test
  void unknownPropertyInADeploymentAndAtTheTop() {
    assertThat(failure(backend("deployments: [{ model: m, deployment: d, tmp: 5 }]")).property())
        .isEqualTo("spillway.backends[0].deployments[0].tmp");
    assertThat(failure("spillway:\n  timeout: 1s\nserver:\n  port: 8080\n").property())
        .isEqualTo("server");
    assertThat(failure("spillway:\n  retries: 3\n").property()).isEqualTo("spillway.retries");
  }

  @Test
  void unsetVariableIsNamedWithItsProperty() {
    PoolConfigException e = failure(backend("api-key: ${AOAI_MISSING_KEY}"));

    assertThat(e.property()).isEqualTo("spillway.backends[0].api-key");
    assertThat(e.problem()).isEqualTo("environment variable AOAI_MISSING_KEY is not set");
    assertThat(e.getMessage()).startsWith("pool.yaml:");
  }

  @Test
  void duplicateIdNamesBothBackends() {
    PoolConfigException e =
        failure(
            """
        spillway:
          backends:
            - id: same
              endpoint: https://a.openai.azure.com
              api-key: k
              deployments: [{ model: gpt-4o, deployment: d }]
            - id: same
              endpoint: https://b.openai.azure.com
              api-key: k
              deployments: [{ model: gpt-4o, deployment: d }]
        """);

    assertThat(e.property()).isEqualTo("spillway.backends[1].id");
    assertThat(e.line()).isEqualTo(7);
    assertThat(e.problem()).isEqualTo("backend id 'same' is used twice.");
  }

  @Test
  void keySetTwiceIsAnError() {
    PoolConfigException e = failure("spillway:\n  timeout: 1s\n  timeout: 2s\n  backends: []\n");

    assertThat(e.property()).isEqualTo("spillway.timeout");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.problem()).isEqualTo("set twice");
  }

  @Test
  void structuralMistakesAreNamed() {
    assertThat(failure("spillway:\n  backends: none\n").problem())
        .isEqualTo("expected a list, was 'none'");
    assertThat(failure("spillway:\n  backends: []\n").problem())
        .isEqualTo("backends must list at least one backend.");
    assertThat(failure("spillway:\n  backends:\n    - id: a\n      region: [x]\n").problem())
        .isEqualTo("expected a single value, found a list");
    assertThat(failure("").problem()).isEqualTo("the document is empty");
    assertThat(failure(backend("deployments: [{ model: m, deployment: d, ptu: maybe }]")).problem())
        .isEqualTo("expected true or false, was 'maybe'");
  }

  @Test
  void invalidYamlGivesTheParsersLine() {
    PoolConfigException e = failure("spillway:\n  timeout: 1s\n   backends: [\n");

    assertThat(e.line()).isPositive();
    assertThat(e.problem()).startsWith("not valid YAML: ");
    assertThat(e.getMessage()).doesNotContain("\n");
  }

  @Test
  void secretsNeverAppearInErrors() {
    PoolConfigException e = failure(backend("weight: -2"));

    assertThat(e.getMessage()).doesNotContain(CANARY);
    assertThat(failure(backend("weight: heavy")).getMessage()).doesNotContain(CANARY);
  }

  @Test
  void loadsAFileAndNamesIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pool.yaml");
    Files.writeString(file, "spillway:\n  backends:\n    - id: a\n");

    assertThatThrownBy(() -> PoolConfigLoader.load(file))
        .isInstanceOf(PoolConfigException.class)
        .hasMessage(
            file
                + ":3: spillway.backends[0].endpoint: backend 'a': endpoint cannot be null or"
                + " blank.");
    assertThatThrownBy(() -> PoolConfigLoader.load(dir.resolve("missing.yaml")))
        .isInstanceOf(PoolConfigException.class)
        .hasMessageContaining("missing.yaml: cannot read the file (NoSuchFileException)");
  }

  @Test
  void eachKindOfErrorPointsAtTheLineOfTheValueAtFault() {
    String twoBackends =
        """
        spillway:
          timeout: 30s
          backends:
            - id: a
              endpoint: https://a.openai.azure.com
              api-key: ${AOAI_PTU_KEY}
              deployments: [{ model: gpt-4o, deployment: d }]
            - id: b
              tier: 1
              endpoint: http://b.example.com
              api-key: ${AOAI_PAYGO_KEY}
              deployments:
                - model: gpt-4o
                  deployment: d
                  tpm: 1000
        """;

    // The pool's own check (https), at the endpoint of the second backend.
    assertThat(failure(twoBackends).getMessage())
        .isEqualTo(
            "pool.yaml:10: spillway.backends[1].endpoint: backend 'b': endpoint must use https"
                + " (plain http is allowed only to loopback, or with allow-insecure-http), was"
                + " 'http://b.example.com'");
    String valid = twoBackends.replace("http://b.example", "https://b.example");
    // A backend's own check.
    assertThat(failure(valid.replace("tier: 1", "tier: -3")).getMessage())
        .isEqualTo(
            "pool.yaml:9: spillway.backends[1].tier: backend 'b': tier must be >= 0, was -3");
    // A deployment's own check, inside a list inside a list.
    assertThat(failure(valid.replace("tpm: 1000", "tpm: -1000")).getMessage())
        .isEqualTo(
            "pool.yaml:15: spillway.backends[1].deployments[0].tpm: deployment 'd': tpm must be"
                + " >= 0, was -1000");
    // A setting's check.
    assertThat(failure(valid.replace("timeout: 30s", "timeout: -1s")).getMessage())
        .startsWith("pool.yaml:2: spillway.timeout: timeout must be > 0");
    // A type error.
    assertThat(failure(valid.replace("tier: 1", "tier: one")).getMessage())
        .isEqualTo("pool.yaml:9: spillway.backends[1].tier: expected a whole number, was 'one'");
    // An unknown key.
    assertThat(failure(valid.replace("tpm: 1000", "tpn: 1000")).getMessage())
        .isEqualTo(
            "pool.yaml:15: spillway.backends[1].deployments[0].tpn: unknown property; expected"
                + " one of deployment, model, ptu, rpm, tpm");
    // An unset variable.
    assertThat(failure(valid.replace("AOAI_PAYGO_KEY", "AOAI_UNSET")).getMessage())
        .isEqualTo(
            "pool.yaml:11: spillway.backends[1].api-key: environment variable AOAI_UNSET is not"
                + " set");
  }

  /**
   * The secret {@link #CANARY} (the value of {@code AOAI_PTU_KEY}, also every backend's api-key) is
   * put in each field of the schema in turn, with whatever else makes the document fail where that
   * field's value would be quoted: no message, problem or cause ever holds it, and the value at
   * fault is shown as written.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("canaryInEveryField")
  void aSecretPutInAnyFieldIsNeverEchoed(String field, String yaml) {
    PoolConfigException e = failure(yaml);

    StringBuilder everything = new StringBuilder(e.problem()).append('\n');
    for (Throwable t = e; t != null; t = t.getCause()) {
      everything.append(t).append('\n');
    }
    assertThat(everything.toString()).doesNotContain(CANARY).contains("${AOAI_PTU_KEY}");
  }

  static Stream<Arguments> canaryInEveryField() {
    String key = "${AOAI_PTU_KEY}";
    String pool = backend("region: x").substring("spillway:\n".length());
    List<Arguments> cases = new ArrayList<>();
    for (String setting :
        List.of(
            "timeout",
            "attempt-timeout",
            "stream-attempt-timeout",
            "stream-idle-timeout",
            "max-attempts",
            "max-wait",
            "hedge-ratio",
            "home-backend",
            "allow-insecure-http")) {
      cases.add(Arguments.of(setting, "spillway:\n  " + setting + ": " + key + "\n" + pool));
    }
    cases.add(Arguments.of("backends", "spillway:\n  backends: " + key + "\n"));
    cases.add(Arguments.of("id", backend("weight: -1").replace("- id: a", "- id: " + key)));
    cases.add(Arguments.of("endpoint", backend("endpoint: " + key)));
    cases.add(
        Arguments.of("endpoint (in a URL)", backend("endpoint: http://" + key + ".example.com")));
    cases.add(Arguments.of("tier", backend("tier: " + key)));
    cases.add(Arguments.of("weight", backend("weight: " + key)));
    cases.add(
        Arguments.of(
            "credential",
            backend("credential: " + key).replace("      api-key: ${AOAI_PTU_KEY}\n", "")));
    cases.add(
        Arguments.of(
            "api-key-secret",
            backend("api-key-secret: " + key).replace("      api-key: ${AOAI_PTU_KEY}\n", "")));
    cases.add(
        Arguments.of(
            "api-key-secret-refresh",
            backend("api-key-secret-refresh: " + key)
                .replace(
                    "      api-key: ${AOAI_PTU_KEY}\n",
                    "      api-key-secret: https://v.vault.azure.net/secrets/k\n")));
    cases.add(Arguments.of("deployments", backend("deployments: " + key)));
    String deployments = "deployments:\n        - model: m\n          deployment: d\n";
    for (String field : List.of("ptu", "tpm", "rpm")) {
      cases.add(Arguments.of(field, backend(deployments + "          " + field + ": " + key)));
    }
    cases.add(
        Arguments.of(
            "model",
            backend(
                deployments.replace("model: m", "model: " + key)
                    + "        - model: "
                    + key
                    + "\n          deployment: e")));
    cases.add(
        Arguments.of(
            "deployment",
            backend(
                deployments.replace("deployment: d", "deployment: " + key) + "          tpm: -1")));
    cases.add(
        Arguments.of(
            "api-key itself, as a number",
            backend("tier: " + key).replace("api-key: ${AOAI_PTU_KEY}", "api-key: " + CANARY)));
    return cases.stream();
  }

  @Test
  void aKeyWrittenInClearIsMaskedInAnyOtherField() {
    String literal = "sk-literal-canary-0042";
    PoolConfigException e =
        failure(
            backend("tier: " + literal).replace("api-key: ${AOAI_PTU_KEY}", "api-key: " + literal));

    assertThat(e.getMessage())
        .isEqualTo("pool.yaml:7: spillway.backends[0].tier: expected a whole number, was '***'");
  }

  /** A one-backend document with {@code line} added as the backend's last property (line 7). */
  static String backend(String line) {
    String document =
        """
        spillway:
          backends:
            - id: a
              endpoint: https://a.openai.azure.com
              api-key: ${AOAI_PTU_KEY}
              deployments: [{ model: gpt-4o, deployment: d }]
        """;
    String key = line.substring(0, line.indexOf(':'));
    if (document.contains("      " + key + ":")) {
      return document.replaceAll("(?m)^      " + key + ":.*$", "      " + line.replace("$", "\\$"));
    }
    return document + "      " + line + "\n";
  }

  private static Duration timeout(String value) {
    return PoolConfigLoader.load(
            "spillway:\n  timeout: "
                + value
                + "\n"
                + backend("region: x").substring("spillway:\n".length()),
            "pool.yaml",
            ENV)
        .settings()
        .timeout();
  }

  private static PoolConfigException failure(String yaml) {
    try {
      PoolConfigLoader.load(yaml, "pool.yaml", ENV);
    } catch (PoolConfigException e) {
      return e;
    }
    throw new AssertionError("no error for:\n" + yaml);
  }
}
