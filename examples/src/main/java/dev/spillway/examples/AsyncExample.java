package dev.spillway.examples;

import static dev.spillway.examples.ExampleEnvironment.PAYGO_DEPLOYMENT;
import static dev.spillway.examples.ExampleEnvironment.PAYGO_ENDPOINT;
import static dev.spillway.examples.ExampleEnvironment.PAYGO_KEY;
import static dev.spillway.examples.ExampleEnvironment.PTU_DEPLOYMENT;
import static dev.spillway.examples.ExampleEnvironment.PTU_ENDPOINT;
import static dev.spillway.examples.ExampleEnvironment.PTU_KEY;

import com.azure.ai.openai.OpenAIAsyncClient;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import dev.spillway.Backend;
import dev.spillway.BackendSnapshot;
import dev.spillway.Deployment;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * The async client: many calls in flight without a thread each. Cool-down waits are scheduled on
 * the pool's one scheduler thread, never blocking.
 */
public final class AsyncExample {
  private AsyncExample() {}

  /**
   * Runs the example.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    try (ExampleEnvironment env = ExampleEnvironment.load();
        SpillwayPool pool =
            SpillwayPool.builder()
                .backend(
                    Backend.builder("sweden-ptu")
                        .endpoint(env.get(PTU_ENDPOINT))
                        .tier(0)
                        .deployment(Deployment.ptu("gpt-4o", env.get(PTU_DEPLOYMENT), 0))
                        .build(),
                    Credential.apiKey(env.get(PTU_KEY)))
                .backend(
                    Backend.builder("eastus-paygo")
                        .endpoint(env.get(PAYGO_ENDPOINT))
                        .tier(1)
                        .deployment("gpt-4o", env.get(PAYGO_DEPLOYMENT))
                        .build(),
                    Credential.apiKey(env.get(PAYGO_KEY)))
                .build()) {
      // tag::async[]
      OpenAIAsyncClient client = SpillwayAzure.openAIClientBuilder(pool).buildAsyncClient();
      List<String> answers =
          Flux.range(1, 20)
              .flatMap(
                  i ->
                      client.getChatCompletions(
                          "gpt-4o",
                          new ChatCompletionsOptions(
                                  List.of(new ChatRequestUserMessage("Question " + i)))
                              .setMaxTokens(20)),
                  8) // at most 8 calls in flight
              .map(answer -> answer.getChoices().get(0).getMessage().getContent())
              .collectList()
              .block();
      // end::async[]
      System.out.println(answers.size() + " answers");
      for (BackendSnapshot backend : pool.snapshot().backends()) {
        System.out.println(
            "backend "
                + backend.id()
                + " (tier "
                + backend.tier()
                + "): "
                + backend.routes().get(0).successes()
                + " answered, "
                + backend.routes().get(0).throttled()
                + " throttled");
      }
    }
  }
}
