package dev.spillway.cli.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.spillway.cli.PoolConfigException;
import dev.spillway.pool.StateConfig;
import java.io.IOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed YAML document that remembers where each value came from: the line of every property path
 * ({@code spillway.backends[1].endpoint}; for a property, the line of its key) and, for every value
 * with {@code ${NAME}} in it, the text as written. Messages about a value show that text, never
 * what the variable held, and every substituted value, every {@code api-key} and {@code password},
 * and a password inside a {@code uri} is masked in any message. Immutable after {@link #parse};
 * thread-safe.
 */
public final class LocatedTree {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

  /** The keys whose values are secrets: {@code backends[].api-key}, {@code state.password}. */
  private static final List<String> SECRET_KEYS = List.of("api-key", "password");

  private static final String MASK = "***";

  /**
   * Values shorter than this are not masked inside other words of a message: a key so short is no
   * secret, and masking {@code "k"} would garble every message. The value at fault is always shown
   * as written, whatever its length.
   */
  private static final int MIN_MASKED_LENGTH = 4;

  private final String source;
  private final JsonNode root;
  private final Map<String, Integer> lines;
  private final Map<String, String> written;

  /** What each secret or substituted value is shown as, longest value first. */
  private final Map<String, String> masks;

  private LocatedTree(
      String source,
      JsonNode root,
      Map<String, Integer> lines,
      Map<String, String> written,
      Map<String, String> masks) {
    this.source = source;
    this.root = root;
    this.lines = lines;
    this.written = written;
    this.masks = masks;
  }

  /**
   * Parses a document and resolves {@code ${NAME}} in every text value.
   *
   * @param mapper the YAML mapper whose parser reads the text
   * @param yaml the text
   * @param source the document's name in messages
   * @param env resolves a variable, or returns {@code null} when it is not set
   * @return the tree ({@link #root()} is {@code null} for an empty document)
   * @throws PoolConfigException for invalid YAML, a key set twice, a malformed reference or an
   *     unset variable
   */
  public static LocatedTree parse(
      ObjectMapper mapper, String yaml, String source, Function<String, String> env) {
    Builder builder = new Builder(mapper, source, env);
    JsonNode root;
    try (JsonParser parser = mapper.createParser(yaml)) {
      root = parser.nextToken() == null ? null : builder.node(parser, "");
    } catch (PoolConfigException e) {
      throw e;
    } catch (IOException e) {
      int line =
          e instanceof JacksonException j && j.getLocation() != null
              ? j.getLocation().getLineNr()
              : 0;
      throw new PoolConfigException(source, null, line, "not valid YAML: " + firstLine(e), null);
    }
    Map<String, String> masks = new LinkedHashMap<>();
    builder.masks.entrySet().stream()
        .filter(e -> e.getKey().length() >= MIN_MASKED_LENGTH)
        .sorted(
            Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length())
                .reversed())
        .forEach(e -> masks.put(e.getKey(), e.getValue()));
    return new LocatedTree(source, root, builder.lines, builder.written, masks);
  }

  /**
   * The document.
   *
   * @return the root, or {@code null} for an empty document
   */
  public JsonNode root() {
    return root;
  }

  /** The line of a property, or of the nearest enclosing one that is written; 0 if none. */
  private int line(String path) {
    String p = path;
    while (true) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut < 0) {
        return p.isEmpty() ? 0 : line("");
      }
      p = p.substring(0, cut);
    }
  }

  /** A value as written when it held {@code ${NAME}}, {@code ***} for an api-key, else quoted. */
  private String show(String path, JsonNode node) {
    String reference = written.get(path);
    if (reference != null) {
      return reference;
    }
    if (isSecret(path)) {
      return MASK;
    }
    return "'" + redact(node.asText()) + "'";
  }

  /** A message with the value at fault shown as written and every secret masked. */
  private String redact(String path, String message) {
    String text = message;
    if (written.containsKey(path)) {
      JsonNode node = at(path);
      if (node != null && !node.asText().isEmpty()) {
        text = text.replace(node.asText(), written.get(path));
      }
    }
    return redact(text);
  }

  /** Masks every secret or substituted value, as its {@code ${NAME}} or {@code ***}. */
  private String redact(String text) {
    String result = text;
    for (Map.Entry<String, String> mask : masks.entrySet()) {
      result = result.replace(mask.getKey(), mask.getValue());
    }
    return result;
  }

  /**
   * An error at a property, on its line, its text redacted.
   *
   * @param path the property path, or empty for the document
   * @param problem what is wrong
   * @return the exception
   */
  public PoolConfigException error(String path, String problem) {
    return new PoolConfigException(
        source, path.isEmpty() ? null : path, line(path), redact(path, problem), null);
  }

  /**
   * What a message says was found at a path: {@code was '…'} (or the value as written), {@code
   * found properties}, {@code found a list} or {@code found nothing}.
   *
   * @param path the property path
   * @return the text
   */
  public String found(String path) {
    JsonNode node = at(path);
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "found nothing";
    }
    if (node.isObject()) {
      return "found properties";
    }
    return node.isArray() ? "found a list" : "was " + show(path, node);
  }

  private JsonNode at(String path) {
    JsonNode node = root;
    for (String step : path.replace("[", ".[").split("\\.")) {
      if (node == null || step.isEmpty()) {
        continue;
      }
      node =
          step.startsWith("[")
              ? node.get(Integer.parseInt(step.substring(1, step.length() - 1)))
              : node.get(step);
    }
    return node;
  }

  /** Whether the value at {@code path} is a secret, by its key. */
  private static boolean isSecret(String path) {
    String key = path.substring(path.lastIndexOf('.') + 1);
    return SECRET_KEYS.contains(key);
  }

  private static String firstLine(Exception e) {
    String message = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
    String text = message == null ? "invalid" : message.strip();
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end).strip();
  }

  /** Reads the tokens of one document into a tree, noting lines and references. */
  private static final class Builder {
    private final ObjectMapper mapper;
    private final String source;
    private final Function<String, String> env;
    private final Map<String, Integer> lines = new HashMap<>();
    private final Map<String, String> written = new HashMap<>();
    private final Map<String, String> masks = new HashMap<>();

    Builder(ObjectMapper mapper, String source, Function<String, String> env) {
      this.mapper = mapper;
      this.source = source;
      this.env = env;
    }

    JsonNode node(JsonParser parser, String path) throws IOException {
      lines.putIfAbsent(path, parser.currentTokenLocation().getLineNr());
      switch (parser.currentToken()) {
        case START_OBJECT -> {
          ObjectNode object = JsonNodeFactory.instance.objectNode();
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            String child = path.isEmpty() ? name : path + "." + name;
            int line = parser.currentTokenLocation().getLineNr();
            if (object.has(name)) {
              throw new PoolConfigException(source, child, line, "set twice", null);
            }
            lines.put(child, line);
            parser.nextToken();
            object.set(name, node(parser, child));
          }
          return object;
        }
        case START_ARRAY -> {
          ArrayNode array = JsonNodeFactory.instance.arrayNode();
          for (int i = 0; parser.nextToken() != JsonToken.END_ARRAY; i++) {
            array.add(node(parser, path + "[" + i + "]"));
          }
          return array;
        }
        case VALUE_STRING -> {
          return text(parser.getText(), path, lines.get(path));
        }
        default -> {
          return mapper.readTree(parser);
        }
      }
    }

    private JsonNode text(String value, String path, int line) {
      Matcher matcher = VARIABLE.matcher(value);
      StringBuilder out = new StringBuilder();
      boolean substituted = false;
      while (matcher.find()) {
        String name = matcher.group(1).trim();
        if (!VARIABLE_NAME.matcher(name).matches()) {
          throw new PoolConfigException(
              source, path, line, "'${" + matcher.group(1) + "}' is not a variable name", null);
        }
        String resolved = env.apply(name);
        if (resolved == null) {
          throw new PoolConfigException(
              source, path, line, "environment variable " + name + " is not set", null);
        }
        masks.put(resolved, "${" + name + "}");
        matcher.appendReplacement(out, Matcher.quoteReplacement(resolved));
        substituted = true;
      }
      matcher.appendTail(out);
      String result = out.toString();
      if (substituted) {
        written.put(path, value);
        masks.put(result, value);
      } else if (isSecret(path) && !result.isBlank()) {
        masks.put(result, MASK);
      }
      String uriPassword = path.endsWith(".uri") ? StateConfig.uriPassword(result) : null;
      if (uriPassword != null) {
        masks.putIfAbsent(uriPassword, MASK);
      }
      return TextNode.valueOf(result);
    }
  }
}
