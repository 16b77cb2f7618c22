package dev.spillway.openai.internal;

import com.openai.core.http.Headers;
import com.openai.core.http.HttpRequest;
import dev.spillway.Priority;
import dev.spillway.pool.spi.AdapterSupport;
import dev.spillway.spi.CallRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The call's consumer id, priority and tags, read from the Spillway headers of openai-java's
 * request ({@code x-spillway-consumer}, {@code x-spillway-priority}, {@code x-spillway-tag-NAME}),
 * which never leave the process: {@link #strip} removes them before any attempt is built.
 * Immutable.
 */
public final class CallHeaders {
  /** The consumer header's name. */
  public static final String CONSUMER = "x-spillway-consumer";

  /** The priority header's name. */
  public static final String PRIORITY = "x-spillway-priority";

  /** The prefix of the tag headers' names. */
  public static final String TAG_PREFIX = "x-spillway-tag-";

  /** What every Spillway header's name starts with. */
  private static final String COMMON_PREFIX = "x-spillway-";

  private static final CallHeaders NONE = new CallHeaders(null, null, Map.of(), List.of());

  private final String consumerId;
  private final Priority priority;
  private final Map<String, String> tags;

  /** The header names to remove, as the request spells them. */
  private final List<String> names;

  private CallHeaders(
      String consumerId, Priority priority, Map<String, String> tags, List<String> names) {
    this.consumerId = consumerId;
    this.priority = priority;
    this.tags = tags;
    this.names = names;
  }

  /**
   * Reads the Spillway headers of {@code headers}.
   *
   * @throws IllegalArgumentException if a Spillway header has several values, the priority header
   *     names no priority, or a tag header names no tag
   */
  static CallHeaders of(Headers headers) {
    String consumerId = null;
    Priority priority = null;
    Map<String, String> tags = null;
    List<String> names = null;
    for (String name : headers.names()) {
      if (!name.regionMatches(true, 0, COMMON_PREFIX, 0, COMMON_PREFIX.length())) {
        continue; // most headers: not one of ours, and no lower-case copy made
      }
      String lower = name.toLowerCase(Locale.ROOT);
      boolean consumer = lower.equals(CONSUMER);
      boolean ranked = lower.equals(PRIORITY);
      if (!consumer && !ranked && !lower.startsWith(TAG_PREFIX)) {
        continue;
      }
      String value = single(name, headers.values(name));
      if (consumer) {
        consumerId = value;
      } else if (ranked) {
        try {
          priority = Priority.of(value);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("header '" + name + "': " + e.getMessage(), e);
        }
      } else {
        String tag = name.substring(TAG_PREFIX.length());
        if (tag.isEmpty()) {
          throw new IllegalArgumentException(
              "header '" + name + "' names no tag: use " + TAG_PREFIX + "<name>: <value>");
        }
        if (tags == null) {
          tags = new TreeMap<>();
        }
        tags.put(tag, value);
      }
      if (names == null) {
        names = new ArrayList<>(2);
      }
      names.add(name);
    }
    if (names == null) {
      return NONE;
    }
    return new CallHeaders(
        consumerId, priority, tags == null ? Map.of() : Map.copyOf(tags), List.copyOf(names));
  }

  private static String single(String name, List<String> values) {
    if (values.size() != 1) {
      throw new IllegalArgumentException(
          "header '" + name + "' has " + values.size() + " values; a call carries one");
    }
    return values.get(0);
  }

  /** {@code request} without the Spillway headers. */
  HttpRequest strip(HttpRequest request) {
    if (names.isEmpty()) {
      return request;
    }
    HttpRequest.Builder b = request.toBuilder();
    names.forEach(b::removeHeaders);
    return b.build();
  }

  /**
   * Sets the consumer id (the header's, else {@code resolver}'s on this thread), the priority and
   * the tags on {@code request}.
   *
   * @param resolver the pool's support, or {@code null} to use the header's consumer id only
   */
  CallRequest.Builder applyTo(CallRequest.Builder request, AdapterSupport resolver) {
    String id = resolver == null ? consumerId : resolver.consumerId(consumerId);
    if (id != null) {
      request.consumerId(id);
    }
    if (priority != null) {
      request.priority(priority);
    }
    return request.tags(tags);
  }
}
