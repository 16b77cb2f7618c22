package dev.spillway.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.ai.openai.OpenAIAsyncClient;
import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.models.ChatCompletionStreamOptions;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestMessage;
import com.azure.ai.openai.models.ChatRequestSystemMessage;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.ai.openai.models.Completions;
import com.azure.ai.openai.models.CompletionsOptions;
import com.azure.ai.openai.models.Embeddings;
import com.azure.ai.openai.models.EmbeddingsOptions;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.util.IterableStream;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real {@code com.azure:azure-ai-openai} clients, sync and async, against the simulator. */
class AzureClientIT {
  private static final String CHAT = "chat";
  private static final String PACED = "paced";
  private static Simulator simulator;
  private static SimulatedResource resource;
  private static OpenAIClient client;
  private static OpenAIAsyncClient asyncClient;

  @BeforeAll
  static void start() {
    LatencyModel pacing = LatencyModel.of(Duration.ofMillis(50), 0, Duration.ofMillis(25));
    simulator =
        Simulator.start(
            SimulatorConfig.of(
                ResourceConfig.of(
                    "res",
                    "secret",
                    DeploymentConfig.standard(CHAT, 1_000_000).withLatency(LatencyModel.NONE),
                    DeploymentConfig.standard(PACED, 1_000_000)
                        .withLatency(pacing)
                        .withMinOutputTokens(16))));
    resource = simulator.resource("res");
    client = AzureClients.sync(resource);
    asyncClient = AzureClients.async(resource);
  }

  @AfterAll
  static void stop() {
    simulator.close();
  }

  @AfterEach
  void clearFaults() {
    simulator.setFaults("res", CHAT, Faults.NONE);
    simulator.setFaults("res", PACED, Faults.NONE);
    simulator.acceptConnections("res");
  }

  private static ChatCompletionsOptions chat(int maxTokens) {
    List<ChatRequestMessage> messages =
        List.of(
            new ChatRequestSystemMessage("You are a curmudgeon"),
            new ChatRequestUserMessage("Hello, assistant!"));
    return new ChatCompletionsOptions(messages).setMaxTokens(maxTokens);
  }

  private static final ChatCompletionStreamOptions WITH_USAGE =
      new ChatCompletionStreamOptions().setIncludeUsage(true);

  @Test
  void syncChatReturnsTextAndExactUsage() {
    ChatCompletions completions = client.getChatCompletions(CHAT, chat(40));

    String text = completions.getChoices().get(0).getMessage().getContent();
    assertThat(text).isNotBlank();
    assertThat(completions.getUsage().getPromptTokens()).isEqualTo(22);
    assertThat(completions.getUsage().getCompletionTokens()).isBetween(1, 40);
    assertThat(completions.getId()).startsWith("chatcmpl-");
    assertThat(completions.getModel()).isEqualTo(DeploymentConfig.DEFAULT_MODEL);
    assertThat(completions.getSystemFingerprint()).startsWith("fp_");
    assertThat(completions.getPromptFilterResults()).hasSize(1);
    assertThat(completions.getChoices().get(0).getContentFilterResults().getHate().isFiltered())
        .isFalse();
  }

  @Test
  void asyncChatReturnsTextAndUsage() {
    ChatCompletions completions =
        asyncClient.getChatCompletions(CHAT, chat(30)).block(Duration.ofSeconds(20));

    assertThat(completions.getChoices().get(0).getMessage().getContent()).isNotBlank();
    assertThat(completions.getUsage().getTotalTokens())
        .isEqualTo(22 + completions.getUsage().getCompletionTokens());
  }

  @Test
  void syncStreamDeliversChunksOverTimeThenUsage() {
    IterableStream<ChatCompletions> stream =
        client.getChatCompletionsStream(PACED, chat(16), WITH_USAGE);
    List<Long> contentArrivals = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    ChatCompletions last = null;
    for (ChatCompletions chunk : stream) {
      if (!chunk.getChoices().isEmpty()
          && chunk.getChoices().get(0).getDelta() != null
          && chunk.getChoices().get(0).getDelta().getContent() != null
          && !chunk.getChoices().get(0).getDelta().getContent().isEmpty()) {
        contentArrivals.add(System.nanoTime());
        text.append(chunk.getChoices().get(0).getDelta().getContent());
      }
      last = chunk;
    }

    assertThat(contentArrivals).hasSize(16);
    // 16 tokens at 25 ms each: the first and last token arrive at least 200 ms apart when streamed.
    assertThat(Duration.ofNanos(contentArrivals.get(15) - contentArrivals.get(0)))
        .isGreaterThan(Duration.ofMillis(200));
    assertThat(last.getChoices()).isEmpty();
    assertThat(last.getUsage().getCompletionTokens()).isEqualTo(16);
    assertThat(last.getUsage().getPromptTokens()).isEqualTo(22);
    assertThat(text.toString()).isNotBlank();
  }

  @Test
  void asyncStreamDeliversChunksOverTimeThenUsage() {
    List<Long> arrivals = new ArrayList<>();
    List<ChatCompletions> chunks =
        asyncClient
            .getChatCompletionsStream(PACED, chat(16), WITH_USAGE)
            .doOnNext(c -> arrivals.add(System.nanoTime()))
            .collectList()
            .block(Duration.ofSeconds(20));

    assertThat(chunks).hasSizeGreaterThanOrEqualTo(16);
    assertThat(Duration.ofNanos(arrivals.get(arrivals.size() - 1) - arrivals.get(1)))
        .isGreaterThan(Duration.ofMillis(200));
    ChatCompletions last = chunks.get(chunks.size() - 1);
    assertThat(last.getChoices()).isEmpty();
    assertThat(last.getUsage().getCompletionTokens()).isEqualTo(16);
  }

  @Test
  void completionsAndEmbeddingsSyncAndAsync() {
    CompletionsOptions options =
        new CompletionsOptions(List.of("Say this is a test")).setMaxTokens(3);
    Completions sync = client.getCompletions(CHAT, options);
    Completions async = asyncClient.getCompletions(CHAT, options).block(Duration.ofSeconds(20));

    for (Completions completions : List.of(sync, async)) {
      assertThat(completions.getChoices().get(0).getText()).isNotEmpty();
      assertThat(completions.getUsage().getPromptTokens()).isEqualTo(5);
      assertThat(completions.getUsage().getCompletionTokens()).isBetween(1, 3);
    }

    EmbeddingsOptions embeddingsOptions = new EmbeddingsOptions(List.of("sample text to embed"));
    Embeddings embeddings = client.getEmbeddings(CHAT, embeddingsOptions);
    Embeddings asyncEmbeddings =
        asyncClient.getEmbeddings(CHAT, embeddingsOptions).block(Duration.ofSeconds(20));
    assertThat(embeddings.getData().get(0).getEmbedding()).hasSize(1536);
    assertThat(embeddings.getUsage().getPromptTokens()).isEqualTo(4);
    assertThat(asyncEmbeddings.getData().get(0).getEmbedding())
        .isEqualTo(embeddings.getData().get(0).getEmbedding());
  }

  @Test
  void refusedConnectionsSurfaceAsConnectExceptionAndRecover() {
    simulator.refuseConnections("res");

    Throwable refused = catchThrowable(() -> client.getChatCompletions(CHAT, chat(5)));
    assertThat(causes(refused)).anyMatch(ConnectException.class::isInstance);

    simulator.acceptConnections("res");
    assertThat(client.getChatCompletions(CHAT, chat(5)).getChoices()).hasSize(1);
  }

  @Test
  void resetBeforeHeadersSurfacesAsConnectionReset() {
    simulator.setFaults("res", CHAT, Faults.NONE.withResetBeforeHeaders(1));

    Throwable sync = catchThrowable(() -> client.getChatCompletions(CHAT, chat(5)));
    Throwable async =
        catchThrowable(
            () -> asyncClient.getChatCompletions(CHAT, chat(5)).block(Duration.ofSeconds(20)));

    for (Throwable t : List.of(sync, async)) {
      assertThat(t).isNotNull().isNotInstanceOf(HttpResponseException.class);
      assertThat(causes(t)).as("causes of %s", t).anyMatch(AzureClientIT::isConnectionReset);
    }
  }

  @Test
  void resetMidStreamFailsAfterAtLeastOneChunk() {
    simulator.setFaults("res", PACED, Faults.NONE.withResetMidStream(1));
    List<ChatCompletions> received = new ArrayList<>();

    Throwable failure =
        catchThrowable(
            () -> {
              for (ChatCompletions chunk :
                  client.getChatCompletionsStream(PACED, chat(16), WITH_USAGE)) {
                received.add(chunk);
              }
            });

    assertThat(failure).isNotNull();
    assertThat(received)
        .anyMatch(
            c ->
                !c.getChoices().isEmpty()
                    && c.getChoices().get(0).getDelta().getContent() != null
                    && !c.getChoices().get(0).getDelta().getContent().isEmpty());
    assertThat(causes(failure))
        .as("causes of %s", failure)
        .anyMatch(AzureClientIT::isConnectionReset);
  }

  @Test
  void stallTimesOutTheClient() {
    simulator.setFaults("res", CHAT, Faults.NONE.withStall(Duration.ofSeconds(3)));
    OpenAIClient impatient = AzureClients.builder(resource, Duration.ofMillis(300)).buildClient();

    Throwable failure = catchThrowable(() -> impatient.getChatCompletions(CHAT, chat(5)));

    assertThat(causes(failure))
        .as("causes of %s", failure)
        .anyMatch(TimeoutException.class::isInstance);
  }

  @Test
  void injectedErrorsSurfaceAsHttpResponseExceptions() {
    simulator.setFaults("res", CHAT, Faults.NONE.withErrors(1, 500));
    assertThatThrownBy(() -> client.getChatCompletions(CHAT, chat(5)))
        .isInstanceOfSatisfying(
            HttpResponseException.class,
            e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(500));

    simulator.setFaults("res", CHAT, Faults.NONE.withErrors(1, 503, Duration.ofMillis(1500)));
    Throwable async =
        catchThrowable(
            () -> asyncClient.getChatCompletions(CHAT, chat(5)).block(Duration.ofSeconds(20)));
    assertThat(async)
        .isInstanceOfSatisfying(
            HttpResponseException.class,
            e -> {
              assertThat(e.getResponse().getStatusCode()).isEqualTo(503);
              assertThat(e.getResponse().getHeaders().getValue(HttpHeaderName.RETRY_AFTER))
                  .isEqualTo("2");
              assertThat(
                      e.getResponse()
                          .getHeaders()
                          .getValue(HttpHeaderName.fromString("retry-after-ms")))
                  .isEqualTo("1500");
            });
  }

  static List<Throwable> causes(Throwable t) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable c = t; c != null && chain.size() < 20; c = c.getCause()) {
      chain.add(c);
      for (Throwable s : c.getSuppressed()) {
        chain.add(s);
      }
    }
    return chain;
  }

  static boolean isConnectionReset(Throwable t) {
    return t instanceof IOException
        && t.getMessage() != null
        && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connection reset");
  }
}
