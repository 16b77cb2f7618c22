package dev.spillway.examples;

import static dev.spillway.examples.ExampleEnvironment.PAYGO_DEPLOYMENT;
import static dev.spillway.examples.ExampleEnvironment.PAYGO_ENDPOINT;
import static dev.spillway.examples.ExampleEnvironment.PAYGO_KEY;
import static dev.spillway.examples.ExampleEnvironment.PTU_DEPLOYMENT;
import static dev.spillway.examples.ExampleEnvironment.PTU_ENDPOINT;
import static dev.spillway.examples.ExampleEnvironment.PTU_KEY;

import com.openai.client.OpenAIClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.spillway.Backend;
import dev.spillway.ConsumerPolicy;
import dev.spillway.ConsumerSettings;
import dev.spillway.ConsumerSnapshot;
import dev.spillway.Deployment;
import dev.spillway.Priority;
import dev.spillway.QuotaPeriod;
import dev.spillway.openai.SpillwayOpenAI;
import dev.spillway.pool.Credential;
import dev.spillway.pool.SpillwayPool;

/**
 * Consumers and priorities through openai-java: a chat front end limited to 2 requests a minute,
 * and a nightly report at batch priority (PTU only, never PAYG) with a daily token quota; then the
 * per-consumer chargeback counters of the pool's snapshot.
 */
public final class ConsumersExample {
  private ConsumersExample() {}

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
                // tag::consumers[]
                .consumers(
                    ConsumerSettings.of(
                        ConsumerPolicy.of("chat-frontend").withRpmLimit(2),
                        ConsumerPolicy.of("nightly-report")
                            .withPriority(Priority.BATCH) // tier 0 only; waits for headroom
                            .withTokenQuota(1_000_000, QuotaPeriod.DAY)))
                // end::consumers[]
                .build()) {
      OpenAIClient client = SpillwayOpenAI.client(pool);
      // tag::consumer-client[]
      OpenAIClient chat = // every call of this client is for "chat-frontend"
          client.withOptions(
              o -> o.putAllHeaders(SpillwayOpenAI.callHeaders("chat-frontend", null)));
      for (int i = 1; i <= 3; i++) {
        try {
          chat.chat().completions().create(question("Question " + i));
          System.out.println("chat-frontend: answered");
        } catch (RateLimitException e) { // the 3rd call: over rpm-limit, nothing was sent
          System.out.println(
              "chat-frontend: "
                  + e.headers().values("x-spillway-rejection") // [consumer_limit]
                  + ", retry after "
                  + e.headers().values("retry-after-ms")
                  + " ms");
        }
      }
      // end::consumer-client[]
      client
          .withOptions(o -> o.putAllHeaders(SpillwayOpenAI.callHeaders("nightly-report", null)))
          .chat()
          .completions()
          .create(question("Summarise yesterday."));
      System.out.println("nightly-report: answered");

      // tag::chargeback[]
      for (ConsumerSnapshot c : pool.snapshot().consumers()) {
        System.out.printf(
            "%s: %d calls, %d PTU + %d PAYG tokens, %d limit rejections, quota used %d%n",
            c.id(),
            c.calls(),
            c.tier0Tokens(),
            c.overflowTokens(),
            c.limitRejections(),
            c.quotaUsed());
      }
      // end::chargeback[]
    }
  }

  private static ChatCompletionCreateParams question(String text) {
    return ChatCompletionCreateParams.builder()
        .model("gpt-4o")
        .addUserMessage(text)
        .maxCompletionTokens(40)
        .build();
  }
}
