package dev.spillway.openai;

import com.openai.azure.AzureUrlPathMode;
import com.openai.azure.credential.AzureApiKeyCredential;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.client.OpenAIClientAsyncImpl;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import dev.spillway.Priority;
import dev.spillway.openai.internal.CallHeaders;
import dev.spillway.openai.internal.OkHttpTransport;
import dev.spillway.openai.internal.PerBackendTransport;
import dev.spillway.openai.internal.SpillwayHttpClient;
import dev.spillway.pool.SpillwayPool;
import dev.spillway.pool.spi.AdapterSupport;
import java.util.Map;
import java.util.Objects;

/**
 * The openai-java adapter: openai-java's standard {@link OpenAIClient} and {@link
 * OpenAIClientAsync} over a {@link SpillwayPool}.
 *
 * <pre>{@code
 * OpenAIClient client = SpillwayOpenAI.client(pool);
 * client.chat().completions().create(ChatCompletionCreateParams.builder()
 *     .model("gpt-4o")                       // the logical model
 *     .addUserMessage("Hello")
 *     .build());
 * }</pre>
 *
 * <p>The model a request names is the <em>logical model</em>: each attempt goes to a route serving
 * it, with that route's deployment name (in the body's {@code model} for the Azure v1 API, in the
 * path for the legacy {@code /openai/deployments/…} API) and the backend's own credential. The
 * Responses API is balanced only when it keeps no state ({@code store: false}, no {@code
 * previous_response_id}, no {@code conversation}); it and every other stateful operation (files,
 * batches, assistants, vector stores…) go to the pool's home backend only.
 *
 * <p>openai-java's own retries are off (Spillway retries: one HTTP request per attempt), so every
 * request carries its {@code X-Stainless-Retry-Count} header as {@code 0}, set once in the client
 * options rather than by the SDK on each request. Its request timeout, when set on the client or
 * per request, bounds the whole call; each attempt is bounded by the pool's attempt timeout and
 * each stream by its idle timeout, both handed to the transport.
 *
 * <p>A call says whom it is for with Spillway's own headers, which the adapter reads and removes
 * before anything is sent: {@value #CONSUMER_HEADER} (the consumer id; without it, the pool's
 * {@code ConsumerResolver}'s answer on the calling thread, for the blocking clients only:
 * openai-java's async clients hand requests to their transport on the common pool, whose thread
 * says nothing of the caller, so async calls name their consumer with the header), {@value
 * #PRIORITY_HEADER} ({@code interactive} or {@code batch}) and {@value #TAG_HEADER_PREFIX}{@code
 * NAME} (one tag each). Put them on one request ({@code
 * params.toBuilder().putAllAdditionalHeaders(SpillwayOpenAI.callHeaders("team-a", tags))}) or on
 * every request of a client ({@code client.withOptions(o -> o.putAllHeaders(…))}).
 *
 * <p>When the pool sends nothing, the SDK raises what it raises for the service's own answer: every
 * route cooling, a consumer over its {@code tpm-limit} or {@code rpm-limit}, or a batch call whose
 * queue is full or whose deadline passed while it waited give a {@code RateLimitException} (429,
 * with {@code Retry-After} and {@code retry-after-ms} when a retry time is known); a spent token
 * quota or a model the consumer may not use give a {@code PermissionDeniedException} (403; for the
 * quota, {@code Retry-After} is the start of the next period). The pool's rejections carry the
 * {@code x-spillway-rejection} header naming the reason ({@code consumer_limit}, {@code
 * quota_exceeded}, {@code model_not_allowed}, {@code queue_full}, {@code deadline}) and an error
 * body whose message starts with it in words.
 *
 * <p>Thread-safe (stateless).
 */
public final class SpillwayOpenAI {
  /** The request header naming the call's consumer id; never sent to a backend. */
  public static final String CONSUMER_HEADER = CallHeaders.CONSUMER;

  /**
   * The request header carrying the call's priority, {@code interactive} or {@code batch}, which
   * overrides its consumer's configured one; never sent to a backend. Any other value fails the
   * call with an {@link IllegalArgumentException}.
   */
  public static final String PRIORITY_HEADER = CallHeaders.PRIORITY;

  /**
   * The prefix of the request headers carrying the call's tags, {@code x-spillway-tag-NAME: VALUE};
   * never sent to a backend.
   */
  public static final String TAG_HEADER_PREFIX = CallHeaders.TAG_PREFIX;

  /** The host the returned options carry; every attempt replaces it with a backend's. */
  static final String PLACEHOLDER_HOST = "https://spillway.invalid";

  /** The key the returned options carry; every attempt replaces its header. */
  static final String PLACEHOLDER_KEY = "spillway-placeholder-key";

  private SpillwayOpenAI() {}

  /**
   * The Spillway headers for a consumer id and tags, for openai-java's {@code
   * putAllAdditionalHeaders} (one request) or {@code putAllHeaders} (a client's options).
   *
   * @param consumerId the consumer id, or {@code null}
   * @param tags the tags, or {@code null}
   * @return the headers
   * @throws IllegalArgumentException if a tag name is empty
   */
  public static Headers callHeaders(String consumerId, Map<String, String> tags) {
    return callHeaders(consumerId, null, tags);
  }

  /**
   * The Spillway headers for a consumer id, a priority and tags, for openai-java's {@code
   * putAllAdditionalHeaders} (one request) or {@code putAllHeaders} (a client's options).
   *
   * @param consumerId the consumer id, or {@code null}
   * @param priority the priority, or {@code null} for the consumer's
   * @param tags the tags, or {@code null}
   * @return the headers
   * @throws IllegalArgumentException if a tag name is empty
   */
  public static Headers callHeaders(
      String consumerId, Priority priority, Map<String, String> tags) {
    Headers.Builder headers = Headers.builder();
    if (consumerId != null) {
      headers.put(CONSUMER_HEADER, consumerId);
    }
    if (priority != null) {
      headers.put(PRIORITY_HEADER, priority.configName());
    }
    if (tags != null) {
      tags.forEach(
          (name, value) -> {
            if (name.isEmpty()) {
              throw new IllegalArgumentException("tag names cannot be empty");
            }
            headers.put(TAG_HEADER_PREFIX + name, Objects.requireNonNull(value, "tag value"));
          });
    }
    return headers.build();
  }

  /**
   * A client on {@code pool} that speaks the Azure v1 API ({@code /openai/v1/…}, deployment in the
   * body) over openai-java's OkHttp transport.
   *
   * @param pool the pool
   * @return a new client; close it to release its transport
   */
  public static OpenAIClient client(SpillwayPool pool) {
    return new OpenAIClientImpl(clientOptions(pool).build());
  }

  /**
   * The asynchronous twin of {@link #client(SpillwayPool)}.
   *
   * @param pool the pool
   * @return a new client; close it to release its transport
   */
  public static OpenAIClientAsync asyncClient(SpillwayPool pool) {
    return new OpenAIClientAsyncImpl(clientOptions(pool).build());
  }

  /**
   * Client options on {@code pool} for the Azure v1 API over {@link #transport()}.
   *
   * @param pool the pool
   * @return new options, one per call
   * @see #clientOptions(SpillwayPool, AzureUrlPathMode, HttpClient)
   */
  public static ClientOptions.Builder clientOptions(SpillwayPool pool) {
    return clientOptions(pool, AzureUrlPathMode.UNIFIED, transport());
  }

  /**
   * The transport the other factories use: OkHttp as openai-java's own transport sends requests,
   * one OkHttp client per backend (OkHttp lets 64 requests be in flight and queues the rest, so
   * each backend gets that limit of its own rather than the whole pool sharing one), with OkHttp's
   * recovery from a failed connection on. openai-java's {@code OkHttpClient} turns that recovery
   * off, for its own retries, which the pool turns off: over it, a keep-alive connection a backend
   * closed while it sat idle (a restart, an idle timeout, a backend that then refuses connections)
   * fails the next attempt as a broken exchange rather than a refusal, so the backend is taken out
   * for the circuit's doubling periods instead of probed every break duration / 10.
   *
   * @return a new transport, for {@link #clientOptions(SpillwayPool, AzureUrlPathMode,
   *     HttpClient)}; the client built on those options closes it
   */
  public static HttpClient transport() {
    return new PerBackendTransport(OkHttpTransport::new);
  }

  /**
   * Client options bound to {@code pool}: a placeholder https base URL for {@code pathMode}, an
   * HTTP client that runs the pool's attempts over {@code transport}, the SDK's retries off, and a
   * placeholder key whose header each attempt replaces with the chosen backend's credential. Build
   * clients with {@code new OpenAIClientImpl(options.build())} or {@code new
   * OpenAIClientAsyncImpl(…)}.
   *
   * <p>Every other option ({@code azureServiceVersion}, {@code headers}, {@code timeout}, {@code
   * jsonMapper}, {@code streamHandlerExecutor}…) remains available. Do not call {@code baseUrl},
   * {@code httpClient}, {@code credential}, {@code apiKey}, {@code azureUrlPathMode} or {@code
   * maxRetries} on it: they would take the client out of the pool.
   *
   * @param pool the pool
   * @param pathMode {@link AzureUrlPathMode#UNIFIED} for the v1 API ({@code /openai/v1/…}, the
   *     deployment in the body's {@code model}) or {@link AzureUrlPathMode#LEGACY} for {@code
   *     /openai/deployments/{deployment}/…?api-version=…}
   * @param transport the real HTTP client that sends each attempt, such as {@link #transport()};
   *     the options own it (closing the client closes it)
   * @return new options, one per call
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code pathMode} is {@link AzureUrlPathMode#AUTO}
   */
  public static ClientOptions.Builder clientOptions(
      SpillwayPool pool, AzureUrlPathMode pathMode, HttpClient transport) {
    AdapterSupport support = AdapterSupport.of(pool);
    Objects.requireNonNull(pathMode, "'pathMode' cannot be null.");
    Objects.requireNonNull(transport, "'transport' cannot be null.");
    String baseUrl =
        switch (pathMode) {
          case UNIFIED -> PLACEHOLDER_HOST + "/openai/v1";
          case LEGACY -> PLACEHOLDER_HOST;
          default ->
              throw new IllegalArgumentException(
                  "pathMode must be UNIFIED (the v1 API) or LEGACY (deployment paths), was "
                      + pathMode);
        };
    return ClientOptions.builder()
        .httpClient(new SpillwayHttpClient(support, transport))
        .baseUrl(baseUrl)
        .azureUrlPathMode(pathMode)
        .credential(AzureApiKeyCredential.create(PLACEHOLDER_KEY))
        .maxRetries(0)
        // what the SDK's retry step would set on every request, copying the whole request to do
        // so: with its retries off the count is always 0 (the pool's attempts are not its retries)
        .putHeader(SpillwayHttpClient.RETRY_COUNT_HEADER, "0");
  }
}
