package dev.spillway.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.spillway.azure.Harness.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsFunctionToolCall;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.ai.openai.models.Completions;
import com.azure.ai.openai.models.CompletionsFinishReason;
import com.azure.ai.openai.models.CompletionsOptions;
import com.azure.ai.openai.models.ContentFilterSeverity;
import com.azure.ai.openai.models.Embeddings;
import com.azure.ai.openai.models.EmbeddingsOptions;
import com.azure.core.exception.HttpResponseException;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.spillway.AttemptOutcome;
import dev.spillway.AttemptRecord;
import dev.spillway.Backend;
import dev.spillway.CallOutcome;
import dev.spillway.CircuitState;
import dev.spillway.RouteState;
import dev.spillway.Usage;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The real recorded Azure OpenAI exchanges, replayed through WireMock and the real clients. */
class RecordingsIT {
  @RegisterExtension static final Harness H = new Harness();
  private static final String CHAT = "gpt-4o";
  private static final String INSTRUCT = "instruct";
  private static final String ADA = "ada";

  private SpillwayPool pool;

  @BeforeEach
  void buildPool() {
    // PTU deployments named as in the recordings; PAYG behind them for failover.
    pool =
        SpillwayPool.builder()
            .backend(
                Backend.builder("sweden-ptu")
                    .endpoint(Harness.url(H.ptu))
                    .tier(0)
                    .deployment(CHAT, "gpt-4o-0806")
                    .deployment(INSTRUCT, "gpt-35-turbo-instruct")
                    .deployment(ADA, "text-embedding-ada-002")
                    .build(),
                Credential.apiKey(Harness.PTU_KEY))
            .backend(
                Backend.builder("eastus-paygo")
                    .endpoint(Harness.url(H.payg))
                    .tier(1)
                    .deployment(CHAT, "gpt-4o-payg")
                    .deployment(INSTRUCT, "instruct-payg")
                    .build(),
                Credential.apiKey(Harness.PAYG_KEY))
            .listener(
                new dev.spillway.PoolListener() {
                  @Override
                  public void onCallComplete(CallOutcome outcome) {
                    H.outcomes.add(outcome);
                  }
                })
            .build();
  }

  private static void replay(WireMockServer server, String path, String file, int entry) {
    server.stubFor(post(urlPathEqualTo(path)).willReturn(Recording.load(file, entry).response()));
  }

  private static String chatPath(String deployment) {
    return "/openai/deployments/" + deployment + "/chat/completions";
  }

  private static String completionsPath(String deployment) {
    return "/openai/deployments/" + deployment + "/completions";
  }

  private ChatCompletions chat(Mode mode, String message) {
    ChatCompletionsOptions options =
        new ChatCompletionsOptions(List.of(new ChatRequestUserMessage(message)));
    OpenAIClientBuilder builder = SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP);
    return mode == Mode.SYNC
        ? builder.buildClient().getChatCompletions(CHAT, options)
        : builder.buildAsyncClient().getChatCompletions(CHAT, options).block();
  }

  private Completions complete(Mode mode) {
    CompletionsOptions options =
        new CompletionsOptions(List.of("Say this is a test")).setMaxTokens(3);
    OpenAIClientBuilder builder = SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP);
    return mode == Mode.SYNC
        ? builder.buildClient().getCompletions(INSTRUCT, options)
        : builder.buildAsyncClient().getCompletions(INSTRUCT, options).block();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void chatCompletionUsageHeadersAndFilterResultsAreParsed(Mode mode) {
    replay(H.ptu, chatPath("gpt-4o-0806"), "ChatCompletion.json", 0);

    ChatCompletions result = chat(mode, "Hello");

    assertThat(result.getChoices().get(0).getMessage().getContent()).isNotBlank();
    assertThat(
            result
                .getPromptFilterResults()
                .get(0)
                .getContentFilterResults()
                .getHate()
                .getSeverity())
        .isEqualTo(ContentFilterSeverity.SAFE);
    assertThat(result.getChoices().get(0).getContentFilterResults().getViolence().isFiltered())
        .isFalse();
    assertThat(result.getUsage().getTotalTokens()).isEqualTo(20);
    CallOutcome outcome = H.lastOutcome();
    assertThat(outcome.usage()).isEqualTo(Usage.reported(11, 9));
    // x-ratelimit-remaining-tokens reached the engine for this route
    assertThat(pool.snapshot().backend("sweden-ptu").route(CHAT).headroomTokens())
        .isEqualTo(416_313L);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void legacyCompletionIsParsed(Mode mode) {
    replay(
        H.ptu,
        completionsPath("gpt-35-turbo-instruct"),
        "OpenAISyncClientTest.testGetCompletionsTokenCutoff.json",
        0);

    Completions result = complete(mode);

    assertThat(result.getChoices().get(0).getFinishReason())
        .isEqualTo(CompletionsFinishReason.TOKEN_LIMIT_REACHED);
    assertThat(H.lastOutcome().usage()).isEqualTo(Usage.reported(5, 3));
    assertThat(H.lastOutcome().operation()).isEqualTo("text_completion");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void embeddingsUsageIsParsed(Mode mode) {
    replay(
        H.ptu,
        "/openai/deployments/text-embedding-ada-002/embeddings",
        "SimpleEmbeddingWithTopLevelClient.json",
        0);
    EmbeddingsOptions options = new EmbeddingsOptions(List.of("sample text to embed"));
    OpenAIClientBuilder builder = SpillwayAzure.openAIClientBuilder(pool, Harness.HTTP);

    Embeddings result =
        mode == Mode.SYNC
            ? builder.buildClient().getEmbeddings(ADA, options)
            : builder.buildAsyncClient().getEmbeddings(ADA, options).block();

    assertThat(result.getData()).hasSize(1);
    assertThat(H.lastOutcome().usage()).isEqualTo(Usage.reported(4, 0));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void toolCallIsParsed(Mode mode) {
    replay(H.ptu, chatPath("gpt-4o-0806"), "SimpleToolWorksTool.json", 0);

    ChatCompletions result = chat(mode, "What should I wear in Honolulu next Thursday?");

    ChatCompletionsFunctionToolCall call =
        (ChatCompletionsFunctionToolCall)
            result.getChoices().get(0).getMessage().getToolCalls().get(0);
    assertThat(call.getFunction().getName()).isEqualTo("get_future_temperature");
    assertThat(H.lastOutcome().usage().estimated()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void contentFilter400SurfacesAsTheSdkExceptionAfterOneRequest(Mode mode) {
    replay(
        H.ptu,
        chatPath("gpt-4o-0806"),
        "TestClient_GetChatCompletions_AzureOpenAI_ContentFilterWithError.json",
        0);

    assertThatThrownBy(() -> chat(mode, "How do I rob a bank with violence?"))
        .isInstanceOfSatisfying(
            HttpResponseException.class,
            e -> {
              assertThat(e.getResponse().getStatusCode()).isEqualTo(400);
              assertThat(e.getMessage())
                  .contains("content_filter")
                  .contains("ResponsibleAIPolicyViolation");
            });
    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isZero();
    assertThat(H.lastOutcome().attempts())
        .extracting(AttemptRecord::outcome)
        .containsExactly(AttemptOutcome.CALLER_ERROR);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void invalidRequestWithNullCodeIsACallerError(Mode mode) {
    replay(
        H.ptu,
        chatPath("gpt-4o-0806"),
        "OpenAISyncClientTest.testChatFunctionNotSuppliedByNamePreset.json",
        0);

    assertThatThrownBy(() -> chat(mode, "weather?"))
        .isInstanceOfSatisfying(
            HttpResponseException.class,
            e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(400));
    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isZero();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void badKey401FailsOverAndOpensTheCircuit(Mode mode) {
    replay(H.ptu, chatPath("gpt-4o-0806"), "ChatCompletionBadKeyGivesHelpfulError.json", 0);

    chat(mode, "oops");

    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(1);
    assertThat(pool.snapshot().backend("sweden-ptu").circuit()).isEqualTo(CircuitState.OPEN);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void deploymentNotFoundFailsOverAndCoolsTheRoute(Mode mode) {
    replay(
        H.ptu,
        completionsPath("gpt-35-turbo-instruct"),
        "OpenAISyncClientTest.testGetCompletionsWithResponseBadDeployment.json",
        0);
    replay(
        H.payg,
        completionsPath("instruct-payg"),
        "OpenAISyncClientTest.testGetCompletionsTokenCutoff.json",
        0);

    complete(mode);

    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(1);
    assertThat(pool.snapshot().backend("sweden-ptu").route(INSTRUCT).state())
        .isEqualTo(RouteState.COOLING);
    assertThat(pool.snapshot().backend("sweden-ptu").circuit()).isEqualTo(CircuitState.CLOSED);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void recordedTokenAndCallLimit429sCoolDownForTheirHints(Mode mode) {
    String file =
        "test_mass_evaluate.pyTestMassEvaluatetest_evaluate_conversation"
            + ".EXCERPT-first-2-entries.json";
    replay(H.ptu, chatPath("gpt-4o-0806"), file, 0);
    chat(mode, "first");
    assertThat(H.lastOutcome().attempts().get(0).coolDown()).isEqualTo(Duration.ofSeconds(43));

    H.reset();
    buildPool();
    replay(H.ptu, chatPath("gpt-4o-0806"), file, 1);
    chat(mode, "second");
    assertThat(H.lastOutcome().attempts().get(0).coolDown()).isEqualTo(Duration.ofSeconds(3));
    assertThat(count(H.ptu)).isEqualTo(1);
    assertThat(count(H.payg)).isEqualTo(1);
    assertThat(H.lastOutcome().backendId()).isEqualTo("eastus-paygo");
  }
}
