package dev.spillway.simulator.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The 429 of a refused admission, with the headers of its kind: a PTU deployment over 100 %
 * utilization ({@code retry-after-ms}, lower-case {@code retry-after}, utilization), a standard
 * deployment over its token limit ({@code policy-id: DeploymentRatelimit-Token}, recording 11) or
 * over its call limit ({@code DeploymentRatelimit-Call}). Hints are in real time, whole seconds
 * rounded up. Thread-safe (stateless).
 */
final class ThrottleReplies {
  private ThrottleReplies() {}

  /**
   * @param headers the deployment answer's headers, to add to
   * @param clock the time scale
   * @param retryAfterMs whether standard 429s also carry {@code retry-after-ms}
   * @param route the refused request's route
   * @param admission the refusal
   * @return the 429
   */
  static Reply reply(
      HttpHeaders headers, SimClock clock, boolean retryAfterMs, Route route, Admission admission) {
    long seconds = clock.toRealSecondsCeil(admission.retryAfterSimNanos());
    long millis = clock.toRealMillisCeil(admission.retryAfterSimNanos());
    String operation = route.operation().azureName;
    byte[] body;
    switch (admission.limit()) {
      case UTILIZATION -> {
        headers.set(Headers.RETRY_AFTER_MS, millis);
        headers.set(Headers.RETRY_AFTER_LOWER, seconds);
        headers.set(Headers.UTILIZATION, Headers.percent(admission.utilization()));
        body = AzureBodies.ptuRateLimited(operation, route.apiVersion(), millis);
      }
      case TOKENS -> {
        headers.set(Headers.POLICY_ID, "DeploymentRatelimit-Token");
        headers.set(HttpHeaderNames.RETRY_AFTER, seconds);
        headers.set(Headers.LIMIT_REQUESTS, admission.limitRequests());
        headers.set(Headers.LIMIT_TOKENS, admission.limitTokens());
        headers.set(Headers.REMAINING_REQUESTS, admission.remainingRequests());
        headers.set(Headers.RESET_TOKENS, seconds);
        body = AzureBodies.rateLimited(operation, route.apiVersion(), true, seconds);
      }
      default -> {
        headers.set(Headers.POLICY_ID, "DeploymentRatelimit-Call");
        headers.set(HttpHeaderNames.RETRY_AFTER, seconds);
        headers.set(Headers.LIMIT_REQUESTS, admission.limitRequests());
        headers.set(Headers.RESET_REQUESTS, seconds);
        body = AzureBodies.rateLimited(operation, route.apiVersion(), false, seconds);
      }
    }
    if (retryAfterMs && admission.limit() != Admission.Limit.UTILIZATION) {
      headers.set(Headers.RETRY_AFTER_MS, millis);
    }
    return new Reply(HttpResponseStatus.TOO_MANY_REQUESTS, headers, body);
  }
}
