package dev.spillway.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.spillway.azure.Harness.MODEL;
import static dev.spillway.azure.Harness.PAYG_DEPLOYMENT;
import static dev.spillway.azure.Harness.PTU_DEPLOYMENT;
import static dev.spillway.azure.Harness.chatOptions;
import static dev.spillway.azure.Harness.count;
import static dev.spillway.azure.Harness.error;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.OpenAIServiceVersion;
import com.azure.ai.openai.models.ChatCompletionStreamOptions;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.core.http.rest.RequestOptions;
import com.azure.core.util.BinaryData;
import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.Backend;
import dev.spillway.CallOutcome;
import dev.spillway.Usage;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.spi.AttemptTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Streams: usage injection and stripping, failover before headers, mid-stream failures. */
class StreamingIT {
  @RegisterExtension static final Harness H = new Harness();
  private static final String CHUNK =
      "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\","
          + "\"created\":1,\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":"
          + "{\"content\":\"%s\"},\"finish_reason\":null}]}\n\n";

  /** What the caller saw of a stream: the chunks, when each arrived, and how it ended. */
  static final class Seen {
    final List<ChatCompletions> chunks = new CopyOnWriteArrayList<>();
    final List<Long> arrivals = new CopyOnWriteArrayList<>();
    Throwable error;
    long endNanos;
  }

  static Seen stream(
      OpenAIClientBuilder builder,
      Mode mode,
      ChatCompletionsOptions options,
      ChatCompletionStreamOptions streamOptions) {
    Seen seen = new Seen();
    try {
      if (mode == Mode.SYNC) {
        Iterable<ChatCompletions> chunks =
            streamOptions == null
                ? builder.buildClient().getChatCompletionsStream(MODEL, options)
                : builder.buildClient().getChatCompletionsStream(MODEL, options, streamOptions);
        for (ChatCompletions chunk : chunks) {
          seen.arrivals.add(System.nanoTime());
          seen.chunks.add(chunk);
        }
      } else {
        (streamOptions == null
                ? builder.buildAsyncClient().getChatCompletionsStream(MODEL, options)
                : builder
                    .buildAsyncClient()
                    .getChatCompletionsStream(MODEL, options, streamOptions))
            .doOnNext(
                chunk -> {
                  seen.arrivals.add(System.nanoTime());
                  seen.chunks.add(chunk);
                })
            .blockLast();
      }
    } catch (RuntimeException e) {
      seen.error = e;
    }
    seen.endNanos = System.nanoTime();
    return seen;
  }

  private static void stubRecordedStream(String file) {
    H.stubChat(H.ptu, PTU_DEPLOYMENT, Recording.load(file, 0).response());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void injectsIncludeUsageAndHidesTheUsageChunk(Mode mode) {
    SpillwayPool pool = H.pool();
    stubRecordedStream("ChatCompletionStreaming.json");

    Seen seen =
        stream(SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP), mode, chatOptions(), null);

    assertThat(seen.error).isNull();
    H.ptu.verify(
        postRequestedFor(urlPathEqualTo(Harness.chatPath(PTU_DEPLOYMENT)))
            .withRequestBody(matchingJsonPath("$.stream_options.include_usage", equalTo("true"))));
    // 32 data frames in the recording; the last one is the usage-only chunk.
    assertThat(seen.chunks).hasSize(31);
    assertThat(seen.chunks).noneMatch(c -> c.getUsage() != null);
    String text =
        seen.chunks.stream()
            .filter(c -> !c.getChoices().isEmpty() && c.getChoices().get(0).getDelta() != null)
            .map(c -> c.getChoices().get(0).getDelta().getContent())
            .filter(s -> s != null)
            .reduce("", String::concat);
    assertThat(text).isNotEmpty();
    CallOutcome outcome = H.lastOutcome();
    assertThat(outcome.streamed()).isTrue();
    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.usage()).isEqualTo(Usage.reported(22, 28));
    assertThat(count(H.ptu)).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void callerStreamOptionsAreLeftAloneAndTheirUsageIsCounted(Mode mode) {
    SpillwayPool pool = H.pool();
    stubRecordedStream("ChatCompletionStreaming.json");

    Seen seen =
        stream(
            SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP),
            mode,
            chatOptions(),
            new ChatCompletionStreamOptions().setIncludeUsage(true));

    assertThat(seen.chunks).hasSize(32);
    assertThat(seen.chunks.get(31).getUsage().getTotalTokens()).isEqualTo(50);
    assertThat(H.lastOutcome().usage()).isEqualTo(Usage.reported(22, 28));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void olderApiVersionGetsNoInjectionAndAnEstimatedUsage(Mode mode) {
    SpillwayPool pool = H.pool();
    stubRecordedStream("TestClient_GetChatCompletionsStream_AzureOpenAI.json");

    Seen seen =
        stream(
            SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP)
                .serviceVersion(OpenAIServiceVersion.V2024_06_01),
            mode,
            chatOptions(),
            null);

    assertThat(seen.error).isNull();
    assertThat(seen.chunks).hasSize(32);
    H.ptu.verify(
        postRequestedFor(urlPathEqualTo(Harness.chatPath(PTU_DEPLOYMENT)))
            .withQueryParam("api-version", equalTo("2024-06-01")));
    assertThat(H.ptu.getAllServeEvents().get(0).getRequest().getBodyAsString())
        .doesNotContain("stream_options");
    Usage usage = H.lastOutcome().usage();
    assertThat(usage.estimated()).isTrue();
    assertThat(usage.outputTokens()).isPositive(); // "1, 2, 3, … 10." counted from the text
    assertThat(usage.inputTokens()).isPositive();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void throttledBeforeHeadersFailsOver(Mode mode) {
    SpillwayPool pool = H.pool();
    H.stubChat(H.ptu, PTU_DEPLOYMENT, error(429, "429").withHeader("retry-after-ms", "1000"));
    H.stubChat(
        H.payg, PAYG_DEPLOYMENT, Recording.load("ChatCompletionStreaming.json", 0).response());

    Seen seen =
        stream(SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP), mode, chatOptions(), null);

    assertThat(seen.error).isNull();
    assertThat(seen.chunks).hasSize(31);
    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(1);
    assertThat(H.lastOutcome().backendId()).isEqualTo("eastus-paygo");
    assertThat(H.lastOutcome().attempts())
        .extracting(AttemptRecord::outcome)
        .containsExactly(AttemptOutcome.THROTTLED, AttemptOutcome.SUCCESS);
  }

  private SpillwayPool rawPool(RawServer raw) {
    H.reset();
    SpillwayPool.Builder b =
        SpillwayPool.builder()
            .backend(
                Backend.builder("raw-ptu")
                    .endpoint(raw.url())
                    .tier(0)
                    .deployment(MODEL, PTU_DEPLOYMENT)
                    .build(),
                Credential.apiKey("raw-key"))
            .backend(
                Backend.builder("eastus-paygo")
                    .endpoint(Harness.url(H.payg))
                    .tier(1)
                    .deployment(MODEL, PAYG_DEPLOYMENT)
                    .build(),
                Credential.apiKey("payg-key"))
            .streamIdleTimeout(Duration.ofMillis(500))
            .listener(
                new dev.spillway.PoolListener() {
                  @Override
                  public void onCallComplete(CallOutcome outcome) {
                    H.outcomes.add(outcome);
                  }
                });
    return b.build();
  }

  private static List<String> chunks(String... texts) {
    List<String> events = new ArrayList<>();
    for (String t : texts) {
      events.add(String.format(CHUNK, t));
    }
    return events;
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void resetMidStreamDeliversTheChunksThenTheErrorWithoutResuming(Mode mode) throws Exception {
    try (RawServer raw = new RawServer(chunks("Hel", "lo"), 100, RawServer.End.RESET);
        SpillwayPool pool = rawPool(raw)) {
      Seen seen =
          stream(SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP), mode, chatOptions(), null);

      assertThat(seen.chunks).hasSizeGreaterThanOrEqualTo(1);
      assertThat(seen.error).isNotNull();
      assertThat(raw.requests).hasSize(1);
      assertThat(count(H.payg)).isZero();
      CallOutcome outcome = H.lastOutcome();
      assertThat(outcome.succeeded()).isFalse();
      assertThat(outcome.error()).isNotNull();
      assertThat(outcome.attempts())
          .extracting(AttemptRecord::outcome)
          .containsExactly(AttemptOutcome.FAILED);
      assertThat(outcome.usage().estimated()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void idleStreamFailsAfterTheIdleTimeout(Mode mode) throws Exception {
    try (RawServer raw = new RawServer(chunks("Hel"), 0, RawServer.End.STALL);
        SpillwayPool pool = rawPool(raw)) {
      long start = System.nanoTime();
      Seen seen =
          stream(SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP), mode, chatOptions(), null);

      assertThat(seen.chunks).hasSize(1);
      assertThat(seen.error).isNotNull();
      assertThat(Duration.ofNanos(seen.endNanos - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(H.lastOutcome().error()).isInstanceOf(AttemptTimeoutException.class);
      assertThat(count(H.payg)).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void chunksReachTheCallerBeforeTheStreamEnds(Mode mode) throws Exception {
    List<String> events = chunks("one", "two", "three");
    events.add("data: [DONE]\n\n");
    try (RawServer raw = new RawServer(events, 400, RawServer.End.COMPLETE);
        SpillwayPool pool = rawPool(raw)) {
      Seen seen =
          stream(SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP), mode, chatOptions(), null);

      assertThat(seen.error).isNull();
      assertThat(seen.chunks).hasSize(3);
      assertThat(Duration.ofNanos(seen.endNanos - seen.arrivals.get(0)))
          .isGreaterThan(Duration.ofMillis(900));
      assertThat(raw.requests.get(0)).contains("\"include_usage\":true");
      assertThat(H.lastOutcome().succeeded()).isTrue();
    }
  }

  /**
   * The SDK's own stream methods cache the event stream and so read it to the end whatever the
   * caller does; a caller reading the protocol method's body stops the stream itself.
   */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void callerStoppingEarlySettlesTheCallAsCancelledWithEstimatedUsage(Mode mode) throws Exception {
    List<String> events = chunks("one", "two", "three");
    try (RawServer raw = new RawServer(events, 300, RawServer.End.COMPLETE);
        SpillwayPool pool = rawPool(raw)) {
      BinaryData body =
          BinaryData.fromString(
              "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
      OpenAIClientBuilder builder = SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP);
      BinaryData stream =
          mode == Mode.SYNC
              ? builder
                  .buildClient()
                  .getChatCompletionsWithResponse(MODEL, body, new RequestOptions())
                  .getValue()
              : builder
                  .buildAsyncClient()
                  .getChatCompletionsWithResponse(MODEL, body, new RequestOptions())
                  .block()
                  .getValue();
      ByteBuffer first = stream.toFluxByteBuffer().blockFirst();

      assertThat(StandardCharsets.UTF_8.decode(first).toString()).contains("one");
      CallOutcome outcome = H.awaitOutcome(1);
      assertThat(outcome.attempts())
          .extracting(AttemptRecord::outcome)
          .containsExactly(AttemptOutcome.CANCELLED);
      assertThat(outcome.usage().estimated()).isTrue();
      assertThat(pool.snapshot().backend("raw-ptu").outstanding()).isZero();
    }
  }
}
