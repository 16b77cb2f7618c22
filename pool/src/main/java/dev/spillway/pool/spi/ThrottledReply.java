package dev.spillway.pool.spi;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The HTTP 429 an adapter hands its SDK when every route was cooling and nothing was sent: the
 * SDK's callers already handle that answer. {@code Retry-After} in whole seconds (rounded up),
 * {@code retry-after-ms}, and an Azure-style error body. Immutable.
 *
 * @param retryAfterSeconds the {@code Retry-After} value
 * @param retryAfterMillis the {@code retry-after-ms} value
 * @param body the JSON error body
 */
public record ThrottledReply(String retryAfterSeconds, String retryAfterMillis, byte[] body) {
  /** The status. */
  public static final int STATUS = 429;

  /**
   * The reply for a call.
   *
   * @param retryAfter when the earliest route becomes available
   * @param model the model asked for, or {@code null}
   * @return the reply
   */
  public static ThrottledReply of(Duration retryAfter, String model) {
    long millis = Math.max(0, retryAfter.toMillis());
    String message =
        "Spillway: every route for model '"
            + jsonSafe(model == null ? "" : model)
            + "' is cooling down; retry after "
            + millis
            + " ms.";
    return new ThrottledReply(
        Long.toString((millis + 999) / 1000),
        Long.toString(millis),
        ("{\"error\":{\"code\":\"429\",\"message\":\"" + message + "\"}}")
            .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @return a copy of the body
   */
  @Override
  public byte[] body() {
    return body.clone();
  }

  private static String jsonSafe(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c >= 0x20 && c != '"' && c != '\\') {
        out.append(c);
      }
    }
    return out.toString();
  }
}
