package dev.spillway.simulator.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The gateway's key check: the resource's key in {@code api-key}, or else in {@code Authorization:
 * Bearer}, compared in constant time. Thread-safe (stateless).
 */
final class GatewayAuth {
  private static final String BEARER = "Bearer ";

  private GatewayAuth() {}

  static boolean authorized(HttpHeaders headers, String apiKey) {
    String presented = headers.get(Headers.API_KEY);
    if (presented == null) {
      String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
      if (authorization != null
          && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        presented = authorization.substring(BEARER.length()).trim();
      }
    }
    return presented != null
        && MessageDigest.isEqual(
            presented.getBytes(StandardCharsets.UTF_8), apiKey.getBytes(StandardCharsets.UTF_8));
  }
}
