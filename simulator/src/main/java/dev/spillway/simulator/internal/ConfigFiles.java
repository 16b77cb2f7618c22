package dev.spillway.simulator.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.spillway.simulator.DeploymentConfig;
import dev.spillway.simulator.LatencyModel;
import dev.spillway.simulator.ResourceConfig;
import dev.spillway.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a {@link SimulatorConfig} from YAML (SnakeYAML, safe constructor) or JSON (Jackson) into
 * plain maps, then binds it by hand so that every error names its place ({@code
 * resources[1].deployments[0]: unknown key 'tmp'}). Keys may be kebab-case or camelCase.
 * Thread-safe (stateless).
 */
public final class ConfigFiles {
  private static final Set<String> TOP =
      Set.of("time-scale", "seed", "retry-after-ms", "sliding-window", "resources");
  private static final Set<String> RESOURCE =
      Set.of("id", "port", "region", "api-key", "deployments");
  private static final Set<String> DEPLOYMENT =
      Set.of("name", "model", "ptu", "tpm", "min-output-tokens", "latency-multiplier", "latency");
  private static final Set<String> LATENCY = Set.of("ttft-median-ms", "ttft-sigma", "per-token-ms");

  private ConfigFiles() {}

  /**
   * Reads a file: JSON when its name ends in {@code .json}, YAML otherwise.
   *
   * @param file the file
   * @return the set-up
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it cannot be parsed or has invalid values
   */
  public static SimulatorConfig load(Path file) throws IOException {
    Object document;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
        document = RequestHandler.MAPPER.readValue(reader, Object.class);
      } else {
        document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
      }
    } catch (JsonProcessingException | YAMLException e) {
      throw new IllegalArgumentException(file + ": cannot parse: " + e.getMessage(), e);
    }
    try {
      return bind(document);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Binds a parsed document (maps, lists, strings, numbers, booleans).
   *
   * @param document the document
   * @return the set-up
   * @throws IllegalArgumentException for a wrong shape or value, naming the place
   */
  public static SimulatorConfig bind(Object document) {
    Map<String, Object> top = object(document, "the document", TOP);
    List<ResourceConfig> resources = new ArrayList<>();
    List<?> list = list(top.get("resources"), "resources");
    for (int i = 0; i < list.size(); i++) {
      resources.add(resource(list.get(i), "resources[" + i + "]"));
    }
    return new SimulatorConfig(
        resources,
        number(top, "time-scale", "the document", SimulatorConfig.DEFAULT_TIME_SCALE),
        integer(top, "seed", "the document", SimulatorConfig.DEFAULT_SEED),
        bool(top, "retry-after-ms", "the document", false),
        bool(top, "sliding-window", "the document", false));
  }

  private static ResourceConfig resource(Object node, String where) {
    Map<String, Object> map = object(node, where, RESOURCE);
    List<DeploymentConfig> deployments = new ArrayList<>();
    List<?> list = list(map.get("deployments"), where + ".deployments");
    for (int i = 0; i < list.size(); i++) {
      deployments.add(deployment(list.get(i), where + ".deployments[" + i + "]"));
    }
    return new ResourceConfig(
        text(map, "id", where, null),
        (int) integer(map, "port", where, 0),
        text(map, "region", where, ResourceConfig.DEFAULT_REGION),
        text(map, "api-key", where, null),
        deployments);
  }

  private static DeploymentConfig deployment(Object node, String where) {
    Map<String, Object> map = object(node, where, DEPLOYMENT);
    LatencyModel latency = LatencyModel.DEFAULT;
    if (map.get("latency") != null) {
      String at = where + ".latency";
      Map<String, Object> l = object(map.get("latency"), at, LATENCY);
      latency =
          LatencyModel.of(
              millis(number(l, "ttft-median-ms", at, latency.timeToFirstTokenMedian().toMillis())),
              number(l, "ttft-sigma", at, latency.timeToFirstTokenSigma()),
              millis(number(l, "per-token-ms", at, latency.timePerOutputToken().toMillis())));
    }
    Object tpm = map.get("tpm");
    if (tpm == null) {
      throw new IllegalArgumentException(where + ": tpm is required");
    }
    return new DeploymentConfig(
        text(map, "name", where, null),
        text(map, "model", where, DeploymentConfig.DEFAULT_MODEL),
        bool(map, "ptu", where, false),
        integer(map, "tpm", where, 0),
        latency,
        number(map, "latency-multiplier", where, 1.0),
        (int) integer(map, "min-output-tokens", where, DeploymentConfig.DEFAULT_MIN_OUTPUT_TOKENS));
  }

  private static Duration millis(double value) {
    return Duration.ofNanos(Math.round(value * 1_000_000));
  }

  private static Map<String, Object> object(Object node, String where, Set<String> known) {
    if (!(node instanceof Map<?, ?> raw)) {
      throw new IllegalArgumentException(where + " must be a mapping, was " + describe(node));
    }
    Map<String, Object> map = new TreeMap<>();
    for (Map.Entry<?, ?> e : raw.entrySet()) {
      String key = kebab(String.valueOf(e.getKey()));
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            where
                + ": unknown key '"
                + e.getKey()
                + "'; known keys: "
                + known.stream().sorted().toList());
      }
      map.put(key, e.getValue());
    }
    return map;
  }

  private static List<?> list(Object node, String where) {
    if (!(node instanceof List<?> list)) {
      throw new IllegalArgumentException(where + " must be a list, was " + describe(node));
    }
    return list;
  }

  private static String text(Map<String, Object> map, String key, String where, String fallback) {
    Object value = map.get(key);
    if (value == null) {
      if (fallback == null) {
        throw new IllegalArgumentException(where + ": " + key + " is required");
      }
      return fallback;
    }
    if (!(value instanceof String) && !(value instanceof Number)) {
      throw new IllegalArgumentException(
          where + ": " + key + " must be a string, was " + describe(value));
    }
    return String.valueOf(value);
  }

  private static double number(Map<String, Object> map, String key, String where, double fallback) {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException(
          where + ": " + key + " must be a number, was " + describe(value));
    }
    return n.doubleValue();
  }

  private static long integer(Map<String, Object> map, String key, String where, long fallback) {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer
            || value instanceof Long
            || value instanceof java.math.BigInteger)
        || (((Number) value).longValue() > Integer.MAX_VALUE
            && !key.equals("seed")
            && !key.equals("tpm"))) {
      throw new IllegalArgumentException(
          where + ": " + key + " must be an integer, was " + describe(value));
    }
    return ((Number) value).longValue();
  }

  private static boolean bool(Map<String, Object> map, String key, String where, boolean fallback) {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean b)) {
      throw new IllegalArgumentException(
          where + ": " + key + " must be true or false, was " + describe(value));
    }
    return b;
  }

  private static String kebab(String key) {
    return key.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  private static String describe(Object value) {
    return value == null ? "nothing" : "'" + value + "'";
  }
}
