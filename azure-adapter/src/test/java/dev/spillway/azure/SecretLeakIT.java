package dev.spillway.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.spillway.azure.Harness.MODEL;
import static dev.spillway.azure.Harness.PAYG_DEPLOYMENT;
import static dev.spillway.azure.Harness.PTU_DEPLOYMENT;
import static dev.spillway.azure.Harness.chatOptions;
import static dev.spillway.azure.Harness.error;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.rest.RequestOptions;
import com.azure.core.util.Context;
import dev.spillway.Backend;
import dev.spillway.Deployment;
import dev.spillway.PoolSettings;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * A canary API key and a canary bearer token, sent in every scenario, never appear in logs (root at
 * TRACE, azure-core, Netty and Reactor included, SDK logging at BODY_AND_HEADERS with the auth
 * headers allowed), exception chains, outcomes, snapshots or {@code toString()}.
 */
class SecretLeakIT {
  private static final String CANARY_KEY = "CANARY-KEY-5e1f0c7a";
  private static final String CANARY_TOKEN = "CANARY-TOKEN-9b2d44e1";
  @RegisterExtension static final Harness H = new Harness();

  private final List<String> evidence = new ArrayList<>();
  private int keysSent;
  private int tokensSent;

  private SpillwayPool pool() {
    TokenCredential tokens =
        request ->
            Mono.just(
                new AccessToken(CANARY_TOKEN, OffsetDateTime.now(ZoneOffset.UTC).plusHours(1)));
    SpillwayPool pool =
        SpillwayPool.builder()
            .backend(
                Backend.builder("sweden-ptu")
                    .endpoint(Harness.url(H.ptu))
                    .tier(0)
                    .deployment(Deployment.ptu(MODEL, PTU_DEPLOYMENT, 1000))
                    .build(),
                Credential.apiKey(CANARY_KEY))
            .backend(
                Backend.builder("eastus-paygo")
                    .endpoint(Harness.url(H.payg))
                    .tier(1)
                    .deployment(MODEL, PAYG_DEPLOYMENT)
                    .build(),
                Credential.entra(tokens))
            .listener(
                new dev.spillway.PoolListener() {
                  @Override
                  public void onCallComplete(dev.spillway.CallOutcome outcome) {
                    evidence.add(outcome.toString());
                    evidence.add(chain(outcome.error()));
                  }

                  @Override
                  public void onAttempt(String callId, dev.spillway.AttemptRecord attempt) {
                    evidence.add(attempt.toString());
                  }
                })
            .settings(PoolSettings.builder().timeout(Duration.ofSeconds(3)).build())
            .build();
    evidence.add(pool.toString());
    evidence.add(pool.backendPool().backends().toString());
    return pool;
  }

  private static OpenAIClientBuilder client(SpillwayPool pool) {
    return SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP)
        .httpLogOptions(
            new HttpLogOptions()
                .setLogLevel(HttpLogDetailLevel.BODY_AND_HEADERS)
                .setAllowedHttpHeaderNames(
                    Set.of(HttpHeaderName.fromString("api-key"), HttpHeaderName.AUTHORIZATION)));
  }

  private static String chain(Throwable error) {
    if (error == null) {
      return "";
    }
    StringWriter out = new StringWriter();
    error.printStackTrace(new PrintWriter(out)); // messages, causes and suppressed
    return out + error.toString();
  }

  /** Runs one scenario on a fresh pool, sync and async, keeping every exception it throws. */
  private void scenario(Consumer<Harness> stubs, BiConsumer<OpenAIClientBuilder, Mode> call) {
    for (Mode mode : Mode.values()) {
      H.reset();
      stubs.accept(H);
      try (SpillwayPool pool = pool()) {
        try {
          call.accept(client(pool), mode);
        } catch (RuntimeException e) {
          evidence.add(chain(e));
        }
        evidence.add(pool.snapshot().toString());
      }
      keysSent +=
          H.ptu
              .findAll(anyRequestedFor(anyUrl()).withHeader("api-key", equalTo(CANARY_KEY)))
              .size();
      tokensSent +=
          H.payg
              .findAll(
                  anyRequestedFor(anyUrl())
                      .withHeader("Authorization", equalTo("Bearer " + CANARY_TOKEN)))
              .size();
    }
  }

  private static void chat(OpenAIClientBuilder builder, Mode mode) {
    Harness.chat(builder, mode, MODEL, chatOptions(), new RequestOptions());
  }

  @Test
  void canariesNeverLeak() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    List<String> loud = List.of("io.netty", "reactor", "com.azure", "dev.spillway");
    Map<String, Level> before = new java.util.HashMap<>();
    for (String name : loud) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      before.put(name, logger.getLevel());
      logger.setLevel(Level.TRACE);
    }
    Level rootLevel = root.getLevel();
    root.setLevel(Level.TRACE);
    root.addAppender(logs);
    try {
      scenario(h -> {}, SecretLeakIT::chat);
      scenario(
          h ->
              h.stubChat(
                  h.ptu, PTU_DEPLOYMENT, error(429, "429").withHeader("retry-after-ms", "200")),
          SecretLeakIT::chat);
      scenario(h -> h.stubChat(h.ptu, PTU_DEPLOYMENT, error(401, "401")), SecretLeakIT::chat);
      scenario(
          h -> h.stubChat(h.ptu, PTU_DEPLOYMENT, error(400, "content_filter")), SecretLeakIT::chat);
      scenario(
          h -> {
            h.stubChat(
                h.ptu, PTU_DEPLOYMENT, error(429, "429").withHeader("retry-after-ms", "9000"));
            h.stubChat(
                h.payg, PAYG_DEPLOYMENT, error(429, "429").withHeader("retry-after-ms", "9000"));
          },
          (builder, mode) -> {
            RequestOptions shortCall =
                new RequestOptions()
                    .setContext(new Context(SpillwayContext.TIMEOUT, Duration.ofMillis(200)));
            for (int i = 0; i < 2; i++) { // the last 429, then the synthetic one
              try {
                Harness.chat(builder, mode, MODEL, chatOptions(), shortCall);
              } catch (RuntimeException e) {
                evidence.add(chain(e));
              }
            }
          });
      scenario(
          h ->
              h.stubChat(
                  h.ptu,
                  PTU_DEPLOYMENT,
                  Recording.load("ChatCompletionStreaming.json", 0).response()),
          (builder, mode) -> {
            if (mode == Mode.SYNC) {
              builder
                  .buildClient()
                  .getChatCompletionsStream(MODEL, chatOptions())
                  .forEach(chunk -> {});
            } else {
              builder.buildAsyncClient().getChatCompletionsStream(MODEL, chatOptions()).blockLast();
            }
          });
      scenario(
          h ->
              h.ptu.stubFor(
                  get(urlPathEqualTo("/openai/files"))
                      .willReturn(
                          aResponse().withStatus(500).withBody("{\"error\":{\"code\":\"x\"}}"))),
          (builder, mode) -> {
            if (mode == Mode.SYNC) {
              builder.buildClient().listFilesWithResponse(new RequestOptions());
            } else {
              builder.buildAsyncClient().listFilesWithResponse(new RequestOptions()).block();
            }
          });
    } finally {
      root.detachAppender(logs);
      root.setLevel(rootLevel);
      before.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
    }

    // The canaries did go out on the wire.
    assertThat(keysSent).isGreaterThanOrEqualTo(14);
    assertThat(tokensSent).isGreaterThanOrEqualTo(6);

    for (ILoggingEvent event : logs.list) {
      if (event.getLoggerName().startsWith("wiremock")
          || event.getLoggerName().startsWith("com.github.tomakehurst")) {
        continue; // the fake server's own logs of what it received
      }
      evidence.add(event.getLoggerName() + " " + event.getFormattedMessage());
      if (event.getThrowableProxy() != null) {
        evidence.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
    }
    assertThat(logs.list.size()).isGreaterThan(100); // TRACE really was on
    assertThat(evidence).noneMatch(s -> s.contains(CANARY_KEY) || s.contains(CANARY_TOKEN));
    // The SDK logged its auth header, allowed above: the placeholder, never a real secret.
    assertThat(String.join("\n", evidence))
        .contains("sweden-ptu")
        .contains("\"api-key\":\"" + SpillwayAzure.PLACEHOLDER_KEY + "\"");
  }
}
