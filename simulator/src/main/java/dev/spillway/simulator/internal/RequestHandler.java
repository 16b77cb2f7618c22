package dev.spillway.simulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spillway.simulator.DeploymentConfig;
import dev.spillway.simulator.Faults;
import dev.spillway.simulator.LatencyModel;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests of one connection, in order: the gateway checks (key, path, api-version,
 * deployment), the body checks, the quota, the faults, then the answer, paced by the latency model.
 * A response that is still being paced holds back the next pipelined request. Not thread-safe: one
 * instance per connection, confined to its event loop.
 */
final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern DEPLOYMENT_PATH =
      Pattern.compile("^/openai/deployments/([^/]+)/(chat/completions|completions|embeddings)/?$");
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** Largest {@code max_tokens} accepted; it bounds the work of one answer. */
  static final int MAX_OUTPUT_TOKENS = 100_000;

  private static final int DEFAULT_EMBEDDING_DIMENSIONS = 1536;
  private static final int MAX_EMBEDDING_DIMENSIONS = 3072;

  static final String UNAUTHORIZED_MESSAGE =
      "Access denied due to invalid subscription key or wrong API endpoint."
          + " Make sure to provide a valid key for an active subscription and use a correct regional API endpoint"
          + " for your resource.";
  static final String DEPLOYMENT_NOT_FOUND_MESSAGE =
      "The API deployment for this resource does not exist. If you"
          + " created the deployment within the last 5 minutes, please wait a moment and try again.";
  static final String INVALID_JSON_MESSAGE =
      "We could not parse the JSON body of your request. (HINT: This likely"
          + " means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what"
          + " was sent was not valid JSON.)";

  private final ResourceServer resource;
  private final SimulatorCore core;
  private final ArrayDeque<Plan> waiting = new ArrayDeque<>();
  private Plan current;

  RequestHandler(ResourceServer resource, SimulatorCore core) {
    super(FullHttpRequest.class, true);
    this.resource = resource;
    this.core = core;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    Plan plan;
    try {
      plan = answer(request, keepAlive);
    } catch (RuntimeException e) {
      LOG.warn(
          "resource '{}': cannot answer {} {}",
          resource.config().id(),
          request.method(),
          request.uri(),
          e);
      plan =
          Plan.Whole.now(
              new Reply(
                  HttpResponseStatus.INTERNAL_SERVER_ERROR,
                  jsonHeaders(),
                  AzureBodies.error("InternalServerError", "The simulator failed: " + e)),
              false);
    }
    if (current == null) {
      run(ctx, plan);
    } else {
      waiting.add(plan);
    }
  }

  private void run(ChannelHandlerContext ctx, Plan plan) {
    current = plan;
    plan.start(
        ctx,
        () -> {
          current = null;
          Plan next = waiting.poll();
          if (next != null) {
            run(ctx, next);
          }
        });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (current != null) {
      current.abandon();
      current = null;
    }
    for (Plan plan = waiting.poll(); plan != null; plan = waiting.poll()) {
      plan.abandon();
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("resource '{}': connection error, closing it", resource.config().id(), cause);
    ctx.close();
  }

  private Plan answer(FullHttpRequest request, boolean keepAlive) {
    if (!request.decoderResult().isSuccess()) {
      return Plan.Whole.now(
          new Reply(
              HttpResponseStatus.BAD_REQUEST,
              jsonHeaders(),
              AzureBodies.error("BadRequest", "The request is not valid HTTP.")),
          false);
    }
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    if (uri.path().startsWith(ControlApi.PREFIX)) {
      return core.control().answer(request, uri, keepAlive);
    }
    if (!authorized(request.headers())) {
      return Plan.Whole.now(
          gatewayReply(
              HttpResponseStatus.UNAUTHORIZED,
              false,
              request.headers(),
              AzureBodies.error("401", UNAUTHORIZED_MESSAGE)),
          keepAlive);
    }
    Matcher path = DEPLOYMENT_PATH.matcher(uri.path());
    List<String> apiVersions = uri.parameters().get("api-version");
    String apiVersion = apiVersions == null || apiVersions.isEmpty() ? "" : apiVersions.get(0);
    if (!path.matches() || !HttpMethod.POST.equals(request.method()) || apiVersion.isBlank()) {
      return Plan.Whole.now(
          gatewayReply(
              HttpResponseStatus.NOT_FOUND,
              false,
              request.headers(),
              AzureBodies.error("404", "Resource not found")),
          keepAlive);
    }
    DeploymentRuntime deployment =
        resource.deployments().get(QueryStringDecoder.decodeComponent(path.group(1)));
    if (deployment == null) {
      return Plan.Whole.now(
          gatewayReply(
              HttpResponseStatus.NOT_FOUND,
              true,
              request.headers(),
              AzureBodies.deploymentNotFound(DEPLOYMENT_NOT_FOUND_MESSAGE)),
          keepAlive);
    }
    deployment.onRequest();
    Operation operation = Operation.of(path.group(2));
    return answerDeployment(request, keepAlive, deployment, operation, apiVersion);
  }

  private Plan answerDeployment(
      FullHttpRequest request,
      boolean keepAlive,
      DeploymentRuntime deployment,
      Operation operation,
      String apiVersion) {
    HttpHeaders requestHeaders = request.headers();
    JsonNode body;
    try {
      body = MAPPER.readTree(new ByteBufInputStream(request.content()));
    } catch (IOException e) {
      body = null;
    }
    if (body == null || !body.isObject()) {
      deployment.onRejected();
      return badRequest(
          deployment,
          requestHeaders,
          keepAlive,
          AzureBodies.invalidRequest(INVALID_JSON_MESSAGE, null));
    }
    String problem = operation.validate(body);
    if (problem != null) {
      deployment.onRejected();
      return badRequest(
          deployment,
          requestHeaders,
          keepAlive,
          AzureBodies.invalidRequest(problem, operation.requiredField));
    }
    JsonNode maxTokensField =
        body.hasNonNull("max_completion_tokens")
            ? body.get("max_completion_tokens")
            : body.get("max_tokens");
    int maxTokens = DeploymentConfig.DEFAULT_MAX_TOKENS;
    if (maxTokensField != null && !maxTokensField.isNull()) {
      if (!maxTokensField.canConvertToInt()
          || !maxTokensField.isIntegralNumber()
          || maxTokensField.intValue() < 1
          || maxTokensField.intValue() > MAX_OUTPUT_TOKENS) {
        deployment.onRejected();
        return badRequest(
            deployment,
            requestHeaders,
            keepAlive,
            AzureBodies.invalidRequest(
                "Invalid 'max_tokens': integer between 1 and "
                    + MAX_OUTPUT_TOKENS
                    + " expected, got "
                    + maxTokensField
                    + ".",
                "max_tokens"));
      }
      maxTokens = maxTokensField.intValue();
    }

    Tokenizer tokenizer = deployment.tokenizer();
    int promptTokens =
        operation == Operation.CHAT
            ? tokenizer.countChat(body.get("messages"))
            : tokenizer.countInput(body.get(operation.requiredField));
    long cost = operation == Operation.EMBEDDINGS ? promptTokens : (long) promptTokens + maxTokens;

    Admission admission = deployment.admit(cost);
    if (!admission.admitted()) {
      return throttled(deployment, requestHeaders, keepAlive, operation, apiVersion, admission);
    }

    RandomGenerator random = deployment.nextRandom();
    HttpHeaders headers = deploymentHeaders(random, requestHeaders, deployment, admission);
    DeploymentConfig config = deployment.config();
    Faults faults = deployment.faults();
    double resetDraw = random.nextDouble();
    double errorDraw = random.nextDouble();
    double midStreamDraw = random.nextDouble();
    Exchange exchange = new Exchange(deployment, cost, promptTokens);
    long stall = faults.stall().toNanos();
    if (resetDraw < faults.resetBeforeHeadersRate()) {
      return new Plan.ResetBeforeHeaders(stall, exchange);
    }
    if (errorDraw < faults.errorRate()) {
      return injectedError(headers, keepAlive, stall, exchange, faults);
    }
    boolean resetMidStream = midStreamDraw < faults.resetMidStreamRate();

    double multiplier = config.latencyMultiplier() * faults.latencyMultiplier();
    LatencyModel latency = config.latency();
    double firstSim =
        latency.timeToFirstTokenMedian().toNanos()
            * Math.exp(latency.timeToFirstTokenSigma() * random.nextGaussian())
            * multiplier;
    long first = core.clock().toRealNanos((long) firstSim);
    long perToken =
        core.clock().toRealNanos((long) (latency.timePerOutputToken().toNanos() * multiplier));

    if (operation == Operation.EMBEDDINGS) {
      byte[] json =
          AzureBodies.embeddings(
              config.model(),
              embeddings(body, deployment),
              "base64".equals(body.path("encoding_format").asText()),
              promptTokens);
      return new Plan.Whole(
          new Reply(HttpResponseStatus.OK, headers, json),
          stall + first,
          keepAlive,
          exchange,
          0,
          resetMidStream,
          null);
    }

    int fewest = Math.min(config.minOutputTokens(), maxTokens);
    int length = fewest + random.nextInt(maxTokens - fewest + 1);
    String id = (operation == Operation.CHAT ? "chatcmpl-" : "cmpl-") + randomId(random, 29);
    AzureBodies.Answer answer =
        new AzureBodies.Answer(
            id,
            core.wallClock().instant().getEpochSecond(),
            config.model(),
            deployment.systemFingerprint(),
            TextGenerator.tokens(random, length),
            promptTokens,
            maxTokens);

    if (body.path("stream").asBoolean(false)) {
      boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
      headers.set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
      return new Plan.Streamed(
          new Reply(HttpResponseStatus.OK, headers, new byte[0]),
          new AzureBodies.Stream(answer, operation == Operation.CHAT, includeUsage),
          stall + first,
          perToken,
          keepAlive,
          exchange,
          resetMidStream);
    }
    byte[] json =
        operation == Operation.CHAT
            ? AzureBodies.chatCompletion(answer)
            : AzureBodies.completion(answer);
    return new Plan.Whole(
        new Reply(HttpResponseStatus.OK, headers, json),
        stall + first + length * perToken,
        keepAlive,
        exchange,
        length,
        resetMidStream,
        null);
  }

  private Plan throttled(
      DeploymentRuntime deployment,
      HttpHeaders requestHeaders,
      boolean keepAlive,
      Operation operation,
      String apiVersion,
      Admission admission) {
    RandomGenerator random = deployment.nextRandom();
    HttpHeaders headers = commonHeaders(random, requestHeaders);
    SimClock clock = core.clock();
    long seconds = clock.toRealSecondsCeil(admission.retryAfterSimNanos());
    long millis = clock.toRealMillisCeil(admission.retryAfterSimNanos());
    byte[] body;
    switch (admission.limit()) {
      case UTILIZATION -> {
        headers.set(Headers.RETRY_AFTER_MS, millis);
        headers.set(Headers.RETRY_AFTER_LOWER, seconds);
        headers.set(Headers.UTILIZATION, Headers.percent(admission.utilization()));
        body = AzureBodies.ptuRateLimited(operation.azureName, apiVersion, millis);
      }
      case TOKENS -> {
        headers.set(Headers.POLICY_ID, "DeploymentRatelimit-Token");
        headers.set(HttpHeaderNames.RETRY_AFTER, seconds);
        headers.set(Headers.LIMIT_REQUESTS, admission.limitRequests());
        headers.set(Headers.LIMIT_TOKENS, admission.limitTokens());
        headers.set(Headers.REMAINING_REQUESTS, admission.remainingRequests());
        headers.set(Headers.RESET_TOKENS, seconds);
        body = AzureBodies.rateLimited(operation.azureName, apiVersion, true, seconds);
      }
      default -> {
        headers.set(Headers.POLICY_ID, "DeploymentRatelimit-Call");
        headers.set(HttpHeaderNames.RETRY_AFTER, seconds);
        headers.set(Headers.LIMIT_REQUESTS, admission.limitRequests());
        headers.set(Headers.RESET_REQUESTS, seconds);
        body = AzureBodies.rateLimited(operation.azureName, apiVersion, false, seconds);
      }
    }
    if (core.retryAfterMs() && admission.limit() != Admission.Limit.UTILIZATION) {
      headers.set(Headers.RETRY_AFTER_MS, millis);
    }
    return Plan.Whole.now(
        new Reply(HttpResponseStatus.TOO_MANY_REQUESTS, headers, body), keepAlive);
  }

  private Plan injectedError(
      HttpHeaders headers, boolean keepAlive, long stall, Exchange exchange, Faults faults) {
    HttpResponseStatus status = HttpResponseStatus.valueOf(faults.errorStatus());
    byte[] body =
        switch (faults.errorStatus()) {
          case 500 ->
              AzureBodies.error(
                  "InternalServerError",
                  "The server had an error while processing your request. Sorry about that!");
          case 503 ->
              AzureBodies.error(
                  "ServiceUnavailable",
                  "The service is temporarily unable to process your request. Please try again later.");
          default ->
              AzureBodies.error(Integer.toString(faults.errorStatus()), status.reasonPhrase());
        };
    if (!faults.errorRetryAfter().isZero()) {
      long millis = Math.max(1, faults.errorRetryAfter().toMillis());
      headers.set(HttpHeaderNames.RETRY_AFTER, (millis + 999) / 1000);
      headers.set(Headers.RETRY_AFTER_MS, millis);
    }
    exchange.fail(0);
    return new Plan.Whole(new Reply(status, headers, body), stall, keepAlive, null, 0, false, null);
  }

  private Plan badRequest(
      DeploymentRuntime deployment, HttpHeaders requestHeaders, boolean keepAlive, byte[] body) {
    HttpHeaders headers = commonHeaders(deployment.nextRandom(), requestHeaders);
    return Plan.Whole.now(new Reply(HttpResponseStatus.BAD_REQUEST, headers, body), keepAlive);
  }

  private float[][] embeddings(JsonNode body, DeploymentRuntime deployment) {
    JsonNode input = body.get("input");
    int dimensions = body.path("dimensions").asInt(DEFAULT_EMBEDDING_DIMENSIONS);
    if (dimensions < 1 || dimensions > MAX_EMBEDDING_DIMENSIONS) {
      dimensions = DEFAULT_EMBEDDING_DIMENSIONS;
    }
    List<JsonNode> items =
        input.isArray() && !input.isEmpty() && !input.get(0).isNumber()
            ? toList(input)
            : List.of(input);
    float[][] vectors = new float[items.size()][];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] =
          unitVector(
              new SplittableRandom(
                  DeploymentRuntime.mix(
                      core.seed()
                          ^ deployment.config().name().hashCode()
                          ^ ((long) items.get(i).toString().hashCode() << 32))),
              dimensions);
    }
    return vectors;
  }

  private static List<JsonNode> toList(JsonNode array) {
    ArrayList<JsonNode> list = new ArrayList<>(array.size());
    array.forEach(list::add);
    return list;
  }

  private static float[] unitVector(RandomGenerator random, int dimensions) {
    float[] v = new float[dimensions];
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      double x = random.nextGaussian();
      v[i] = (float) x;
      norm += x * x;
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dimensions; i++) {
      v[i] *= scale;
    }
    return v;
  }

  private boolean authorized(HttpHeaders headers) {
    String presented = headers.get(Headers.API_KEY);
    if (presented == null) {
      String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
      if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        presented = authorization.substring(7).trim();
      }
    }
    return presented != null
        && MessageDigest.isEqual(
            presented.getBytes(StandardCharsets.UTF_8),
            resource.config().apiKey().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * 401 carries only {@code apim-request-id} (recording 9); 404 DeploymentNotFound adds the region
   * (10).
   */
  private Reply gatewayReply(
      HttpResponseStatus status, boolean withRegion, HttpHeaders requestHeaders, byte[] body) {
    RandomGenerator random = resource.nextGatewayRandom();
    HttpHeaders headers = jsonHeaders();
    headers.set(Headers.APIM_REQUEST_ID, uuid(random));
    if (withRegion) {
      echoClientRequestId(requestHeaders, headers);
      headers.set(Headers.REGION, resource.config().region());
    }
    return new Reply(status, headers, body);
  }

  private HttpHeaders commonHeaders(RandomGenerator random, HttpHeaders requestHeaders) {
    HttpHeaders headers = jsonHeaders();
    headers.set(Headers.APIM_REQUEST_ID, uuid(random));
    echoClientRequestId(requestHeaders, headers);
    headers.set(Headers.REGION, resource.config().region());
    headers.set(Headers.REQUEST_ID, uuid(random));
    return headers;
  }

  private HttpHeaders deploymentHeaders(
      RandomGenerator random,
      HttpHeaders requestHeaders,
      DeploymentRuntime deployment,
      Admission admission) {
    HttpHeaders headers = commonHeaders(random, requestHeaders);
    if (deployment.config().ptu()) {
      headers.set(Headers.UTILIZATION, Headers.percent(admission.utilization()));
    } else {
      headers.set(Headers.REMAINING_REQUESTS, admission.remainingRequests());
      headers.set(Headers.REMAINING_TOKENS, admission.remainingTokens());
    }
    if (admission.limitReduced()) {
      headers.set(Headers.LIMIT_TOKENS, admission.limitTokens());
      if (!deployment.config().ptu()) {
        headers.set(Headers.LIMIT_REQUESTS, admission.limitRequests());
      }
    }
    return headers;
  }

  private HttpHeaders jsonHeaders() {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    headers.set(HttpHeaderNames.DATE, DateFormatter.format(Date.from(core.wallClock().instant())));
    return headers;
  }

  private static void echoClientRequestId(HttpHeaders requestHeaders, HttpHeaders headers) {
    String clientRequestId = requestHeaders.get(Headers.CLIENT_REQUEST_ID);
    if (clientRequestId != null) {
      headers.set(Headers.CLIENT_REQUEST_ID, clientRequestId);
    }
  }

  private static String uuid(RandomGenerator random) {
    return new UUID(
            (random.nextLong() & ~0xF000L) | 0x4000L,
            (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L)
        .toString();
  }

  private static String randomId(RandomGenerator random, int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length()));
    }
    return new String(chars);
  }

  /**
   * Answers an oversized body with 413 (assumed shape: no recording exists). A keep-alive
   * connection stays open while the aggregator discards the rest of the body, so the client can
   * read the answer; others close.
   */
  static void tooLarge(ChannelHandlerContext ctx, HttpMessage oversized) {
    byte[] body =
        AzureBodies.error(
            "RequestEntityTooLarge",
            "The request body is larger than the limit of "
                + ResourceServer.MAX_BODY_BYTES
                + " bytes.");
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    boolean keepAlive =
        HttpUtil.isKeepAlive(oversized) && !HttpUtil.is100ContinueExpected(oversized);
    if (keepAlive) {
      ctx.writeAndFlush(response);
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** The three deployment operations, their Azure operation names and required fields. */
  enum Operation {
    CHAT("ChatCompletions_Create", "messages"),
    COMPLETIONS("Completions_Create", "prompt"),
    EMBEDDINGS("Embeddings_Create", "input");

    final String azureName;
    final String requiredField;

    Operation(String azureName, String requiredField) {
      this.azureName = azureName;
      this.requiredField = requiredField;
    }

    static Operation of(String path) {
      return switch (path) {
        case "chat/completions" -> CHAT;
        case "completions" -> COMPLETIONS;
        default -> EMBEDDINGS;
      };
    }

    /**
     * @return why the body is invalid, or null
     */
    String validate(JsonNode body) {
      JsonNode field = body.get(requiredField);
      if (field == null || field.isNull()) {
        return "'" + requiredField + "' is a required property";
      }
      boolean valid =
          this == CHAT
              ? field.isArray() && !field.isEmpty()
              : field.isTextual() || (field.isArray() && !field.isEmpty());
      if (!valid) {
        return "Invalid value for '"
            + requiredField
            + "': expected "
            + (this == CHAT ? "a non-empty array of messages." : "a string or a non-empty array.");
      }
      if (this == CHAT) {
        for (JsonNode message : field) {
          if (!message.isObject() || !message.path("role").isTextual()) {
            return "Invalid value for 'messages': each message must be an object with a 'role'.";
          }
        }
      }
      return null;
    }
  }
}
