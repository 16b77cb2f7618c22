package dev.spillway.azure.internal;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import dev.spillway.Backend;
import dev.spillway.Deployment;
import dev.spillway.Priority;
import dev.spillway.azure.SpillwayContext;
import dev.spillway.pool.spi.AdapterSupport;
import dev.spillway.pool.spi.CallCapture;
import dev.spillway.pool.spi.Operation;
import dev.spillway.pool.spi.RequestBody;
import dev.spillway.pool.spi.Urls;
import dev.spillway.spi.CallRequest;
import java.net.URL;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One request from the SDK's pipeline, read once: its {@link Operation} (the logical model is the
 * deployment segment of {@code /openai/deployments/{model}/…}), the body (buffered, replayed per
 * attempt, with {@code include_usage} added when the adapter asks for stream usage) and the call
 * settings from the context. Immutable once built.
 *
 * <p>azure-ai-openai sends balanced operations on deployment paths only; any other request (files,
 * batches, assistants, and v1 paths, which this SDK does not build) is pinned to the home backend.
 */
final class InterceptedCall {

  final HttpRequest original;

  /** What the request asks for. */
  final Operation operation;

  /** The logical model, or {@code null} for a call pinned to the home backend. */
  final String model;

  /**
   * The path after the deployment segment (such as {@code /chat/completions}), or the whole path.
   */
  final String tail;

  final String rawQuery;

  /**
   * The body to send (with {@code include_usage} when injected) and what the engine reads of it.
   */
  final RequestBody body;

  /** Whether the adapter added {@code stream_options.include_usage} to the body. */
  final boolean injectedUsage;

  /** What the pool reads of the responses, and the call's audit record. */
  final CallCapture capture;

  private final Context context;

  private InterceptedCall(
      HttpRequest original,
      Context context,
      Operation operation,
      String model,
      String tail,
      String rawQuery,
      RequestBody body,
      boolean injectedUsage,
      CallCapture capture) {
    this.original = original;
    this.context = context;
    this.operation = operation;
    this.model = model;
    this.tail = tail;
    this.rawQuery = rawQuery;
    this.body = body;
    this.injectedUsage = injectedUsage;
    this.capture = capture;
  }

  static InterceptedCall of(HttpRequest request, Context context, AdapterSupport support) {
    URL url = request.getUrl();
    String path = url.getPath();
    String query = url.getQuery();
    BinaryData data = request.getBodyAsBinaryData();
    byte[] bytes = data == null ? null : data.toBytes();
    Operation operation = Operation.of(request.getHttpMethod().name(), path);
    if (operation.placement() != Operation.Placement.DEPLOYMENT_IN_PATH) {
      return new InterceptedCall(
          request,
          context,
          operation,
          null,
          path,
          query,
          RequestBody.opaque(bytes),
          false,
          support.capture(null));
    }
    String model = operation.pathModel();
    String tail = operation.tail();
    String contentType = request.getHeaders().getValue(HttpHeaderName.CONTENT_TYPE);
    boolean json = contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json");
    RequestBody body = json ? RequestBody.of(bytes) : RequestBody.opaque(bytes);
    boolean inject =
        body.streaming()
            && !body.hasStreamOptions()
            && tail.equals("/chat/completions")
            && RequestBody.acceptsStreamOptions(Urls.queryParameter(query, "api-version"));
    return new InterceptedCall(
        request,
        context,
        operation,
        model,
        tail,
        query,
        inject ? body.withIncludeUsage() : body,
        inject,
        support.capture(body.json() ? bytes : null));
  }

  /** Whether the call is load-balanced (a deployment path) rather than sent to the home backend. */
  boolean balanced() {
    return model != null;
  }

  /**
   * The engine's view of the call; a call that is not balanced is pinned to the home backend. Its
   * consumer is the context's, else the pool's resolver's on this thread.
   *
   * @throws IllegalArgumentException if the context's priority is a string that names none
   */
  CallRequest callRequest(AdapterSupport support) {
    CallRequest.Builder b =
        CallRequest.builder(operation.name(), model)
            .pinnedTo(balanced() ? null : support.homeBackend().id())
            .streaming(body.streaming())
            .promptTokens(body.promptTokens())
            .maxOutputTokens(body.maxOutputTokens())
            .returnLastResponse(true)
            .observer(capture);
    String consumerId =
        support.consumerId(
            (String)
                context
                    .getData(SpillwayContext.CONSUMER_ID)
                    .filter(String.class::isInstance)
                    .orElse(null));
    if (consumerId != null) {
      b.consumerId(consumerId);
    }
    Priority priority = priority(context.getData(SpillwayContext.PRIORITY).orElse(null));
    if (priority != null) {
      b.priority(priority);
    }
    context
        .getData(SpillwayContext.TAGS)
        .filter(Map.class::isInstance)
        .ifPresent(
            tags ->
                ((Map<?, ?>) tags)
                    .forEach(
                        (k, v) -> {
                          if (k instanceof String && v instanceof String) {
                            b.tag((String) k, (String) v);
                          }
                        }));
    context
        .getData(SpillwayContext.TIMEOUT)
        .filter(Duration.class::isInstance)
        .map(Duration.class::cast)
        .filter(t -> !t.isNegative() && !t.isZero())
        .ifPresent(b::timeout);
    return b.build();
  }

  private static Priority priority(Object value) {
    if (value instanceof Priority p) {
      return p;
    }
    if (value instanceof String name) {
      try {
        return Priority.of(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "SpillwayContext.PRIORITY ('" + SpillwayContext.PRIORITY + "'): " + e.getMessage(), e);
      }
    }
    return null;
  }

  /**
   * The request of one attempt: the route's backend and deployment, the buffered body; for a pinned
   * call, the path unchanged on that backend. Its URL comes from {@code urls}.
   */
  HttpRequest attemptRequest(Backend backend, Deployment deployment, AttemptUrls urls) {
    String pathUrl =
        Urls.base(backend) + (balanced() ? Urls.deploymentPath(deployment.name(), tail) : tail);
    HttpHeaders headers = new HttpHeaders(original.getHeaders());
    headers.remove(AzureAuth.API_KEY);
    headers.remove(HttpHeaderName.AUTHORIZATION);
    byte[] bytes = body.bytes();
    return new HttpRequest(
        original.getHttpMethod(),
        urls.of(rawQuery == null ? pathUrl : pathUrl + "?" + rawQuery),
        headers,
        bytes == null ? null : BinaryData.fromBytes(bytes));
  }
}
