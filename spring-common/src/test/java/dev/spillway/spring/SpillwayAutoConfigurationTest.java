package dev.spillway.spring;

import static dev.spillway.spring.SimulatedBackends.LARGE_TPM;
import static dev.spillway.spring.SimulatedBackends.chat;
import static dev.spillway.spring.SimulatedBackends.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.ai.openai.OpenAIAsyncClient;
import com.azure.ai.openai.OpenAIClient;
import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredential;
import com.openai.client.OpenAIClientAsync;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.spillway.CallOutcome;
import dev.spillway.PoolListener;
import dev.spillway.azure.SpillwayAzure;
import dev.spillway.openai.SpillwayOpenAI;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.spi.AdapterSupport;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import reactor.core.publisher.Mono;

/** The beans: pool, clients, and what the pool takes from the application's beans. */
class SpillwayAutoConfigurationTest {
  private static SimulatedBackends backends;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SpillwayAutoConfiguration.class));

  @BeforeAll
  static void startSimulator() {
    backends = SimulatedBackends.start(LARGE_TPM, LARGE_TPM);
  }

  @AfterAll
  static void stopSimulator() {
    backends.close();
  }

  @Test
  void buildsBothClientsFromTheOnePool() {
    runner
        .withPropertyValues(backends.properties())
        .run(
            context -> {
              assertThat(context)
                  .hasSingleBean(SpillwayPool.class)
                  .hasSingleBean(OpenAIClient.class)
                  .hasSingleBean(OpenAIAsyncClient.class);
              SpillwayPool pool = context.getBean(SpillwayPool.class);

              chat(context.getBean(OpenAIClient.class), 5);
              context
                  .getBean(OpenAIAsyncClient.class)
                  .getChatCompletions("gpt-4o", options(5))
                  .block();

              long attempts =
                  pool.snapshot().backends().stream()
                      .flatMap(b -> b.routes().stream())
                      .mapToLong(r -> r.successes())
                      .sum();
              assertThat(attempts).isEqualTo(2);
            });
  }

  @Test
  void buildsOpenAiJavaClientsFromTheSamePoolUnderTheirOwnNames() {
    runner
        .withPropertyValues(backends.properties())
        .run(
            context -> {
              assertThat(context)
                  .hasSingleBean(com.openai.client.OpenAIClient.class)
                  .hasSingleBean(OpenAIClientAsync.class)
                  .hasBean("spillwayOpenAiClient")
                  .hasBean("spillwayOpenAiClientAsync")
                  .hasBean("openAIClient")
                  .hasBean("openAIAsyncClient");
              SpillwayPool pool = context.getBean(SpillwayPool.class);

              context
                  .getBean(com.openai.client.OpenAIClient.class)
                  .chat()
                  .completions()
                  .create(openAiChat());
              context
                  .getBean(OpenAIClientAsync.class)
                  .chat()
                  .completions()
                  .create(openAiChat())
                  .join();
              chat(context.getBean(OpenAIClient.class), 5);

              assertThat(successes(pool)).isEqualTo(3);
            });
  }

  @Test
  void withoutSpillwayOpenAiOnlyTheAzureClientsAppear() {
    runner
        .withPropertyValues(backends.properties())
        .withClassLoader(new FilteredClassLoader(SpillwayOpenAI.class))
        .run(
            context ->
                assertThat(context)
                    .hasSingleBean(OpenAIClient.class)
                    .hasSingleBean(OpenAIAsyncClient.class)
                    .doesNotHaveBean(com.openai.client.OpenAIClient.class)
                    .doesNotHaveBean(OpenAIClientAsync.class));
  }

  @Test
  void withoutSpillwayAzureThePoolServesOpenAiJavaAlone() {
    runner
        .withPropertyValues(backends.properties())
        .withClassLoader(new FilteredClassLoader(SpillwayAzure.class))
        .run(
            context -> {
              assertThat(context)
                  .hasSingleBean(SpillwayPool.class)
                  .doesNotHaveBean(OpenAIClient.class)
                  .doesNotHaveBean(OpenAIAsyncClient.class)
                  .hasSingleBean(com.openai.client.OpenAIClient.class)
                  .hasSingleBean(OpenAIClientAsync.class);
              context
                  .getBean(com.openai.client.OpenAIClient.class)
                  .chat()
                  .completions()
                  .create(openAiChat());
              assertThat(successes(context.getBean(SpillwayPool.class))).isEqualTo(1);
            });
  }

  @Test
  void eachOpenAiJavaClientBacksOffWhenTheApplicationDefinesOneOfItsType() {
    runner
        .withPropertyValues(backends.properties())
        .withUserConfiguration(OwnOpenAiClient.class)
        .run(
            context -> {
              assertThat(context.getBean(com.openai.client.OpenAIClient.class))
                  .isSameAs(OwnOpenAiClient.client);
              assertThat(context).doesNotHaveBean("spillwayOpenAiClient");
              assertThat(context).hasBean("spillwayOpenAiClientAsync");
            });
  }

  private static ChatCompletionCreateParams openAiChat() {
    return ChatCompletionCreateParams.builder()
        .model("gpt-4o")
        .addUserMessage("Say hello.")
        .maxCompletionTokens(5)
        .build();
  }

  private static long successes(SpillwayPool pool) {
    return pool.snapshot().backends().stream()
        .flatMap(b -> b.routes().stream())
        .mapToLong(r -> r.successes())
        .sum();
  }

  @Test
  void closesThePoolWithTheContext() {
    // Scheduler threads are named uniquely; earlier tests' may still be ending, so the pool's own
    // is told by name, not by a count.
    Set<String> before = Set.copyOf(schedulerThreads());
    List<String> started = new ArrayList<>();
    runner
        .withPropertyValues(backends.properties())
        .run(
            context -> {
              // The async path starts the pool's scheduler thread.
              context
                  .getBean(OpenAIAsyncClient.class)
                  .getChatCompletions("gpt-4o", options(5))
                  .block();
              schedulerThreads().stream()
                  .filter(name -> !before.contains(name))
                  .forEach(started::add);
              assertThat(started).isNotEmpty();
            });
    awaitGone(started);
  }

  @Test
  void backsOffWhenTheApplicationDefinesThePool() {
    runner
        .withPropertyValues(backends.properties())
        .withUserConfiguration(OwnPool.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(SpillwayPool.class);
              assertThat(context.getBean(SpillwayPool.class)).isSameAs(OwnPool.pool);
              chat(context.getBean(OpenAIClient.class), 5);
              assertThat(OwnPool.pool.snapshot().backends().get(0).routes().get(0).successes())
                  .isEqualTo(1);
            });
  }

  @Test
  void buildsClientsFromTheApplicationsPoolWithoutProperties() {
    runner
        .withUserConfiguration(OwnPool.class)
        .run(
            context -> {
              assertThat(context)
                  .doesNotHaveBean(SpillwayProperties.class)
                  .hasSingleBean(OpenAIClient.class)
                  .hasSingleBean(OpenAIAsyncClient.class);
            });
  }

  @Test
  void backsOffWhenTheApplicationDefinesAClient() {
    runner
        .withPropertyValues(backends.properties())
        .withUserConfiguration(OwnClient.class)
        .run(
            context -> {
              assertThat(context.getBean(OpenAIClient.class)).isSameAs(OwnClient.client);
              assertThat(context).hasSingleBean(OpenAIAsyncClient.class);
            });
  }

  @Test
  void addsListenerBeansToThePool() {
    runner
        .withPropertyValues(backends.properties())
        .withUserConfiguration(Listening.class)
        .run(
            context -> {
              chat(context.getBean(OpenAIClient.class), 5);
              assertThat(context.getBean(Listening.class).outcomes)
                  .singleElement()
                  .satisfies(o -> assertThat(o.succeeded()).isTrue());
            });
  }

  @Test
  void appliesCustomizersInOrderAfterTheProperties() {
    runner
        .withPropertyValues(backends.properties())
        .withPropertyValues("spillway.max-attempts=3")
        .withUserConfiguration(Customizers.class)
        .run(
            context -> {
              assertThat(Customizers.calls).containsExactly("first", "second");
              // "second" overrides the property: the customizers run after the configuration.
              assertThat(context.getBean(SpillwayPool.class).backendPool().settings().maxAttempts())
                  .isEqualTo(7);
            });
  }

  @Test
  void usesTheOpenTelemetryBean() {
    runner
        .withPropertyValues(backends.properties())
        .withUserConfiguration(Tracing.class)
        .run(
            context -> {
              chat(context.getBean(OpenAIClient.class), 5);
              assertThat(Tracing.spans.getFinishedSpanItems())
                  .extracting(SpanData::getName)
                  .contains("chat gpt-4o");
            });
  }

  @Test
  void usesTheTokenCredentialBeanForEntraBackends() {
    List<String> properties = new ArrayList<>(backends.backend(0, "credential=entra"));
    runner
        .withPropertyValues(properties.toArray(String[]::new))
        .withUserConfiguration(StaticToken.class)
        .run(
            context -> {
              chat(context.getBean(OpenAIClient.class), 5);
              assertThat(StaticToken.requests).hasPositiveValue();
              SpillwayPool pool = context.getBean(SpillwayPool.class);
              assertThat(pool.credentialKind(pool.backendPool().backends().get(0).id()))
                  .isEqualTo("entra");
            });
  }

  @Test
  void fallsBackToDefaultAzureCredentialForEntraBackends() {
    runner
        .withPropertyValues(backends.backend(0, "credential=entra").toArray(String[]::new))
        .run(
            context -> {
              SpillwayPool pool = context.getBean(SpillwayPool.class);
              String id = pool.backendPool().backends().get(0).id();
              // the token source shows by its class name, and only there
              assertThat(AdapterSupport.of(pool).auth(id))
                  .hasToString("EntraAuth[" + DefaultAzureCredential.class.getSimpleName() + "]");
            });
  }

  @Test
  void leavesTokenCredentialBeansAloneWithoutEntraBackends() {
    // Two credentials would be ambiguous: asking for one must not even happen for key backends.
    runner
        .withPropertyValues(backends.properties())
        .withUserConfiguration(StaticToken.class, SecondToken.class)
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(SpillwayPool.class));
  }

  private static List<String> schedulerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("spillway-scheduler-"))
        .toList();
  }

  /** Waits (5 s at most) until none of {@code threads} is alive any more. */
  private static void awaitGone(List<String> threads) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!Collections.disjoint(schedulerThreads(), threads) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(schedulerThreads()).doesNotContainAnyElementsOf(threads);
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnPool {
    static SpillwayPool pool;

    @Bean
    SpillwayPool ownPool() {
      pool =
          SpillwayPool.builder()
              .config(
                  new SpillwayProperties(
                          null,
                          null,
                          null,
                          null,
                          null,
                          null,
                          null,
                          null,
                          false,
                          List.of(
                              new dev.spillway.pool.BackendConfig(
                                  "own",
                                  backends.simulator().resource("sim-0").baseUrl(),
                                  0,
                                  null,
                                  null,
                                  "key-sim-0",
                                  null,
                                  null,
                                  null,
                                  List.of(
                                      dev.spillway.pool.DeploymentConfig.of("gpt-4o", "gpt-4o")))),
                          null,
                          null,
                          null,
                          null)
                      .toPoolConfig())
              .build();
      return pool;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnClient {
    static OpenAIClient client;

    @Bean
    OpenAIClient ownClient(SpillwayPool pool) {
      client = SpillwayAzure.openAIClientBuilder(pool).buildClient();
      return client;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnOpenAiClient {
    static com.openai.client.OpenAIClient client;

    @Bean(destroyMethod = "close")
    com.openai.client.OpenAIClient ownOpenAiClient(SpillwayPool pool) {
      client = SpillwayOpenAI.client(pool);
      return client;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Listening implements PoolListener {
    final List<CallOutcome> outcomes = new CopyOnWriteArrayList<>();

    @Override
    public void onCallComplete(CallOutcome outcome) {
      outcomes.add(outcome);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Customizers {
    static final List<String> calls = new CopyOnWriteArrayList<>();

    @Bean
    @Order(2)
    SpillwayPoolCustomizer second() {
      return builder -> {
        calls.add("second");
        builder.settings(s -> s.maxAttempts(7));
      };
    }

    @Bean
    @Order(1)
    SpillwayPoolCustomizer first() {
      return builder -> {
        calls.add("first");
        builder.settings(s -> s.maxAttempts(5));
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Tracing {
    static final InMemorySpanExporter spans = InMemorySpanExporter.create();

    @Bean
    OpenTelemetry openTelemetry() {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class StaticToken {
    static final AtomicInteger requests = new AtomicInteger();

    /** The simulator accepts its API key as a bearer token. */
    @Bean
    TokenCredential staticToken() {
      return request -> {
        requests.incrementAndGet();
        return Mono.just(
            new AccessToken("key-sim-0", OffsetDateTime.now(ZoneOffset.UTC).plusHours(1)));
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class SecondToken {
    @Bean
    TokenCredential secondToken() {
      return request -> Mono.error(new IllegalStateException("never asked"));
    }
  }
}
