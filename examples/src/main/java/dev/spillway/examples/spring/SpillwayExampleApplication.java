package dev.spillway.examples.spring;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import dev.spillway.examples.AuditListener;
import dev.spillway.examples.ExampleEnvironment;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot application: {@code application.yaml} configures the pool, the starter provides the
 * {@code OpenAIClient}, health and {@code /actuator/spillway}, and a {@code PoolListener} bean
 * writes the audit records. {@code GET /chat?q=…} asks the pool.
 */
@SpringBootApplication
public class SpillwayExampleApplication {
  private static final Logger AUDIT = LoggerFactory.getLogger("audit");

  /**
   * Runs the application until stopped.
   *
   * @param args Spring Boot arguments, such as {@code --server.port=8080}
   */
  public static void main(String[] args) {
    start(args);
  }

  /**
   * Starts the application: against the resources of the {@code AOAI_*} environment variables, or
   * else against an embedded simulator stopped with the application.
   *
   * @param args Spring Boot arguments
   * @return the running application
   */
  public static ConfigurableApplicationContext start(String... args) {
    ExampleEnvironment env = ExampleEnvironment.load();
    SpringApplication application = new SpringApplication(SpillwayExampleApplication.class);
    // application.yaml reads ${AOAI_…}: real variables win over these defaults.
    application.setDefaultProperties(Map.copyOf(env.variables()));
    application.addListeners((ApplicationListener<ContextClosedEvent>) event -> env.close());
    return application.run(args);
  }

  // tag::listener-bean[]
  /**
   * Audit records to the {@code audit} logger: the starter adds every {@code PoolListener} bean to
   * the pool.
   *
   * @return the listener
   */
  @Bean
  AuditListener auditListener() {
    return new AuditListener(AUDIT::info);
  }

  // end::listener-bean[]

  /** Answers {@code GET /chat?q=…} through the pool. */
  @RestController
  static class ChatController {
    private final OpenAIClient client;

    // tag::controller[]
    ChatController(OpenAIClient client) { // auto-configured from spillway.* in application.yaml
      this.client = client;
    }

    @GetMapping("/chat")
    String chat(@RequestParam(name = "q", defaultValue = "Say hello.") String q) {
      ChatCompletions answer =
          client.getChatCompletions(
              "gpt-4o",
              new ChatCompletionsOptions(List.of(new ChatRequestUserMessage(q))).setMaxTokens(60));
      return answer.getChoices().get(0).getMessage().getContent();
    }
    // end::controller[]
  }
}
