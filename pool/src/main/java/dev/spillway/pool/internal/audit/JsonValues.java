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

  private static Map<String, Object> readObject(JsonParser p) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      map.put(name, read(p));
    }
    return map;
  }

  private static Object read(JsonParser p) throws IOException {
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
