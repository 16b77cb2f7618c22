package dev.spillway.pool.internal.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON value read in one streaming pass into plain Java values ({@link LinkedHashMap}, {@link
 * ArrayList}, {@link String}, numbers, {@link Boolean}, {@code null}), and written back compactly.
 * Small bodies only (a request, a response, one stream event): the capture reads them once.
 */
final class JsonValues {
  static final JsonFactory JSON = new JsonFactory();

  private JsonValues() {}

  /** The object in {@code bytes}, or {@code null} when they are not one JSON object. */
  static Map<String, Object> object(byte[] bytes, int offset, int length) {
    if (bytes == null || length == 0) {
      return null;
    }
    try (JsonParser p = JSON.createParser(bytes, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      return readObject(p);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The object in {@code bytes} with only the members in {@code kept}; the values of the others are
   * skipped unread. A kept member named {@code choices} whose value is an array keeps, of each
   * object element, only the members in {@code keptOfChoice}. {@code null} when the bytes are not
   * one JSON object.
   */
  static Map<String, Object> pruned(
      byte[] bytes, int offset, int length, Set<String> kept, Set<String> keptOfChoice) {
    if (bytes == null || length == 0) {
      return null;
    }
    try (JsonParser p = JSON.createParser(bytes, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Map<String, Object> map = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (!kept.contains(name)) {
          p.skipChildren();
        } else if (name.equals("choices") && value == JsonToken.START_ARRAY) {
          List<Object> list = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            list.add(p.currentToken() == JsonToken.START_OBJECT ? only(p, keptOfChoice) : read(p));
          }
          map.put(name, list);
        } else {
          map.put(name, read(p));
        }
      }
      return map;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The members in {@code kept} of an object whose start was just read; the rest skipped. */
  private static Map<String, Object> only(JsonParser p, Set<String> kept) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (kept.contains(name)) {
        map.put(name, read(p));
      } else {
        p.skipChildren();
      }
    }
    return map;
  }

  private static Map<String, Object> readObject(JsonParser p) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      map.put(name, read(p));
    }
    return map;
  }

  /** The value at the parser's current token. */
  static Object read(JsonParser p) throws IOException {
    switch (p.currentToken()) {
      case START_OBJECT:
        return readObject(p);
      case START_ARRAY:
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(read(p));
        }
        return list;
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return p.getNumberValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  /** Compact JSON of a value read by this class; a string as its text, unquoted. */
  static String text(Object value) {
    if (value instanceof String s) {
      return s;
    }
    return json(value);
  }

  /** Compact JSON of a value read by this class. */
  static String json(Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      write(g, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static void write(JsonGenerator g, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (value instanceof List<?> list) {
      g.writeStartArray();
      for (Object o : list) {
        write(g, o);
      }
      g.writeEndArray();
    } else if (value instanceof String s) {
      g.writeString(s);
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Number n) {
      g.writeNumber(n.toString());
    } else {
      g.writeString(value.toString());
    }
  }

  // --- typed reads of a map read by this class

  static Map<?, ?> map(Object value) {
    return value instanceof Map<?, ?> m ? m : null;
  }

  static List<?> list(Object value) {
    return value instanceof List<?> l ? l : List.of();
  }

  static String string(Map<?, ?> map, String key) {
    Object v = map == null ? null : map.get(key);
    return v instanceof String s ? s : null;
  }

  static Boolean bool(Map<?, ?> map, String key) {
    Object v = map == null ? null : map.get(key);
    return v instanceof Boolean b ? b : null;
  }

  static int integer(Map<?, ?> map, String key, int absent) {
    Object v = map == null ? null : map.get(key);
    return v instanceof Number n ? n.intValue() : absent;
  }
}
