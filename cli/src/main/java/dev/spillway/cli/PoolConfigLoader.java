package dev.spillway.cli;

import dev.spillway.PoolSettings;
import dev.spillway.pool.BackendConfig;
import dev.spillway.pool.DeploymentConfig;
import dev.spillway.pool.PoolConfig;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a pool configuration file (YAML) into the {@link PoolConfig} records of the Azure adapter
 * (the pool's limits into one {@link PoolSettings}, which checks them): the schema of
 * docs/design.md "Configuration schema", under a top-level {@code spillway:} key or bare.
 *
 * <pre>{@code
 * spillway:
 *   timeout: 120s
 *   backends:
 *     - id: sweden-ptu
 *       endpoint: https://example-ptu.openai.azure.com
 *       tier: 0
 *       api-key: ${AOAI_PTU_KEY}
 *       deployments:
 *         - { model: gpt-4o, deployment: gpt4o-ptu, ptu: true, tpm: 300000 }
 * }</pre>
 *
 * <ul>
 *   <li>Keys are exactly the kebab-case names of the schema; any other key is an error naming its
 *       path, such as {@code spillway.backends[1].tierr}.
 *   <li>{@code ${NAME}} in a value is replaced by the environment variable {@code NAME}; an unset
 *       variable is an error naming it.
 *   <li>Durations are a whole number with a unit ({@code 500ms}, {@code 120s}, {@code 2m}, {@code
 *       1h}; also {@code ns}, {@code us}, {@code d}) or ISO-8601 ({@code PT2M}); a number without a
 *       unit is refused rather than guessed.
 *   <li>Booleans are {@code true} or {@code false}; an empty value, {@code ~} or {@code null} means
 *       the default.
 * </ul>
 *
 * <p>Every error is a {@link PoolConfigException} naming the file, the property, the line and the
 * problem; values of {@code api-key} never appear in it. Thread-safe (stateless).
 */
public final class PoolConfigLoader {
  /** The top-level key of the schema in a document that may hold other configuration. */
  public static final String ROOT_KEY = "spillway";

  private static final List<String> POOL_KEYS =
      List.of(
          "timeout",
          "attempt-timeout",
          "stream-attempt-timeout",
          "stream-idle-timeout",
          "max-attempts",
          "home-backend",
          "allow-insecure-http",
          "backends");
  private static final List<String> BACKEND_KEYS =
      List.of("id", "endpoint", "tier", "weight", "region", "api-key", "credential", "deployments");
  private static final List<String> DEPLOYMENT_KEYS =
      List.of("model", "deployment", "ptu", "tpm", "rpm");

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern SIMPLE_DURATION = Pattern.compile("([+-]?\\d+)(ns|us|ms|s|m|h|d)");
  private static final Map<String, ChronoUnit> DURATION_UNITS =
      Map.of(
          "ns",
          ChronoUnit.NANOS,
          "us",
          ChronoUnit.MICROS,
          "ms",
          ChronoUnit.MILLIS,
          "s",
          ChronoUnit.SECONDS,
          "m",
          ChronoUnit.MINUTES,
          "h",
          ChronoUnit.HOURS,
          "d",
          ChronoUnit.DAYS);

  private final String source;
  private final Function<String, String> env;

  private PoolConfigLoader(String source, Function<String, String> env) {
    this.source = source;
    this.env = env;
  }

  /**
   * Reads a configuration file, resolving {@code ${NAME}} from the process environment.
   *
   * @param file the YAML file
   * @return the validated configuration
   * @throws PoolConfigException if the file cannot be read, parsed or validated
   * @throws NullPointerException if {@code file} is null
   */
  public static PoolConfig load(Path file) {
    Objects.requireNonNull(file, "'file' cannot be null.");
    String yaml;
    try {
      yaml = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PoolConfigException(
          file.toString(),
          null,
          0,
          "cannot read the file (" + e.getClass().getSimpleName() + ")",
          e);
    }
    return load(yaml, file.toString(), System::getenv);
  }

  /**
   * Reads a configuration document.
   *
   * @param yaml the YAML text
   * @param sourceName the name errors give the document, such as its file name
   * @param env resolves {@code ${NAME}}: returns the value of {@code NAME}, or {@code null} when it
   *     is not set
   * @return the validated configuration
   * @throws PoolConfigException if the document cannot be parsed or validated
   * @throws NullPointerException if an argument is null
   */
  public static PoolConfig load(String yaml, String sourceName, Function<String, String> env) {
    Objects.requireNonNull(yaml, "'yaml' cannot be null.");
    Objects.requireNonNull(sourceName, "'sourceName' cannot be null.");
    Objects.requireNonNull(env, "'env' cannot be null.");
    return new PoolConfigLoader(sourceName, env).read(yaml);
  }

  private PoolConfig read(String yaml) {
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      throw new PoolConfigException(
          source, null, line(e.getProblemMark()), "not valid YAML: " + oneLine(e.getProblem()), e);
    } catch (YAMLException e) {
      throw new PoolConfigException(
          source, null, 0, "not valid YAML: " + oneLine(e.getMessage()), e);
    }
    if (root == null || isNull(root)) {
      throw new PoolConfigException(source, null, 0, "the document is empty", null);
    }
    if (root instanceof MappingNode mapping && hasKey(mapping, ROOT_KEY)) {
      Map<String, NodeTuple> top = mapping(root, "", List.of(ROOT_KEY));
      return pool(top.get(ROOT_KEY).getValueNode(), ROOT_KEY);
    }
    return pool(root, "");
  }

  private PoolConfig pool(Node node, String path) {
    Map<String, NodeTuple> m = mapping(node, path, POOL_KEYS);
    Node backendsNode = required(m, node, path, "backends");
    List<BackendConfig> backends = new ArrayList<>();
    Map<String, String> idPaths = new HashMap<>();
    List<Node> items = sequence(backendsNode, child(path, "backends"));
    for (int i = 0; i < items.size(); i++) {
      String itemPath = child(path, "backends") + "[" + i + "]";
      Node item = items.get(i);
      Map<String, NodeTuple> fields = mapping(item, itemPath, BACKEND_KEYS);
      BackendConfig backend = backend(fields, item, itemPath);
      String earlier = idPaths.putIfAbsent(backend.id(), itemPath);
      if (earlier != null) {
        throw error(
            itemPath + ".id",
            fields.get("id").getKeyNode(),
            "backend id '" + backend.id() + "' is already used by " + earlier,
            null);
      }
      backends.add(backend);
    }
    PoolSettings.Builder settings = PoolSettings.builder();
    setting(m, path, "timeout", duration(m, path, "timeout"), settings::timeout);
    setting(
        m, path, "attempt-timeout", duration(m, path, "attempt-timeout"), settings::attemptTimeout);
    setting(
        m,
        path,
        "stream-attempt-timeout",
        duration(m, path, "stream-attempt-timeout"),
        settings::streamAttemptTimeout);
    setting(
        m,
        path,
        "stream-idle-timeout",
        duration(m, path, "stream-idle-timeout"),
        settings::streamIdleTimeout);
    setting(m, path, "max-attempts", integer(m, path, "max-attempts"), settings::maxAttempts);
    return validated(
        path,
        node,
        () ->
            new PoolConfig(
                settings.build(),
                text(m, path, "home-backend"),
                Boolean.TRUE.equals(bool(m, path, "allow-insecure-http")),
                backends));
  }

  private BackendConfig backend(Map<String, NodeTuple> m, Node node, String path) {
    required(m, node, path, "id");
    required(m, node, path, "endpoint");
    Node deploymentsNode = required(m, node, path, "deployments");
    List<DeploymentConfig> deployments = new ArrayList<>();
    List<Node> items = sequence(deploymentsNode, path + ".deployments");
    for (int i = 0; i < items.size(); i++) {
      deployments.add(deployment(items.get(i), path + ".deployments[" + i + "]"));
    }
    return validated(
        path,
        node,
        () ->
            new BackendConfig(
                text(m, path, "id"),
                text(m, path, "endpoint"),
                integer(m, path, "tier"),
                number(m, path, "weight"),
                text(m, path, "region"),
                text(m, path, "api-key"),
                text(m, path, "credential"),
                deployments));
  }

  private DeploymentConfig deployment(Node node, String path) {
    Map<String, NodeTuple> m = mapping(node, path, DEPLOYMENT_KEYS);
    required(m, node, path, "model");
    required(m, node, path, "deployment");
    return validated(
        path,
        node,
        () ->
            new DeploymentConfig(
                text(m, path, "model"),
                text(m, path, "deployment"),
                bool(m, path, "ptu"),
                whole(m, path, "tpm"),
                whole(m, path, "rpm")));
  }

  /** Hands a value to its {@link PoolSettings} setter, reporting its error at the key's line. */
  private <T> void setting(
      Map<String, NodeTuple> m, String path, String key, T value, Consumer<T> setter) {
    if (value == null) {
      return;
    }
    try {
      setter.accept(value);
    } catch (IllegalArgumentException e) {
      throw error(child(path, key), m.get(key).getKeyNode(), oneLine(e.getMessage()), e);
    }
  }

  /** Builds a record, reporting its validation error at the record's path and line. */
  private <T> T validated(String path, Node node, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw error(path, node, oneLine(e.getMessage()), e);
    }
  }

  // ---- structure ----

  private Map<String, NodeTuple> mapping(Node node, String path, List<String> known) {
    if (!(node instanceof MappingNode mapping)) {
      throw error(path, node, "expected properties (key: value), found " + describe(node), null);
    }
    Map<String, NodeTuple> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode scalar)) {
        throw error(path, keyNode, "a property name must be a plain word", null);
      }
      String key = scalar.getValue();
      String keyPath = child(path, key);
      if (!known.contains(key)) {
        throw error(
            keyPath,
            keyNode,
            "unknown property; expected one of " + String.join(", ", known),
            null);
      }
      if (entries.putIfAbsent(key, tuple) != null) {
        throw error(keyPath, keyNode, "set twice", null);
      }
    }
    return entries;
  }

  private List<Node> sequence(Node node, String path) {
    if (!(node instanceof SequenceNode sequence)) {
      throw error(path, node, "expected a list, found " + describe(node), null);
    }
    if (sequence.getValue().isEmpty()) {
      throw error(path, node, "must list at least one entry", null);
    }
    return sequence.getValue();
  }

  private Node required(Map<String, NodeTuple> m, Node owner, String path, String key) {
    NodeTuple tuple = m.get(key);
    if (tuple == null || isNull(tuple.getValueNode())) {
      throw error(
          child(path, key), tuple == null ? owner : tuple.getKeyNode(), "is required", null);
    }
    return tuple.getValueNode();
  }

  // ---- values ----

  private String text(Map<String, NodeTuple> m, String path, String key) {
    NodeTuple tuple = m.get(key);
    if (tuple == null || isNull(tuple.getValueNode())) {
      return null;
    }
    if (!(tuple.getValueNode() instanceof ScalarNode scalar)) {
      throw error(
          child(path, key),
          tuple.getKeyNode(),
          "expected a single value, found " + describe(tuple.getValueNode()),
          null);
    }
    return substitute(scalar.getValue(), child(path, key), tuple.getKeyNode()).trim();
  }

  private Duration duration(Map<String, NodeTuple> m, String path, String key) {
    return convert(
        m,
        path,
        key,
        "a duration such as 500ms, 120s or 2m",
        text -> {
          Matcher simple = SIMPLE_DURATION.matcher(text);
          if (simple.matches()) {
            return Duration.of(
                Long.parseLong(simple.group(1)), DURATION_UNITS.get(simple.group(2)));
          }
          return Duration.parse(text);
        });
  }

  private Integer integer(Map<String, NodeTuple> m, String path, String key) {
    return convert(m, path, key, "a whole number", text -> Integer.valueOf(wholeNumber(text)));
  }

  private Long whole(Map<String, NodeTuple> m, String path, String key) {
    return convert(m, path, key, "a whole number", text -> Long.valueOf(wholeNumber(text)));
  }

  private Double number(Map<String, NodeTuple> m, String path, String key) {
    return convert(
        m,
        path,
        key,
        "a number",
        text -> {
          if (!DECIMAL.matcher(text).matches()) {
            throw new NumberFormatException(text);
          }
          return Double.valueOf(text);
        });
  }

  private Boolean bool(Map<String, NodeTuple> m, String path, String key) {
    return convert(
        m,
        path,
        key,
        "true or false",
        text -> {
          switch (text.toLowerCase(Locale.ROOT)) {
            case "true":
              return Boolean.TRUE;
            case "false":
              return Boolean.FALSE;
            default:
              throw new IllegalArgumentException(text);
          }
        });
  }

  private <T> T convert(
      Map<String, NodeTuple> m,
      String path,
      String key,
      String expected,
      Function<String, T> parser) {
    String text = text(m, path, key);
    if (text == null) {
      return null;
    }
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
      throw error(
          child(path, key),
          m.get(key).getKeyNode(),
          "expected " + expected + ", was '" + text + "'",
          null);
    }
  }

  /** YAML 1.1 allows digit separators ({@code 300_000}); the Spring binder reads them so too. */
  private static String wholeNumber(String text) {
    return text.replace("_", "");
  }

  private String substitute(String value, String path, Node keyNode) {
    Matcher matcher = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1).trim();
      if (!VARIABLE_NAME.matcher(name).matches()) {
        throw error(path, keyNode, "'${" + matcher.group(1) + "}' is not a variable name", null);
      }
      String resolved = env.apply(name);
      if (resolved == null) {
        throw error(path, keyNode, "environment variable " + name + " is not set", null);
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(resolved));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  // ---- helpers ----

  private PoolConfigException error(String path, Node node, String problem, Throwable cause) {
    return new PoolConfigException(
        source,
        path.isEmpty() ? null : path,
        node == null ? 0 : line(node.getStartMark()),
        problem,
        cause);
  }

  private static boolean hasKey(MappingNode mapping, String key) {
    return mapping.getValue().stream()
        .anyMatch(t -> t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key));
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  private static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "properties";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return isNull(node) ? "nothing" : "a single value";
  }

  private static int line(Mark mark) {
    return mark == null ? 0 : mark.getLine() + 1;
  }

  private static String oneLine(String text) {
    return text == null ? "invalid" : text.replaceAll("\\s+", " ").trim();
  }
}
