package dev.spillway.pool;

import java.util.Objects;
import org.slf4j.MDC;

/**
 * Names the consumer of a call that names none itself, on the calling thread, when an SDK adapter
 * intercepts the call. None is set by default: who a call is for is the application's to say, and
 * end-user principals are personal data. A call's own consumer id ({@code SpillwayContext} for
 * azure-ai-openai, the {@code x-spillway-consumer} header for openai-java) always wins.
 *
 * <p>Implementations must be thread-safe and fast: they run once per call.
 */
@FunctionalInterface
public interface ConsumerResolver {

  /**
   * The consumer of the call being made on this thread.
   *
   * @return the consumer id, or {@code null} for none
   */
  String resolve();

  /**
   * Reads the consumer id from the SLF4J MDC of the calling thread.
   *
   * @param key the MDC key, such as {@code tenant}
   * @return the resolver
   */
  static ConsumerResolver mdc(String key) {
    Objects.requireNonNull(key, "'key' cannot be null.");
    return () -> {
      String v = MDC.get(key);
      return v == null || v.isBlank() ? null : v;
    };
  }
}
