package dev.spillway.azure;

import com.azure.core.http.rest.RequestOptions;
import com.azure.core.util.Context;
import java.time.Duration;
import java.util.Map;

/**
 * Keys under which a call carries its Spillway settings through the azure-core {@link Context}.
 * They are recorded on the call's span and {@link dev.spillway.CallOutcome}, never on metrics.
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
 * <p>Async clients also read these keys from the Reactor subscriber context ({@code
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
