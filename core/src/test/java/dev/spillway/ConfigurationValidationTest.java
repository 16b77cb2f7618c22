package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.spi.CallRequest;
import dev.spillway.testing.ManualTime;
import dev.spillway.testing.Pools;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Configuration errors name the backend and the field. */
class ConfigurationValidationTest {

  private static Backend.Builder valid(String id) {
    return Backend.builder(id)
        .endpoint("https://" + id + ".openai.azure.com")
        .deployment("gpt-4o", "gpt-4o");
  }

  @Test
  void negativeWeightNamesTheBackendAndTheValue() {
    assertThatThrownBy(() -> valid("eastus-paygo").weight(-1.0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backend 'eastus-paygo': weight must be > 0, was -1.0");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, Double.NaN, Double.POSITIVE_INFINITY})
  void weightMustBePositiveAndFinite(double weight) {
    assertThatThrownBy(() -> valid("x").weight(weight).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("backend 'x': weight must be > 0");
  }

  @Test
  void backendFieldErrorsNameTheBackendAndTheField() {
    assertThatThrownBy(() -> valid("x").tier(-1).build())
        .hasMessage("backend 'x': tier must be >= 0, was -1");
    assertThatThrownBy(() -> Backend.builder("x").deployment("gpt-4o", "d").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backend 'x'")
        .hasMessageContaining("endpoint");
    assertThatThrownBy(() -> valid("x").endpoint("ftp://x.example").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backend 'x': endpoint must be an absolute http(s) URL");
    assertThatThrownBy(() -> valid("x").endpoint("https://bad host").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backend 'x'");
    assertThatThrownBy(() -> Backend.builder("x").endpoint("https://x.openai.azure.com").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backend 'x': deployments");
    assertThatThrownBy(() -> valid("x").deployment("gpt-4o", "other").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backend 'x': model 'gpt-4o' is mapped twice.");
    assertThatThrownBy(
            () ->
                Backend.builder(" ")
                    .endpoint("https://x.openai.azure.com")
                    .deployment("gpt-4o", "d")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backend id");
  }

  @Test
  void deploymentErrorsNameTheDeploymentAndTheField() {
    assertThatThrownBy(() -> Deployment.of("gpt-4o", "d").withTpm(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deployment 'd': tpm must be >= 0, was -5");
    assertThatThrownBy(() -> Deployment.of("gpt-4o", "d").withRpm(-1))
        .hasMessage("deployment 'd': rpm must be >= 0, was -1");
    assertThatThrownBy(() -> Deployment.of(" ", "d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'model'");
    assertThatThrownBy(() -> Deployment.of("gpt-4o", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'deployment'");
  }

  @Test
  void aMissingDeploymentNameNamesTheBackendAndTheIndex() {
    assertThatThrownBy(
            () -> valid("sweden-ptu").deployment(Deployment.ptu("gpt-4o-mini", null, 0)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backend 'sweden-ptu': deployments[1].deployment is required");
    assertThatThrownBy(() -> Backend.builder("sweden-ptu").endpoint((String) null))
        .hasMessage("backend 'sweden-ptu': endpoint is required");
  }

  @Test
  void aPoolNeedsAtLeastOneBackend() {
    assertThatThrownBy(() -> BackendPool.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at least one backend");
  }

  @Test
  void backendIdsMustBeUnique() {
    assertThatThrownBy(
            () ->
                BackendPool.builder()
                    .backend(valid("dup").build())
                    .backend(valid("dup").tier(1).build())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'dup'");
  }

  @Test
  void theHomeBackendMustBeInThePool() {
    assertThatThrownBy(
            () -> BackendPool.builder().backend(valid("a").build()).homeBackend("nowhere").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'nowhere'");
  }

  @Test
  void theHomeBackendDefaultsToTheFirstBackendOfTheLowestTier() {
    try (BackendPool pool =
        Pools.manual(
                new ManualTime(),
                Pools.backend("paygo", 1),
                Pools.backend("ptu-a", 0),
                Pools.backend("ptu-b", 0))
            .build()) {
      assertThat(pool.homeBackend().id()).isEqualTo("ptu-a");
    }
    try (BackendPool pool =
        Pools.manual(new ManualTime(), Pools.backend("paygo", 1), Pools.backend("ptu-a", 0))
            .homeBackend("paygo")
            .build()) {
      assertThat(pool.homeBackend().id()).isEqualTo("paygo");
    }
  }

  private static void rejects(UnaryOperator<PoolSettings.Builder> setting, String message) {
    assertThatThrownBy(() -> setting.apply(PoolSettings.builder()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void poolSettingErrorsNameTheSetting() {
    rejects(b -> b.timeout(Duration.ZERO), "timeout must be > 0");
    rejects(b -> b.attemptTimeout(Duration.ofSeconds(-1)), "attemptTimeout must be > 0");
    rejects(b -> b.streamAttemptTimeout(Duration.ZERO), "streamAttemptTimeout must be > 0");
    rejects(b -> b.maxAttempts(0), "maxAttempts must be >= 1, was 0");
    rejects(b -> b.maxWait(Duration.ofMillis(-1)), "maxWait must be >= 0");
    rejects(b -> b.defaultMaxOutputTokens(-1), "defaultMaxOutputTokens must be >= 0");
    rejects(b -> b.ewmaDecay(Duration.ZERO), "ewmaDecay must be > 0");
    rejects(b -> b.circuitBreakDuration(Duration.ZERO), "circuitBreakDuration must be > 0");
    rejects(b -> b.authBreakDuration(Duration.ZERO), "authBreakDuration must be > 0");
    rejects(b -> b.misconfiguredCoolDown(Duration.ZERO), "misconfiguredCoolDown must be > 0");
    rejects(b -> b.throttleFallbackCoolDown(Duration.ZERO), "throttleFallbackCoolDown must be > 0");
    rejects(b -> b.lapBackoff(Duration.ZERO), "lapBackoff must be > 0");
    assertThatThrownBy(() -> PoolSettings.builder().timeout(null).build())
        .hasMessageContaining("'timeout'");
  }

  @Test
  void theDefaultsAreTheDocumentedConstants() {
    try (BackendPool pool = BackendPool.builder().backend(valid("a").build()).build()) {
      assertThat(pool.settings()).isEqualTo(PoolSettings.DEFAULTS);
    }
    assertThat(PoolSettings.DEFAULTS.timeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(PoolSettings.DEFAULTS.attemptTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(PoolSettings.DEFAULTS.streamAttemptTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(PoolSettings.DEFAULTS.circuitBreakDuration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(PoolSettings.DEFAULTS.authBreakDuration()).isEqualTo(Duration.ofMinutes(5));
    assertThat(PoolSettings.DEFAULTS.misconfiguredCoolDown()).isEqualTo(Duration.ofMinutes(5));
    assertThat(PoolSettings.DEFAULTS.lapBackoff()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void settingsKeepEveryValueThroughToBuilderAndComeWholeIntoThePool() {
    PoolSettings custom =
        PoolSettings.builder()
            .timeout(Duration.ofSeconds(9))
            .attemptTimeout(Duration.ofSeconds(8))
            .streamAttemptTimeout(Duration.ofSeconds(7))
            .maxAttempts(5)
            .maxWait(Duration.ofSeconds(4))
            .defaultMaxOutputTokens(3)
            .ewmaDecay(Duration.ofSeconds(2))
            .circuitBreakDuration(Duration.ofMillis(900))
            .authBreakDuration(Duration.ofMillis(800))
            .misconfiguredCoolDown(Duration.ofMillis(700))
            .throttleFallbackCoolDown(Duration.ofMillis(600))
            .lapBackoff(Duration.ofMillis(500))
            .quotaWindow(Duration.ofMillis(400))
            .build();
    assertThat(custom.toBuilder().build()).isEqualTo(custom).hasSameHashCodeAs(custom);
    assertThat(custom).isNotEqualTo(PoolSettings.DEFAULTS);
    assertThat(custom.toBuilder().quotaWindow(Duration.ofMillis(401)).build()).isNotEqualTo(custom);
    assertThat(custom.toString())
        .contains("timeout=PT9S", "maxAttempts=5", "maxWait=PT4S", "quotaWindow=PT0.4S");
    assertThat(PoolSettings.builder().build()).isEqualTo(PoolSettings.DEFAULTS);
    assertThat(PoolSettings.DEFAULTS.maxAttempts()).isZero();
    assertThat(PoolSettings.DEFAULTS.maxWait()).isEqualTo(PoolSettings.DEFAULT_MAX_WAIT);
    assertThat(PoolSettings.builder().maxWait(null).build().maxWait()).isNull();
    assertThat(PoolSettings.builder().maxWait(Duration.ZERO).build().maxWait()).isZero();
    try (BackendPool pool =
        BackendPool.builder().backend(valid("a").build()).settings(custom).build()) {
      assertThat(pool.settings()).isSameAs(custom);
    }
    assertThatThrownBy(() -> BackendPool.builder().settings(null))
        .hasMessage("'settings' cannot be null.");
  }

  @Test
  void callRequestRejectsBadValuesNamingTheField() {
    assertThatThrownBy(() -> CallRequest.builder("chat", "m").promptTokens(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("promptTokens");
    assertThatThrownBy(() -> CallRequest.builder("chat", "m").maxOutputTokens(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxOutputTokens");
    assertThatThrownBy(() -> CallRequest.builder("chat", "m").timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }
}
