package dev.spillway.pool.spi;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.spillway.CallRejectedException;
import dev.spillway.RejectionReason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The HTTP answer an adapter hands its SDK when the pool sent nothing: a 429 when every route was
 * cooling, or the status of a {@link CallRejectedException}'s reason (429 for a consumer limit or a
 * priority's queue, 403 for a quota or a model the consumer may not use). The SDK's callers already
 * handle those answers. {@code Retry-After} in whole seconds (rounded up) and {@code
 * retry-after-ms} when a retry time is known, {@value #REJECTION_HEADER} naming the reason of a
 * rejection, and an Azure-style error body. Immutable.
 *
 * @param status the HTTP status
 * @param retryAfterSeconds the {@code Retry-After} value, or {@code null} when unknown
 * @param retryAfterMillis the {@code retry-after-ms} value, or {@code null} when unknown
 * @param rejection the {@value #REJECTION_HEADER} value (such as {@code consumer_limit}), or {@code
 *     null} when the pool found every route cooling
 * @param body the JSON error body
 */
public record RefusedReply(
    int status, String retryAfterSeconds, String retryAfterMillis, String rejection, byte[] body) {

  /**
   * The response header naming why the pool rejected a call: the {@link RejectionReason}'s name in
   * lower case, such as {@code consumer_limit} or {@code quota_exceeded}.
   */
  public static final String REJECTION_HEADER = "x-spillway-rejection";

  /**
   * The 429 for a call that found every route cooling until after its deadline.
   *
   * @param retryAfter when the earliest route becomes available
   * @param model the model asked for, or {@code null}
   * @return the reply
   */
  public static RefusedReply cooling(Duration retryAfter, String model) {
    long millis = Math.max(0, retryAfter.toMillis());
    String message =
        "Spillway: every route for model '"
            + (model == null ? "" : model)
            + "' is cooling down; retry after "
            + millis
            + " ms.";
    return new RefusedReply(
        429, seconds(millis), Long.toString(millis), null, body(429, null, message));
  }

  /**
   * The answer for a call the pool rejected.
   *
   * @param rejected the rejection
   * @return the reply: the reason's status, its retry time when known
   */
  public static RefusedReply rejected(CallRejectedException rejected) {
    RejectionReason reason = rejected.reason();
    Duration retryAfter = rejected.retryAfter();
    long millis = retryAfter == null ? -1 : Math.max(0, retryAfter.toMillis());
    String code = reason.name().toLowerCase(Locale.ROOT);
    return new RefusedReply(
        reason.status(),
        millis < 0 ? null : seconds(millis),
        millis < 0 ? null : Long.toString(millis),
        code,
        body(reason.status(), code, "Spillway: " + rejected.getMessage()));
  }

  /**
   * @return a copy of the body
   */
  @Override
  public byte[] body() {
    return body.clone();
  }

  private static String seconds(long millis) {
    return Long.toString((millis + 999) / 1000);
  }

  private static byte[] body(int status, String type, String message) {
    StringBuilder json = new StringBuilder("{\"error\":{\"code\":\"").append(status).append('"');
    if (type != null) {
      json.append(",\"type\":\"").append(type).append('"');
    }
    json.append(",\"message\":\"");
    JsonStringEncoder.getInstance().quoteAsString(message, json);
    return json.append("\"}}").toString().getBytes(StandardCharsets.UTF_8);
  }
}
