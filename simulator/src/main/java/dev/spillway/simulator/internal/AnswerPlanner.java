package dev.spillway.simulator.internal;

import dev.spillway.simulator.DeploymentConfig;
import dev.spillway.simulator.Faults;
import dev.spillway.simulator.LatencyModel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.random.RandomGenerator;

/**
 * Plans the answer to a checked deployment request: the prompt's tokens and the admission charge,
 * the quota's verdict (a 429 from {@link ThrottleReplies}), the faults' draws (a reset before the
 * headers, an injected error, a reset mid-body), the latency drawn from the deployment's model, and
 * the body (embeddings, a whole completion or a paced stream). Every draw comes from the
 * deployment's seeded generator in a fixed order, so one seed gives one run. Thread-safe
 * (immutable; the deployment's state is its own).
 *
 * @param core the simulator (clocks, seed, header style)
 * @param headers the resource's reply headers
 */
record AnswerPlanner(SimulatorCore core, ReplyHeaders headers) {
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /**
   * @param deployment the deployment
   * @param route the request's route
   * @param body the checked body
   * @param requestHeaders the request's headers (for the echoed client request id)
   * @param keepAlive whether the connection stays open
   * @return the plan
   */
  Plan plan(
      DeploymentRuntime deployment,
      Route route,
      RequestBody body,
      HttpHeaders requestHeaders,
      boolean keepAlive) {
    Operation operation = route.operation();
    int maxTokens = body.maxTokens();
    Tokenizer tokenizer = deployment.tokenizer();
    int promptTokens =
        operation == Operation.CHAT
            ? tokenizer.countChat(body.json().get("messages"))
            : tokenizer.countInput(body.json().get(operation.requiredField));
    long cost = operation == Operation.EMBEDDINGS ? promptTokens : (long) promptTokens + maxTokens;

    Admission admission = deployment.admit(cost);
    if (!admission.admitted()) {
      HttpHeaders throttled = headers.deployment(deployment.nextRandom(), requestHeaders);
      return Plan.Whole.now(
          ThrottleReplies.reply(throttled, core.clock(), core.retryAfterMs(), route, admission),
          keepAlive);
    }

    RandomGenerator random = deployment.nextRandom();
    DeploymentConfig config = deployment.config();
    HttpHeaders answerHeaders = headers.admitted(random, requestHeaders, config.ptu(), admission);
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
      return injectedError(answerHeaders, keepAlive, stall, exchange, faults);
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
              Embeddings.vectors(body.json(), core.seed(), config.name()),
              "base64".equals(body.json().path("encoding_format").asText()),
              promptTokens);
      return new Plan.Whole(
          new Reply(HttpResponseStatus.OK, answerHeaders, json),
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

    if (body.json().path("stream").asBoolean(false)) {
      boolean includeUsage =
          body.json().path("stream_options").path("include_usage").asBoolean(false);
      answerHeaders.set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
      return new Plan.Streamed(
          new Reply(HttpResponseStatus.OK, answerHeaders, new byte[0]),
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
        new Reply(HttpResponseStatus.OK, answerHeaders, json),
        stall + first + length * perToken,
        keepAlive,
        exchange,
        length,
        resetMidStream,
        null);
  }

  private static Plan injectedError(
      HttpHeaders headers, boolean keepAlive, long stall, Exchange exchange, Faults faults) {
    HttpResponseStatus status = HttpResponseStatus.valueOf(faults.errorStatus());
    byte[] body =
        switch (faults.errorStatus()) {
          case 500 -> FixedBodies.INTERNAL_SERVER_ERROR;
          case 503 -> FixedBodies.SERVICE_UNAVAILABLE;
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

  private static String randomId(RandomGenerator random, int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length()));
    }
    return new String(chars);
  }
}
