package dev.spillway.spi;

/**
 * Read access to the headers of one HTTP response, by name, ignoring case.
 *
 * <p>Adapters wrap their HTTP library's header type; the engine reads throttle hints ({@code
 * retry-after-ms}, {@code retry-after}, {@code x-ratelimit-*}, {@code policy-id}) and PTU
 * utilization through it. Implementations must be safe to read from any thread once the response is
 * handed to the engine.
 */
@FunctionalInterface
public interface ResponseHeaders {

  /** Headers with no entries. */
  ResponseHeaders NONE = name -> null;

  /**
   * Returns the value of the header, or {@code null} when absent. When a header repeats, the first
   * value.
   *
   * @param name the header name, matched ignoring case
   * @return the value or {@code null}
   */
  String get(String name);
}
