package dev.spillway.examples.boot3;

import dev.spillway.azure.SpillwayAzure;
import dev.spillway.pool.SpillwayPool;
import org.springframework.ai.azure.openai.AzureOpenAiChatModel;
import org.springframework.ai.azure.openai.AzureOpenAiChatOptions;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * A Spring Boot 3.5 application with Spring AI 1.1: {@code application.yaml} configures the pool,
 * {@code spillway-spring-boot3-starter} provides it with health and {@code /actuator/spillway}, and
 * Spring AI's {@link AzureOpenAiChatModel} is built from the pool's {@code OpenAIClientBuilder}, so
 * every call it makes is load-balanced over the pool. {@code GET /chat?q=…} answers, {@code GET
 * /stream?q=…} streams the answer as server-sent events.
 */
@SpringBootApplication
public class SpringAiExampleApplication {

  /**
   * Runs the application until stopped.
   *
   * @param args Spring Boot arguments, such as {@code --server.port=8080}
   */
  public static void main(String[] args) {
    SpringApplication.run(SpringAiExampleApplication.class, args);
  }

  /**
   * Spring AI's chat model over the pool: the deployment name it sends is the pool's logical model,
   * which the pool maps to each backend's deployment.
   *
   * @param pool the auto-configured pool
   * @return the chat model
   */
  // tag::chat-model[]
  @Bean
  AzureOpenAiChatModel chatModel(SpillwayPool pool) {
    return AzureOpenAiChatModel.builder()
        .openAIClientBuilder(SpillwayAzure.openAIClientBuilder(pool))
        .defaultOptions(
            AzureOpenAiChatOptions.builder().deploymentName("gpt-4o").build()) // logical model
        .build();
  }

  // end::chat-model[]

  /** Answers and streams through the chat model. */
  @RestController
  static class ChatController {
    private final ChatModel chat;

    ChatController(ChatModel chat) {
      this.chat = chat;
    }

    @GetMapping("/chat")
    String chat(@RequestParam(name = "q", defaultValue = "Say hello.") String q) {
      return chat.call(q);
    }

    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<String> stream(@RequestParam(name = "q", defaultValue = "Say hello.") String q) {
      return chat.stream(q);
    }
  }
}
