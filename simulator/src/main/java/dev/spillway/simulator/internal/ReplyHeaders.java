package dev.spillway.simulator.internal;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Clock;
import java.util.Date;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The headers of one resource's answers, as the recordings show them: gateway answers carry only
 * {@code apim-request-id} (401, recording 9) or also the region (404 DeploymentNotFound, 10);
 * deployment answers add {@code x-request-id} and the echoed client request id, and successes the
 * quota headers. Ids are drawn from the given seeded generator. Thread-safe (immutable).
 *
 * @param wallClock the clock of {@code Date}
 * @param region the region reported in {@code x-ms-region}
 */
record ReplyHeaders(Clock wallClock, String region) {

  /** {@code Content-Type: application/json} and {@code Date}. */
  HttpHeaders json() {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    headers.set(HttpHeaderNames.DATE, DateFormatter.format(Date.from(wallClock.instant())));
    return headers;
  }

  /** A gateway answer's headers; {@code withRegion} for DeploymentNotFound. */
  HttpHeaders gateway(RandomGenerator random, HttpHeaders requestHeaders, boolean withRegion) {
    HttpHeaders headers = json();
    headers.set(Headers.APIM_REQUEST_ID, uuid(random));
    if (withRegion) {
      echoClientRequestId(requestHeaders, headers);
      headers.set(Headers.REGION, region);
    }
    return headers;
  }

  /** A deployment answer's headers, before any quota header. */
  HttpHeaders deployment(RandomGenerator random, HttpHeaders requestHeaders) {
    HttpHeaders headers = json();
    headers.set(Headers.APIM_REQUEST_ID, uuid(random));
    echoClientRequestId(requestHeaders, headers);
    headers.set(Headers.REGION, region);
    headers.set(Headers.REQUEST_ID, uuid(random));
    return headers;
  }

  /** A successful answer's headers: the remaining quota, and the limits when faults reduce them. */
  HttpHeaders admitted(
      RandomGenerator random, HttpHeaders requestHeaders, boolean ptu, Admission admission) {
    HttpHeaders headers = deployment(random, requestHeaders);
    if (ptu) {
      headers.set(Headers.UTILIZATION, Headers.percent(admission.utilization()));
    } else {
      headers.set(Headers.REMAINING_REQUESTS, admission.remainingRequests());
      headers.set(Headers.REMAINING_TOKENS, admission.remainingTokens());
    }
    if (admission.limitReduced()) {
      headers.set(Headers.LIMIT_TOKENS, admission.limitTokens());
      if (!ptu) {
        headers.set(Headers.LIMIT_REQUESTS, admission.limitRequests());
      }
    }
    return headers;
  }

  private static void echoClientRequestId(HttpHeaders requestHeaders, HttpHeaders headers) {
    String clientRequestId = requestHeaders.get(Headers.CLIENT_REQUEST_ID);
    if (clientRequestId != null) {
      headers.set(Headers.CLIENT_REQUEST_ID, clientRequestId);
    }
  }

  /** A version-4 UUID from the seeded generator, so runs with one seed send the same ids. */
  static String uuid(RandomGenerator random) {
    return new UUID(
            (random.nextLong() & ~0xF000L) | 0x4000L,
            (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L)
        .toString();
  }
}
