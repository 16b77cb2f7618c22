package dev.spillway.azure;

import com.azure.core.http.rest.RequestOptions;
import com.azure.core.util.Context;
import dev.spillway.Priority;
import java.time.Duration;
import java.util.Map;

/**
 * Keys under which a call carries its Spillway settings through the azure-core {@link Context}. The
 * consumer id and tags are recorded on the call's span and {@link dev.spillway.CallOutcome}; on
 * metrics only the ids of consumers declared in configuration appear.
 *
 * <pre>{@code
 * RequestOptions options = SpillwayContext.requestOptions("billing-service", Map.of("team", "a"));
 * client.getChatCompletionsWithResponse("gpt-4o", chatOptions, options);
 *
 * // or, adding to a context you already have:
 * Context context = new Context(SpillwayContext.CONSUMER_ID, "billing-service")
 *     .addData(SpillwayContext.TIMEOUT, Duration.ofSeconds(20));
 * }</pre>
 *
 * <p>A call with no consumer id of its own gets the pool's {@code ConsumerResolver}'s answer, if
 * one is set. Async clients also read these keys from the Reactor subscriber context ({@code
 * contextWrite(Context.of(SpillwayContext.CONSUMER_ID, "billing-service"))}). Values of the wrong
 * type are ignored. Thread-safe (constants and pure functions).
 */
public final class SpillwayContext {
  /** The consumer id of the call, a {@link String}. */
  public static final String CONSUMER_ID = "spillway.consumer-id";

  /** Tags of the call, a {@code Map<String, String>}. */
  public static final String TAGS = "spillway.tags";

  /** The call's deadline, a {@link Duration} replacing the pool's {@code timeout} for this call. */
  public static final String TIMEOUT = "spillway.timeout";

  /**
   * The call's priority, a {@link Priority} (or its configured name, {@code "interactive"} or
   * {@code "batch"}), overriding its consumer's configured one. A string that names neither fails
   * the call with an {@link IllegalArgumentException}.
   */
  public static final String PRIORITY = "spillway.priority";

  private SpillwayContext() {}

  /**
   * A context carrying a consumer id and tags.
   *
   * @param consumerId the consumer id, or {@code null}
   * @param tags the tags, or {@code null}
   * @return the context
   */
  public static Context context(String consumerId, Map<String, String> tags) {
    Context context = Context.NONE;
    if (consumerId != null) {
      context = context.addData(CONSUMER_ID, consumerId);
    }
    if (tags != null && !tags.isEmpty()) {
      context = context.addData(TAGS, Map.copyOf(tags));
    }
    return context;
  }

  /**
   * A context carrying a consumer id, a priority and tags.
   *
   * @param consumerId the consumer id, or {@code null}
   * @param priority the priority, or {@code null} for the consumer's
   * @param tags the tags, or {@code null}
   * @return the context
   */
  public static Context context(String consumerId, Priority priority, Map<String, String> tags) {
    Context context = context(consumerId, tags);
    return priority == null ? context : context.addData(PRIORITY, priority);
  }

  /**
   * Request options carrying a consumer id, a priority and tags, for the SDK's {@code
   * …WithResponse} methods.
   *
   * @param consumerId the consumer id, or {@code null}
   * @param priority the priority, or {@code null} for the consumer's
   * @param tags the tags, or {@code null}
   * @return new request options
   */
  public static RequestOptions requestOptions(
      String consumerId, Priority priority, Map<String, String> tags) {
    return new RequestOptions().setContext(context(consumerId, priority, tags));
  }

  /**
   * Request options carrying a consumer id and tags, for the SDK's {@code …WithResponse} methods.
   *
   * @param consumerId the consumer id, or {@code null}
   * @param tags the tags, or {@code null}
   * @return new request options
   */
  public static RequestOptions requestOptions(String consumerId, Map<String, String> tags) {
    return new RequestOptions().setContext(context(consumerId, tags));
  }
}
