package dev.spillway.benchmarks;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;

/**
 * An in-process "instant" Azure OpenAI: every request gets the same canned 200 chat completion at
 * once, without a socket, so a benchmark measures only the client side. Thread-safe.
 */
final class InstantStubHttpClient implements HttpClient {
  static final byte[] BODY =
      ("{\"id\":\"chatcmpl-stub\",\"object\":\"chat.completion\",\"created\":1731000000,"
              + "\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_stub\",\"prompt_filter_results\":[],"
              + "\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\","
              + "\"content\":\"The spillway keeps the river within its banks.\"},\"content_filter_results\":{}}],"
              + "\"usage\":{\"prompt_tokens\":25,\"completion_tokens\":9,\"total_tokens\":34}}")
          .getBytes(StandardCharsets.UTF_8);

  @Override
  public Mono<HttpResponse> send(HttpRequest request) {
    return Mono.fromSupplier(() -> respond(request));
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request, Context context) {
    return send(request);
  }

  @Override
  public HttpResponse sendSync(HttpRequest request, Context context) {
    return respond(request);
  }

  private static HttpResponse respond(HttpRequest request) {
    HttpHeaders headers =
        new HttpHeaders()
            .set(HttpHeaderName.CONTENT_TYPE, "application/json")
            .set(HttpHeaderName.fromString("x-ms-region"), "Sweden Central")
            .set(HttpHeaderName.fromString("x-ratelimit-remaining-tokens"), "299000")
            .set(HttpHeaderName.fromString("x-ratelimit-remaining-requests"), "1799");
    return new SyntheticResponse(request, 200, headers, BODY);
  }
}
