package dev.spillway.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.spillway.cli.internal.LocatedTree;
import dev.spillway.pool.BackendConfig;
import dev.spillway.pool.ConsumerConfig;
import dev.spillway.pool.InvalidPropertyException;
import dev.spillway.pool.PoolConfig;
import dev.spillway.pool.PrioritiesConfig;
import dev.spillway.pool.StateConfig;
import dev.spillway.pool.audit.AuditConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a pool configuration file (YAML) into the {@link PoolConfig} records of the Azure adapter
 * (the pool's limits into one {@link dev.spillway.PoolSettings}, which checks them): the schema of
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
 *   <li>The document is bound by Jackson straight into the schema records, whose own checks are the
 *       only validation; keys are exactly the kebab-case names of the schema, any other key is an
 *       error naming its path, such as {@code spillway.backends[1].tierr}.
 *   <li>{@code ${NAME}} in a value is replaced by the environment variable {@code NAME} on the
 *       parsed tree, before binding; an unset variable is an error naming it.
 *   <li>Durations are a whole number with a unit ({@code 500ms}, {@code 120s}, {@code 2m}, {@code
 *       1h}; also {@code ns}, {@code us}, {@code d}) or ISO-8601 ({@code PT2M}); a number without a
 *       unit is refused rather than guessed.
 *   <li>An empty value, {@code ~} or {@code null} means the default.
 * </ul>
 *
 * <p>Every error is a {@link PoolConfigException} naming the file, the line and the property path
 * of the value at fault, and the problem. A value that came from a variable is shown as {@code
 * ${NAME}}, an {@code api-key} or a {@code password} as {@code ***}: no message holds a configured
 * secret, whatever field it was put in. Thread-safe (stateless).
 */
public final class PoolConfigLoader {
  /** The top-level key of the schema in a document that may hold other configuration. */
  public static final String ROOT_KEY = "spillway";

  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .addModule(new SimpleModule().addDeserializer(Duration.class, new DurationText()))
          .build();

  private PoolConfigLoader() {}

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
    LocatedTree tree = LocatedTree.parse(YAML, yaml, sourceName, env);
    JsonNode root = tree.root();
    if (root == null || root.isNull()) {
      throw tree.error("", "the document is empty");
    }
    if (root.isObject() && root.has(ROOT_KEY)) {
      for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!name.equals(ROOT_KEY)) {
          throw tree.error(name, "unknown property; expected only " + ROOT_KEY);
        }
      }
      return bind(tree, ROOT_KEY, root.get(ROOT_KEY));
    }
    return bind(tree, "", root);
  }

  private static PoolConfig bind(LocatedTree tree, String base, JsonNode node) {
    Document document;
    try {
      document = YAML.treeToValue(node, Document.class);
    } catch (JsonMappingException e) {
      throw bindingError(tree, base, e);
    } catch (JsonProcessingException e) {
      throw tree.error(base, "cannot be read as the schema expects");
    }
    if (document == null) {
      throw tree.error(base, "expected properties (key: value), " + tree.found(base));
    }
    return document.toPoolConfig(tree, base);
  }

  /**
   * The document as written: the pool's limits beside the pool's other properties. Bound by Jackson
   * (kebab-case keys); backends, deployments, audit, consumers, priorities and state are the
   * schema's own records.
   */
  record Document(
      Duration timeout,
      Duration attemptTimeout,
      Duration streamAttemptTimeout,
      Duration streamIdleTimeout,
      Integer maxAttempts,
      Duration maxWait,
      Double hedgeRatio,
      String homeBackend,
      Boolean allowInsecureHttp,
      List<BackendConfig> backends,
      AuditConfig audit,
      List<ConsumerConfig> consumers,
      PrioritiesConfig priorities,
      StateConfig state) {

    PoolConfig toPoolConfig(LocatedTree tree, String base) {
      try {
        return PoolConfig.of(
                timeout,
                attemptTimeout,
                streamAttemptTimeout,
                streamIdleTimeout,
                maxAttempts,
                maxWait,
                hedgeRatio,
                homeBackend,
                Boolean.TRUE.equals(allowInsecureHttp),
                backends)
            .withAudit(audit)
            .withConsumers(consumers, priorities)
            .withState(state);
      } catch (InvalidPropertyException e) {
        throw tree.error(child(base, e.property()), e.getMessage());
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw tree.error(base, e.getMessage());
      }
    }
  }

  /** Jackson's failure as the property at fault and a problem that quotes nothing unsafe. */
  private static PoolConfigException bindingError(
      LocatedTree tree, String base, JsonMappingException e) {
    String path = base;
    for (JsonMappingException.Reference ref : e.getPath()) {
      path =
          ref.getFieldName() != null
              ? child(path, ref.getFieldName())
              : path + "[" + ref.getIndex() + "]";
    }
    if (e instanceof UnrecognizedPropertyException unknown) {
      TreeSet<String> known = new TreeSet<>();
      unknown.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
      return tree.error(path, "unknown property; expected one of " + String.join(", ", known));
    }
    if (e.getCause() instanceof InvalidPropertyException invalid) {
      return tree.error(child(path, invalid.property()), invalid.getMessage());
    }
    if (e.getCause() instanceof IllegalArgumentException invalid) {
      return tree.error(path, invalid.getMessage());
    }
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return tree.error(
          path, "expected " + expected(mismatch.getTargetType()) + ", " + tree.found(path));
    }
    return tree.error(path, "cannot be read as the schema expects, " + tree.found(path));
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
    if (type == Duration.class) {
      return DurationText.EXPECTED;
    }
    if (type == String.class) {
      return "a single value";
    }
    return List.class.isAssignableFrom(type) ? "a list" : "properties (key: value)";
  }

  private static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** A duration: a whole number with a unit, or ISO-8601; a bare number is refused. */
  private static final class DurationText extends StdScalarDeserializer<Duration> {
    private static final long serialVersionUID = 1L;
    static final String EXPECTED = "a duration such as 500ms, 120s or 2m";
    private static final Pattern SIMPLE = Pattern.compile("([+-]?\\d+)(ns|us|ms|s|m|h|d)");
    private static final Map<String, ChronoUnit> UNITS =
        Map.of(
            "ns", ChronoUnit.NANOS,
            "us", ChronoUnit.MICROS,
            "ms", ChronoUnit.MILLIS,
            "s", ChronoUnit.SECONDS,
            "m", ChronoUnit.MINUTES,
            "h", ChronoUnit.HOURS,
            "d", ChronoUnit.DAYS);

    DurationText() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      if (!parser.currentToken().isScalarValue()) {
        return (Duration) context.handleUnexpectedToken(Duration.class, parser);
      }
      String text = parser.getValueAsString();
      try {
        Matcher simple = SIMPLE.matcher(text);
        return simple.matches()
            ? Duration.of(Long.parseLong(simple.group(1)), UNITS.get(simple.group(2)))
            : Duration.parse(text);
      } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
        throw context.weirdStringException(text, Duration.class, "expected " + EXPECTED);
      }
    }
  }
}
