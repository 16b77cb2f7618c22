package dev.spillway.spring;

import dev.spillway.pool.InvalidPropertyException;
import dev.spillway.pool.StateConfig;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.context.properties.source.UnboundElementsSourceFilter;
import org.springframework.boot.origin.Origin;
import org.springframework.core.convert.ConversionException;

/**
 * Rejects any {@code spillway.*} property that is not in the schema, at any depth, before binding;
 * reports a value the schema's records refuse at its own property and {@link Origin}.
 *
 * <p>{@code ignoreUnknownFields = false} alone misses unknown keys inside a list nested in a list
 * (Boot's {@code NoUnboundElementsBindHandler} takes {@code
 * spillway.backends[0].deployments[0].tpmm} for an element of an overridden collection), so every
 * property name under the prefix is walked against the record components of {@link
 * SpillwayProperties} and the adapter's records (and, under {@code spillway.consumer-resolver}, of
 * the Spring-only {@link ConsumerResolverProperties}), and the unknown ones fail startup as {@link
 * UnboundConfigurationPropertiesException}, which names them and where they were set. Like Boot's
 * own check, it skips environment variables and system properties.
 *
 * <p>When a record's check fails with an {@link InvalidPropertyException}, its property path
 * (relative to the record) is appended to the record's name, and the failure is rethrown as a
 * {@link InvalidSpillwayPropertyException} naming that property and where it was set (the YAML file
 * and line, for instance). Its message never holds a configured secret: values bound from a {@code
 * ${NAME}} placeholder are shown as written, API keys, the state store's password and a password
 * inside its URI as {@code ***}. One instance per binding (the advisor makes one each time); not
 * thread-safe.
 */
final class SchemaBindHandler extends AbstractBindHandler {

  /**
   * Values shorter than this are not masked inside the words of a message: a key so short is no
   * secret, and masking {@code "k"} would garble every message.
   */
  private static final int MIN_MASKED_LENGTH = 4;

  private final UnboundElementsSourceFilter filter = new UnboundElementsSourceFilter();

  /** What each bound secret or placeholder value is shown as in a message. */
  private final Map<String, String> masks = new HashMap<>();

  /**
   * The properties whose values are secrets: {@code backends[].api-key}, {@code state.password}.
   */
  private static final Set<String> SECRETS = Set.of("apikey", "password");

  private static final String URI = "uri";

  /** {@code spillway.consumer-resolver}, in uniform form. */
  private static final String CONSUMER_RESOLVER =
      ConfigurationPropertyName.of(ConsumerResolverProperties.PREFIX).getLastElement(Form.UNIFORM);

  SchemaBindHandler(BindHandler parent) {
    super(parent);
  }

  @Override
  public <T> Bindable<T> onStart(
      ConfigurationPropertyName name, Bindable<T> target, BindContext context) {
    if (context.getDepth() == 0 && target.getType().resolve() == SpillwayProperties.class) {
      rejectUnknown(name, context);
    }
    return super.onStart(name, target, context);
  }

  @Override
  public Object onSuccess(
      ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
    if (result instanceof String value && value.length() >= MIN_MASKED_LENGTH) {
      ConfigurationProperty property = context.getConfigurationProperty();
      Object raw = property == null ? null : property.getValue();
      if (raw instanceof String written && written.contains("${") && !written.equals(value)) {
        masks.put(value, written);
      } else if (SECRETS.contains(name.getLastElement(Form.UNIFORM))) {
        masks.put(value, "***");
      }
    }
    if (result instanceof String value && URI.equals(name.getLastElement(Form.UNIFORM))) {
      String password = StateConfig.uriPassword(value);
      if (password != null && password.length() >= MIN_MASKED_LENGTH) {
        masks.putIfAbsent(password, "***");
      }
    }
    return super.onSuccess(name, target, context, result);
  }

  @Override
  public Object onFailure(
      ConfigurationPropertyName name, Bindable<?> target, BindContext context, Exception error)
      throws Exception {
    InvalidPropertyException invalid = cause(error, InvalidPropertyException.class);
    if (invalid != null && cause(error, InvalidSpillwayPropertyException.class) == null) {
      ConfigurationPropertyName at = ConfigurationPropertyName.of(name + "." + invalid.property());
      throw new InvalidSpillwayPropertyException(
          at, origin(at, context), mask(invalid.getMessage()), null);
    }
    if (error instanceof ConversionException) {
      // Spring's own message quotes the value, which may be a key put in the wrong field.
      throw new InvalidSpillwayPropertyException(
          name, origin(name, context), "expected " + expected(target), null);
    }
    return super.onFailure(name, target, context, error);
  }

  private static String expected(Bindable<?> target) {
    Class<?> type = target.getType().resolve(Object.class);
    if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
      return "a whole number";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    return type == Duration.class ? "a duration such as 500ms, 120s or 2m" : type.getSimpleName();
  }

  private String mask(String message) {
    String text = message;
    List<Map.Entry<String, String>> longestFirst = new ArrayList<>(masks.entrySet());
    longestFirst.sort(
        Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
    for (Map.Entry<String, String> mask : longestFirst) {
      text = text.replace(mask.getKey(), mask.getValue());
    }
    return text;
  }

  /** Where a property was set or, for one that is missing, where its nearest parent was. */
  private static Origin origin(ConfigurationPropertyName at, BindContext context) {
    for (ConfigurationPropertyName name = at; !name.isEmpty(); name = name.getParent()) {
      for (ConfigurationPropertySource source : context.getSources()) {
        ConfigurationProperty property = source.getConfigurationProperty(name);
        if (property == null && source instanceof IterableConfigurationPropertySource iterable) {
          property =
              iterable.stream()
                  .filter(name::isAncestorOf)
                  .findFirst()
                  .map(source::getConfigurationProperty)
                  .orElse(null);
        }
        if (property != null) {
          return property.getOrigin();
        }
      }
    }
    return null;
  }

  private static <T extends Throwable> T cause(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private void rejectUnknown(ConfigurationPropertyName root, BindContext context) {
    Set<ConfigurationProperty> unknown = new TreeSet<>();
    for (ConfigurationPropertySource source : context.getSources()) {
      if (source instanceof IterableConfigurationPropertySource iterable && filter.apply(source)) {
        iterable.stream()
            .filter(root::isAncestorOf)
            .filter(name -> !inSchema(name, root.getNumberOfElements()))
            .map(source::getConfigurationProperty)
            .forEach(unknown::add);
      }
    }
    if (!unknown.isEmpty()) {
      throw new UnboundConfigurationPropertiesException(unknown);
    }
  }

  /** Walks {@code name}'s elements from {@code start} through the record components. */
  private static boolean inSchema(ConfigurationPropertyName name, int start) {
    Type type = SpillwayProperties.class;
    int from = start;
    if (name.getNumberOfElements() > start
        && CONSUMER_RESOLVER.equals(name.getElement(start, Form.UNIFORM))) {
      // Spring-only, beside the shared schema: ConsumerResolverProperties
      type = ConsumerResolverProperties.class;
      from = start + 1;
    }
    for (int i = from; i < name.getNumberOfElements(); i++) {
      if (type instanceof ParameterizedType list && list.getRawType() == List.class) {
        if (!name.isNumericIndex(i)) {
          return false;
        }
        type = list.getActualTypeArguments()[0];
      } else if (type instanceof Class<?> record && record.isRecord()) {
        type = component(record, name.getElement(i, Form.UNIFORM));
        if (type == null) {
          return false;
        }
      } else {
        return false;
      }
    }
    return true;
  }

  private static Type component(Class<?> record, String uniformName) {
    for (RecordComponent component : record.getRecordComponents()) {
      if (component.getName().toLowerCase(Locale.ROOT).equals(uniformName)) {
        return component.getGenericType();
      }
    }
    return null;
  }
}
