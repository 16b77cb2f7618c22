package dev.spillway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A plain JDK HTTP client for the simulator's loopback endpoints, for tests that read raw headers.
 */
final class Loopback {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String API_VERSION = "2024-10-21";
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private Loopback() {}

  static String chatBody(String content, int maxTokens) {
    return "{\"messages\":[{\"role\":\"user\",\"content\":\""
        + content
        + "\"}],\"max_tokens\":"
        + maxTokens
        + "}";
  }

  static HttpRequest.Builder post(
      SimulatedResource resource, String deployment, String operation, String body) {
    return HttpRequest.newBuilder(
            URI.create(
                resource.baseUrl()
                    + "/openai/deployments/"
                    + deployment
                    + "/"
                    + operation
                    + "?api-version="
                    + API_VERSION))
        .timeout(Duration.ofSeconds(20))
        .header("api-key", resource.config().apiKey())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  static HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<byte[]> sendBytes(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
    return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> chat(SimulatedResource resource, String deployment, int maxTokens) {
    return send(
        post(resource, deployment, "chat/completions", chatBody("hello, world!", maxTokens))
            .build());
  }

  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HttpResponse<String> get(SimulatedResource resource, String path) {
    return send(HttpRequest.newBuilder(URI.create(resource.baseUrl() + path)).GET().build());
  }

  static HttpResponse<String> postControl(SimulatedResource resource, String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(resource.baseUrl() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }
}
