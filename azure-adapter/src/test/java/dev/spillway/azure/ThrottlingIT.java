package dev.spillway.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.spillway.azure.Harness.MODEL;
import static dev.spillway.azure.Harness.PAYG_DEPLOYMENT;
import static dev.spillway.azure.Harness.PTU_DEPLOYMENT;
import static dev.spillway.azure.Harness.chat;
import static dev.spillway.azure.Harness.chatOptions;
import static dev.spillway.azure.Harness.count;
import static dev.spillway.azure.Harness.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.rest.RequestOptions;
import com.azure.core.util.Context;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.CallOutcome;
import dev.spillway.CallRejectedException;
import dev.spillway.ConsumerPolicy;
import dev.spillway.ConsumerSettings;
import dev.spillway.NoBackendAvailableException;
import dev.spillway.QuotaExceededException;
import dev.spillway.QuotaPeriod;
import dev.spillway.RejectionReason;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.testing.ManualTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every route throttled: waiting for the earliest, the last 429, and the synthetic 429. */
class ThrottlingIT {
  @RegisterExtension static final Harness H = new Harness();

  private static RequestOptions timeout(Duration timeout) {
    return new RequestOptions().setContext(new Context(SpillwayContext.TIMEOUT, timeout));
  }

  private static void throttleOnceThenServe(
      WireMockServer server, String deployment, String retryAfterMs) {
    server.stubFor(
        post(urlPathEqualTo(Harness.chatPath(deployment)))
            .inScenario("throttle")
            .whenScenarioStateIs(STARTED)
            .willReturn(error(429, "429").withHeader("retry-after-ms", retryAfterMs))
            .willSetStateTo("served"));
    server.stubFor(
        post(urlPathEqualTo(Harness.chatPath(deployment)))
            .inScenario("throttle")
            .whenScenarioStateIs("served")
            .willReturn(Harness.ok()));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void allBackendsThrottledWaitsForTheEarliestAndSucceeds(Mode mode) {
    SpillwayPool pool = H.pool();
    throttleOnceThenServe(H.ptu, PTU_DEPLOYMENT, "300");
    throttleOnceThenServe(H.payg, PAYG_DEPLOYMENT, "2000");

    chat(pool, mode);

    assertThat(count(H.ptu)).isEqualTo(2);
    assertThat(count(H.payg)).isEqualTo(1);
    CallOutcome outcome = H.lastOutcome();
    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.backendId()).isEqualTo("sweden-ptu");
    assertThat(outcome.attempts())
        .extracting(AttemptRecord::outcome)
        .containsExactly(
            AttemptOutcome.THROTTLED, AttemptOutcome.THROTTLED, AttemptOutcome.SUCCESS);
    assertThat(outcome.attempts().get(2).start()).isGreaterThanOrEqualTo(Duration.ofMillis(290));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void allBackendsThrottledPastTheDeadlineReturnsTheLast429(Mode mode) {
    SpillwayPool pool = H.pool();
    H.stubChat(H.ptu, PTU_DEPLOYMENT, error(429, "ptu-429").withHeader("retry-after-ms", "5000"));
    H.stubChat(
        H.payg, PAYG_DEPLOYMENT, error(429, "payg-429").withHeader("retry-after-ms", "6000"));

    assertThatThrownBy(
            () ->
                chat(
                    SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP),
                    mode,
                    MODEL,
                    chatOptions(),
                    timeout(Duration.ofMillis(500))))
        .isInstanceOf(HttpResponseException.class)
        .isNotInstanceOf(SpillwayThrottledException.class)
        .satisfies(
            e -> {
              HttpResponseException http = (HttpResponseException) e;
              assertThat(http.getResponse().getStatusCode()).isEqualTo(429);
              assertThat(http.getMessage()).contains("payg-429");
            });

    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(1);
    CallOutcome outcome = H.lastOutcome();
    assertThat(outcome.status()).isEqualTo(429);
    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.attempts())
        .extracting(AttemptRecord::backendId)
        .containsExactly("sweden-ptu", "eastus-paygo");
    assertThat(outcome.throttledAttempts()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void everyRouteCoolingAndNothingSentIsA429WithRetryAfter(Mode mode) {
    // Time stands still on this ticker: the PTU's 5 s cool-down is whole when the second call asks.
    ManualTime time = new ManualTime();
    SpillwayPool pool = H.pool(b -> b.ticker(time));
    H.stubChat(H.ptu, PTU_DEPLOYMENT, error(429, "429").withHeader("retry-after-ms", "5000"));
    H.stubChat(H.payg, PAYG_DEPLOYMENT, error(429, "429").withHeader("retry-after-ms", "6000"));
    assertThatThrownBy(
            () ->
                chat(
                    SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP),
                    mode,
                    MODEL,
                    chatOptions(),
                    timeout(Duration.ofMillis(300))))
        .isInstanceOf(HttpResponseException.class);

    assertThatThrownBy(
            () ->
                chat(
                    SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP),
                    mode,
                    MODEL,
                    chatOptions(),
                    timeout(Duration.ofMillis(300))))
        .isInstanceOfSatisfying(
            SpillwayThrottledException.class,
            e -> {
              assertThat(e.getResponse().getStatusCode()).isEqualTo(429);
              long retryAfter =
                  Long.parseLong(e.getResponse().getHeaders().getValue(HttpHeaderName.RETRY_AFTER));
              assertThat(retryAfter).isEqualTo(5L);
              long retryAfterMs =
                  Long.parseLong(
                      e.getResponse()
                          .getHeaders()
                          .getValue(HttpHeaderName.fromString("retry-after-ms")));
              assertThat(retryAfterMs).isEqualTo(5000L);
              assertThat(e.retryAfter().toMillis()).isEqualTo(retryAfterMs);
              assertThat(e.reason()).isNull();
              assertThat(e.getCause())
                  .isInstanceOfSatisfying(
                      NoBackendAvailableException.class,
                      cause -> assertThat(cause.routeStates()).hasSize(2));
            });

    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(1);
    assertThat(H.lastOutcome().attempts()).isEmpty();
    assertThat(H.lastOutcome().error()).isInstanceOf(NoBackendAvailableException.class);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aConsumerOverItsRpmGetsASpillwayThrottledExceptionWithTheRejection(Mode mode) {
    Instant wall = Instant.parse("2026-12-02T10:00:30.250Z");
    SpillwayPool pool =
        H.pool(
            b ->
                b.clock(Clock.fixed(wall, ZoneOffset.UTC))
                    .consumers(ConsumerSettings.of(ConsumerPolicy.of("team-a").withRpmLimit(1))));
    RequestOptions teamA = SpillwayContext.requestOptions("team-a", null);
    OpenAIClientBuilder builder = SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP);
    chat(builder, mode, MODEL, chatOptions(), teamA);

    assertThatThrownBy(() -> chat(builder, mode, MODEL, chatOptions(), teamA))
        .isInstanceOfSatisfying(
            SpillwayThrottledException.class,
            e -> {
              assertThat(e.getResponse().getStatusCode()).isEqualTo(429);
              assertThat(e.reason()).isEqualTo(RejectionReason.CONSUMER_LIMIT);
              assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(59_750));
              assertThat(e.getMessage()).startsWith("consumer limit: consumer 'team-a'");
              assertThat(e.getCause())
                  .isInstanceOfSatisfying(
                      CallRejectedException.class,
                      cause -> {
                        assertThat(cause.retryAt()).isEqualTo(wall.plusMillis(59_750));
                        assertThat(cause.getMessage()).contains("rpm-limit 1");
                      });
              assertThat(e.getResponse().getBodyAsString().block())
                  .contains("\"type\":\"consumer_limit\"");
            });
    assertThat(count(H.ptu) + count(H.payg)).isEqualTo(1);
    assertThat(H.lastOutcome().throttledAttempts()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSpentQuotaIsASpillwayForbiddenExceptionThatSaysWhenItResets(Mode mode) {
    Instant wall = Instant.parse("2026-12-31T23:30:00Z");
    SpillwayPool pool =
        H.pool(
            b ->
                b.clock(Clock.fixed(wall, ZoneOffset.UTC))
                    .consumers(
                        ConsumerSettings.of(
                            ConsumerPolicy.of("team-a").withTokenQuota(10, QuotaPeriod.MONTH))));
    OpenAIClientBuilder builder = SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP);

    assertThatThrownBy(
            () ->
                chat(
                    builder,
                    mode,
                    MODEL,
                    chatOptions(), // max_tokens 100: more than the whole quota
                    SpillwayContext.requestOptions("team-a", null)))
        .isInstanceOfSatisfying(
            SpillwayForbiddenException.class,
            e -> {
              assertThat(e.getResponse().getStatusCode()).isEqualTo(403);
              assertThat(e.reason()).isEqualTo(RejectionReason.QUOTA_EXCEEDED);
              assertThat(e.resetsAt()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
              assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(30));
              assertThat(e.getResponse().getHeaders().getValue(HttpHeaderName.RETRY_AFTER))
                  .isEqualTo("1800");
              assertThat(e.getCause())
                  .isInstanceOfSatisfying(
                      QuotaExceededException.class, q -> assertThat(q.quota()).isEqualTo(10));
            });
    assertThat(count(H.ptu) + count(H.payg)).isZero();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aPriorityThatNamesNoneFailsTheCallNamingTheKeyAndSendsNothing(Mode mode) {
    SpillwayPool pool = H.pool();
    RequestOptions urgent =
        new RequestOptions().setContext(new Context(SpillwayContext.PRIORITY, "urgent"));

    assertThatThrownBy(
            () ->
                chat(
                    SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP),
                    mode,
                    MODEL,
                    chatOptions(),
                    urgent))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spillway.priority")
        .hasMessageContaining("'urgent'");
    assertThat(count(H.ptu) + count(H.payg)).isZero();
  }
}
