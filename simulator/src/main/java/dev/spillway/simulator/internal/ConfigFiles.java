package dev.spillway.simulator.internal;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.spillway.simulator.DeploymentConfig;
import dev.spillway.simulator.LatencyModel;
import dev.spillway.simulator.ResourceConfig;
import dev.spillway.simulator.SimulatorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reads a {@link SimulatorConfig} from YAML or JSON through Jackson: the document is bound into
 * records shaped like the file (kebab-case keys, camelCase accepted as aliases), which are then
 * turned into the public configuration records. Every error is {@code file:line: property.path:
 * problem}, such as {@code sim.yaml:5: resources[0].deployments[0].tmp: unknown key; known keys:
 * [...]}; values are not echoed (an {@code api-key} must never be). Thread-safe (stateless).
 */
public final class ConfigFiles {
  private static final ObjectMapper YAML = strict(YAMLMapper.builder());
  private static final ObjectMapper JSON = strict(JsonMapper.builder());

  private ConfigFiles() {}

  /**
   * Unknown keys, duplicate keys, text where a number or a boolean belongs and fractions where a
   * whole number belongs are all errors; a number is accepted as text (a region named 1).
   */
  private static ObjectMapper strict(MapperBuilder<?, ?> builder) {
    return builder
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
  }

  /**
   * Reads a file: JSON when its name ends in {@code .json}, YAML otherwise.
   *
   * @param file the file
   * @return the set-up
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it cannot be parsed or has invalid values, as {@code
   *     file:line: property.path: problem}
   */
  public static SimulatorConfig load(Path file) throws IOException {
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    return read(Files.readString(file, StandardCharsets.UTF_8), file.toString(), json);
  }

  /**
   * Reads a document.
   *
   * @param text the YAML or JSON text
   * @param source the name errors give the document, such as its file name
   * @param json whether the text is JSON (else YAML)
   * @return the set-up
   * @throws IllegalArgumentException if it cannot be parsed or has invalid values
   */
  static SimulatorConfig read(String text, String source, boolean json) {
    ObjectMapper mapper = json ? JSON : YAML;
    Map<String, Integer> lines = new HashMap<>();
    JsonNode tree;
    try (JsonParser parser = mapper.createParser(text)) {
      tree = parser.nextToken() == null ? null : located(mapper, parser, "", lines);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new IllegalArgumentException(
          source + (at == null ? "" : ":" + at.getLineNr()) + ": cannot parse: " + parseProblem(e));
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": cannot read: " + e.getMessage(), e);
    }
    return new Binding(source, lines).bind(mapper, tree);
  }

  /**
   * Reads the value at the parser's current token into a tree, noting the line of each value by its
   * path of keys and indexes, such as {@code /resources/0/port} (for a property, the line of its
   * key).
   */
  private static JsonNode located(
      ObjectMapper mapper, JsonParser parser, String pointer, Map<String, Integer> lines)
      throws IOException {
    lines.putIfAbsent(pointer, parser.currentTokenLocation().getLineNr());
    switch (parser.currentToken()) {
      case START_OBJECT -> {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          String child = pointer + "/" + name;
          lines.put(child, parser.currentTokenLocation().getLineNr());
          parser.nextToken();
          object.set(name, located(mapper, parser, child, lines));
        }
        return object;
      }
      case START_ARRAY -> {
        var array = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; parser.nextToken() != JsonToken.END_ARRAY; i++) {
          array.add(located(mapper, parser, pointer + "/" + i, lines));
        }
        return array;
      }
      default -> {
        return mapper.readTree(parser);
      }
    }
  }

  /**
   * The parser's first line, without the excerpt of the document that follows it (an excerpt could
   * show a key).
   */
  private static String parseProblem(JsonProcessingException e) {
    String problem = Objects.toString(e.getOriginalMessage(), "").strip();
    int end = problem.indexOf('\n');
    return end < 0 ? problem : problem.substring(0, end).strip();
  }

  /** One document's binding: its name and the line of every value. */
  private record Binding(String source, Map<String, Integer> lines) {

    SimulatorConfig bind(ObjectMapper mapper, JsonNode tree) {
      if (tree == null || tree.isNull()) {
        throw error("", "the document is empty");
      }
      SimulatorFile file;
      try {
        file = mapper.treeToValue(tree, SimulatorFile.class);
      } catch (JsonMappingException e) {
        throw mappingError(e);
      } catch (JsonProcessingException e) {
        throw error("", "cannot bind: " + parseProblem(e));
      }
      List<ResourceConfig> resources = new ArrayList<>();
      List<ResourceFile> list = required(file.resources(), "", "resources");
      for (int i = 0; i < list.size(); i++) {
        resources.add(resource(list.get(i), "resources[" + i + "]"));
      }
      return valid(
          "",
          () ->
              new SimulatorConfig(
                  resources,
                  or(file.timeScale(), SimulatorConfig.DEFAULT_TIME_SCALE),
                  or(file.seed(), SimulatorConfig.DEFAULT_SEED),
                  or(file.retryAfterMs(), false),
                  or(file.slidingWindow(), false)));
    }

    private ResourceConfig resource(ResourceFile r, String path) {
      if (r == null) {
        throw error(path, "expected a mapping, found nothing");
      }
      List<DeploymentConfig> deployments = new ArrayList<>();
      List<DeploymentFile> list = required(r.deployments(), path, "deployments");
      for (int i = 0; i < list.size(); i++) {
        deployments.add(deployment(list.get(i), path + ".deployments[" + i + "]"));
      }
      return valid(
          path,
          () ->
              new ResourceConfig(
                  required(r.id(), path, "id"),
                  or(r.port(), 0),
                  or(r.region(), ResourceConfig.DEFAULT_REGION),
                  required(r.apiKey(), path, "api-key"),
                  deployments));
    }

    private DeploymentConfig deployment(DeploymentFile d, String path) {
      if (d == null) {
        throw error(path, "expected a mapping, found nothing");
      }
      LatencyModel latency = LatencyModel.DEFAULT;
      LatencyFile l = d.latency();
      if (l != null) {
        latency =
            valid(
                path + ".latency",
                () ->
                    LatencyModel.of(
                        millis(l.ttftMedianMs(), LatencyModel.DEFAULT.timeToFirstTokenMedian()),
                        or(l.ttftSigma(), LatencyModel.DEFAULT.timeToFirstTokenSigma()),
                        millis(l.perTokenMs(), LatencyModel.DEFAULT.timePerOutputToken())));
      }
      LatencyModel chosen = latency;
      return valid(
          path,
          () ->
              new DeploymentConfig(
                  required(d.name(), path, "name"),
                  or(d.model(), DeploymentConfig.DEFAULT_MODEL),
                  or(d.ptu(), false),
                  required(d.tpm(), path, "tpm"),
                  chosen,
                  or(d.latencyMultiplier(), 1.0),
                  or(d.minOutputTokens(), DeploymentConfig.DEFAULT_MIN_OUTPUT_TOKENS)));
    }

    private <T> T required(T value, String owner, String key) {
      if (value == null) {
        throw error(owner.isEmpty() ? key : owner + "." + key, "is required");
      }
      return value;
    }

    /** Builds a record, reporting its own check's error at the record's path. */
    private <T> T valid(String path, Supplier<T> constructor) {
      try {
        return constructor.get();
      } catch (Located e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw error(path, e.getMessage());
      }
    }

    private Located mappingError(JsonMappingException e) {
      StringBuilder path = new StringBuilder();
      for (JsonMappingException.Reference ref : e.getPath()) {
        if (ref.getFieldName() != null) {
          path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
        } else {
          path.append('[').append(ref.getIndex()).append(']');
        }
      }
      String problem;
      if (e instanceof UnrecognizedPropertyException unknown) {
        TreeSet<String> known = new TreeSet<>();
        unknown.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
        problem = "unknown key; known keys: " + known;
      } else if (e instanceof MismatchedInputException mismatch
          && mismatch.getTargetType() != null) {
        problem = "expected " + expected(mismatch.getTargetType());
      } else {
        problem = "cannot bind";
      }
      // Not chained: Jackson's own message quotes the value, which may be a key in the wrong field.
      return error(path.toString(), problem);
    }

    private Located error(String path, String problem) {
      return new Located(at(path, pointer(path)) + problem);
    }

    /** {@code file:line: path: }, the line of the value or of its nearest enclosing one. */
    private String at(String path, String pointer) {
      String p = pointer;
      Integer line = lines.get(p);
      while (line == null && !p.isEmpty()) {
        p = p.substring(0, p.lastIndexOf('/'));
        line = lines.get(p);
      }
      return source + (line == null ? "" : ":" + line) + ": " + (path.isEmpty() ? "" : path + ": ");
    }

    private static String pointer(String path) {
      return path.isEmpty()
          ? ""
          : "/" + path.replace("].", "/").replace("[", "/").replace("]", "").replace(".", "/");
    }
  }

  /** An error that already names its file, line and path. */
  private static final class Located extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Located(String message) {
      super(message);
    }
  }

  private static String expected(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a single value";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a mapping";
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }

  private static Duration millis(Double value, Duration fallback) {
    return value == null ? fallback : Duration.ofNanos(Math.round(value * 1_000_000));
  }

  /** The file's top level. */
  @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
  record SimulatorFile(
      @JsonAlias("timeScale") Double timeScale,
      Long seed,
      @JsonAlias("retryAfterMs") Boolean retryAfterMs,
      @JsonAlias("slidingWindow") Boolean slidingWindow,
      List<ResourceFile> resources) {}

  /** One entry of {@code resources}. */
  @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
  record ResourceFile(
      String id,
      Integer port,
      String region,
      @JsonAlias("apiKey") String apiKey,
      List<DeploymentFile> deployments) {}

  /** One entry of {@code resources[].deployments}. */
  @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
  record DeploymentFile(
      String name,
      String model,
      Boolean ptu,
      Long tpm,
      @JsonAlias("minOutputTokens") Integer minOutputTokens,
      @JsonAlias("latencyMultiplier") Double latencyMultiplier,
      LatencyFile latency) {}

  /** A deployment's {@code latency}, in milliseconds of simulated time. */
  @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
  record LatencyFile(
      @JsonAlias("ttftMedianMs") Double ttftMedianMs,
      @JsonAlias("ttftSigma") Double ttftSigma,
      @JsonAlias("perTokenMs") Double perTokenMs) {}
}
