package dev.spillway.examples.springai;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * A Spring Boot 4.1 application with Spring AI 2.0: {@code application.yaml} configures the pool,
 * {@code spillway-spring-boot-starter} with {@code spillway-openai} provides it and openai-java's
 * clients on it, and Spring AI's {@link OpenAiChatModel} is built on those clients, so every call
 * it makes is load-balanced over the pool. {@code GET /chat?q=…} answers, {@code GET /stream?q=…}
 * streams the answer as server-sent events.
 */
@SpringBootApplication
public class SpringAiApplication {

  /**
   * Runs the application until stopped.
   *
   * @param args Spring Boot arguments, such as {@code --server.port=8080}
   */
  public static void main(String[] args) {
    SpringApplication.run(SpringAiApplication.class, args);
  }

  /**
   * Spring AI's chat model on the pool's openai-java clients: the model it names is the pool's
   * logical model, which the pool maps to each backend's deployment. Give it both clients: given
   * only one, it builds the other itself and asks for an API key.
   *
   * @param client the starter's {@code spillwayOpenAiClient}
   * @param asyncClient the starter's {@code spillwayOpenAiClientAsync}, used for streams
   * @return the chat model
   */
  // tag::chat-model[]
  @Bean
  OpenAiChatModel chatModel(OpenAIClient client, OpenAIClientAsync asyncClient) {
    return OpenAiChatModel.builder()
        .openAiClient(client)
        .openAiClientAsync(asyncClient)
        .options(OpenAiChatOptions.builder().model("gpt-4o").build()) // logical model
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
