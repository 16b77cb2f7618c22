package dev.spillway.pool.audit;

import java.util.Locale;

/** How much of a call an audit record holds. */
public enum CaptureLevel {
  /**
   * Everything but text: times, consumer, tags, model, route, attempts, status, usage and the
   * content-filter results. The default once audit records are enabled.
   */
  METADATA,

  /**
   * {@link #METADATA} plus the request (messages with roles, prompt or embedding input, tools,
   * parameters) and the response (each choice's content, tool calls and finish reason; a stream
   * reassembled into the same shape), each text field capped.
   */
  FULL;

  /**
   * @return the name in configuration: {@code metadata} or {@code full}
   */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a configured level.
   *
   * @param name {@code metadata} or {@code full}, any case
   * @return the level
   * @throws IllegalArgumentException naming the accepted values when {@code name} is neither
   */
  public static CaptureLevel of(String name) {
    for (CaptureLevel level : values()) {
      if (level.configName().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return level;
      }
    }
    throw new IllegalArgumentException("capture must be 'metadata' or 'full', was '" + name + "'");
  }
}
