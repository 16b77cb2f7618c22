package dev.spillway.openai.internal;

import com.openai.core.RequestOptions;
import com.openai.core.Timeout;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpRequestBody;
import dev.spillway.Backend;
import dev.spillway.Deployment;
import dev.spillway.pool.spi.AdapterSupport;
import dev.spillway.pool.spi.AuthHeader;
import dev.spillway.pool.spi.CallCapture;
import dev.spillway.pool.spi.Operation;
import dev.spillway.pool.spi.RequestBody;
import dev.spillway.pool.spi.Urls;
import dev.spillway.spi.CallRequest;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One request from openai-java, read once: its {@link Operation}, the logical model (the path's
 * deployment segment in legacy mode, the body's {@code model} for the v1 API and the stateless
 * Responses API), the body (buffered and replayed per attempt, with {@code include_usage} added to
 * a chat stream that did not ask for it) and the call's own timeout. A stateful request is pinned
 * to the home backend and its body passed through unread. Immutable once built.
 */
final class InterceptedRequest {
  /** openai-java's default timeout, equal to any timeout nobody set. */
  private static final Timeout DEFAULT_TIMEOUT = Timeout.builder().build();

  /** One of the telemetry headers openai-java sends unless its telemetry is turned off. */
  private static final String SDK_LANGUAGE_HEADER = "X-Stainless-Lang";

  /** The SDK's request without the Spillway headers: what each attempt is built from. */
  final HttpRequest original;

  final Operation operation;

  /** The consumer id and tags the request's Spillway headers named. */
  private final CallHeaders callHeaders;

  /** The logical model, or {@code null} for a call pinned to the home backend. */
  final String model;

  /** Whether each attempt writes its deployment into the body's {@code model}. */
  final boolean modelInBody;

  /** The raw path of the SDK's request, placeholder prefix included. */
  final String path;

  /** The buffered body, or {@code null} when the original passes through unread. */
  final RequestBody body;

  /** Whether the adapter added {@code stream_options.include_usage} to the body. */
  final boolean injectedUsage;

  /** The call's deadline from the SDK's request timeout, or {@code null} for the pool's. */
  final Duration timeout;

  /** What the pool reads of the responses, and the call's audit record. */
  final CallCapture capture;

  private InterceptedRequest(
      HttpRequest original,
      Operation operation,
      CallHeaders callHeaders,
      String model,
      boolean modelInBody,
      String path,
      RequestBody body,
      boolean injectedUsage,
      Duration timeout,
      CallCapture capture) {
    this.original = original;
    this.operation = operation;
    this.callHeaders = callHeaders;
    this.model = model;
    this.modelInBody = modelInBody;
    this.path = path;
    this.body = body;
    this.injectedUsage = injectedUsage;
    this.timeout = timeout;
    this.capture = capture;
  }

  static InterceptedRequest of(
      HttpRequest sdkRequest, RequestOptions options, AdapterSupport support) {
    CallHeaders callHeaders = CallHeaders.of(sdkRequest.headers());
    HttpRequest request = callHeaders.strip(sdkRequest);
    String url = request.url();
    int query = url.indexOf('?');
    String path = rawPath(url, query < 0 ? url.length() : query);
    String rawQuery = query < 0 ? null : url.substring(query + 1);
    Operation operation = Operation.of(request.method().name(), path);
    Duration timeout = callTimeout(options);
    if (operation.placement() == Operation.Placement.HOME) {
      return new InterceptedRequest(
          request,
          operation,
          callHeaders,
          null,
          false,
          path,
          null,
          false,
          timeout,
          support.capture(null));
    }
    HttpRequestBody original = request.body();
    byte[] bytes = original == null ? null : read(original);
    String contentType = original == null ? null : original.contentType();
    boolean json = contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json");
    RequestBody body = json ? RequestBody.of(bytes) : RequestBody.opaque(bytes);
    String model;
    boolean inBody;
    switch (operation.placement()) {
      case DEPLOYMENT_IN_PATH -> {
        model = operation.pathModel();
        inBody = false;
      }
      case DEPLOYMENT_IN_BODY -> {
        model = body.model();
        inBody = true;
      }
      default -> { // the Responses API: balanced only when it keeps no state
        boolean stateless = body.statelessResponse();
        inBody = operation.pathModel() == null;
        model = !stateless ? null : inBody ? body.model() : operation.pathModel();
      }
    }
    boolean inject =
        model != null
            && body.streaming()
            && !body.hasStreamOptions()
            && operation.name().equals("chat")
            && (inBody
                || RequestBody.acceptsStreamOptions(Urls.queryParameter(rawQuery, "api-version")));
    return new InterceptedRequest(
        request,
        operation,
        callHeaders,
        model,
        inBody && model != null,
        path,
        inject ? body.withIncludeUsage() : body,
        inject,
        timeout,
        support.capture(body.json() ? bytes : null));
  }

  /** Whether the call is load-balanced rather than sent to the home backend. */
  boolean balanced() {
    return model != null;
  }

  boolean streaming() {
    return body != null && body.streaming();
  }

  /**
   * The engine's view of the call; a call that is not balanced is pinned to the home backend. Its
   * consumer is the header's, else (when this is the caller's thread) the pool's resolver's.
   *
   * @param callerThread whether this is the thread that made the call: openai-java's async clients
   *     hand requests to their transport on the common pool, whose thread says nothing of the
   *     caller
   */
  CallRequest callRequest(AdapterSupport support, boolean callerThread) {
    CallRequest.Builder b =
        CallRequest.builder(operation.name(), model)
            .pinnedTo(balanced() ? null : support.homeBackend().id())
            .streaming(streaming())
            .promptTokens(body == null ? 0 : body.promptTokens())
            .maxOutputTokens(body == null ? 0 : body.maxOutputTokens())
            .returnLastResponse(true)
            .observer(capture);
    callHeaders.applyTo(b, callerThread ? support : null);
    if (timeout != null) {
      b.timeout(timeout);
    }
    return b.build();
  }

  /**
   * The request of one attempt: the route's backend and deployment (in the path or the body), the
   * backend's auth in place of the placeholder key; for a pinned call, the path unchanged on that
   * backend. A builder, so the attempt's trace headers join it before the one build.
   */
  HttpRequest.Builder attemptRequest(Backend backend, Deployment deployment, AuthHeader auth) {
    boolean pathDeployment = balanced() && !modelInBody;
    String attemptPath =
        pathDeployment ? Urls.deploymentPath(deployment.name(), operation.tail()) : path;
    HttpRequest.Builder b =
        original.toBuilder()
            .baseUrl(Urls.base(backend) + attemptPath)
            .pathSegments(List.of())
            .removeHeaders(AuthHeader.API_KEY)
            .removeHeaders(AuthHeader.AUTHORIZATION)
            .putHeader(auth.name(), auth.value());
    if (original.headers().values(SDK_LANGUAGE_HEADER).isEmpty()) {
      b.removeHeaders(SpillwayHttpClient.RETRY_COUNT_HEADER); // the SDK's telemetry is off
    }
    if (body != null && body.bytes() != null) {
      String contentType = original.body() == null ? null : original.body().contentType();
      byte[] bytes = modelInBody ? body.bytesWithModel(deployment.name()) : body.bytes();
      b.body(new BufferedBody(bytes, contentType));
    }
    return b;
  }

  /**
   * The raw path of openai-java's URL (scheme, authority, encoded path segments, query), read
   * without parsing the whole URL.
   */
  private static String rawPath(String url, int end) {
    int scheme = url.indexOf("://");
    int start = url.indexOf('/', scheme < 0 ? 0 : scheme + 3);
    return start < 0 || start >= end ? "" : url.substring(start, end);
  }

  /** The SDK's request timeout as the call's deadline, unless it is openai-java's default. */
  private static Duration callTimeout(RequestOptions options) {
    Timeout t = options == null ? null : options.getTimeout();
    if (t == null || t.equals(DEFAULT_TIMEOUT)) {
      return null;
    }
    Duration request = t.request();
    return request.isZero() || request.isNegative() ? null : request;
  }

  private static byte[] read(HttpRequestBody body) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream((int) Math.max(32, Math.min(body.contentLength(), 1 << 20)));
    try (body) {
      body.writeTo(out);
    }
    return out.toByteArray();
  }
}
