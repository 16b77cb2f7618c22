package dev.spillway.spring;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Locale;
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

/**
 * Rejects any {@code spillway.*} property that is not in the schema, at any depth, before binding.
 *
 * <p>{@code ignoreUnknownFields = false} alone misses unknown keys inside a list nested in a list
 * (Boot's {@code NoUnboundElementsBindHandler} takes {@code
 * spillway.backends[0].deployments[0].tpmm} for an element of an overridden collection), so every
 * property name under the prefix is walked against the record components of {@link
 * SpillwayProperties} and the adapter's records, and the unknown ones fail startup as {@link
 * UnboundConfigurationPropertiesException}, which names them and where they were set. Like Boot's
 * own check, it skips environment variables and system properties.
 */
final class SchemaBindHandler extends AbstractBindHandler {

  private final UnboundElementsSourceFilter filter = new UnboundElementsSourceFilter();

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
    for (int i = start; i < name.getNumberOfElements(); i++) {
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
