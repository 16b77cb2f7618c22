package dev.spillway.examples.springai;

import dev.spillway.CallOutcome;
import dev.spillway.PoolListener;
import dev.spillway.simulator.Simulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Spring AI application on a free local port, its backends pointed at the simulator's {@code
 * ptu-a} and {@code paygo-1} resources through the {@code AOAI_*} variables of its {@code
 * application.yaml}; it keeps every call's outcome.
 */
final class RunningApp implements AutoCloseable {
  /** Outcomes of the running application's calls (one application runs at a time). */
  private static final List<CallOutcome> outcomes = new CopyOnWriteArrayList<>();

  private final ConfigurableApplicationContext context;
  private final String base;
  private final HttpClient http = HttpClient.newHttpClient();

  private RunningApp(ConfigurableApplicationContext context) {
    this.context = context;
    this.base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
  }

  static RunningApp start(Simulator simulator) {
    outcomes.clear();
    return new RunningApp(
        new SpringApplication(SpringAiApplication.class, Outcomes.class)
            .run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--AOAI_PTU_ENDPOINT=" + simulator.resource("ptu-a").baseUrl(),
                "--AOAI_PTU_KEY=key-ptu-a",
                "--AOAI_PAYGO_ENDPOINT=" + simulator.resource("paygo-1").baseUrl(),
                "--AOAI_PAYGO_KEY=key-paygo-1"));
  }

  ConfigurableApplicationContext context() {
    return context;
  }

  /**
   * @return the outcomes of the calls so far, oldest first
   */
  List<CallOutcome> outcomes() {
    return List.copyOf(outcomes);
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    context.close();
  }

  /** Keeps every call's outcome: the starter adds each {@code PoolListener} bean to the pool. */
  @Configuration(proxyBeanMethods = false)
  static class Outcomes {
    @Bean
    PoolListener outcomeRecorder() {
      return new PoolListener() {
        @Override
        public void onCallComplete(CallOutcome outcome) {
          outcomes.add(outcome);
        }
      };
    }
  }
}
