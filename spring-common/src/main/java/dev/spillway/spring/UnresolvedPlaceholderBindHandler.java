package dev.spillway.spring;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * Fails the binding of a {@code spillway.*} value that still holds a {@code ${NAME}} placeholder
 * after Spring resolved it: Boot leaves unresolvable placeholders as literal text, so an unset
 * {@code ${AOAI_PTU_DEPLOYMENT}} would otherwise reach Azure as a deployment name and fail every
 * call with 404. The message names the property and the variable, never the value (it may hold a
 * key around the placeholder).
 */
final class UnresolvedPlaceholderBindHandler extends AbstractBindHandler {
  private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("spillway");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]*)");

  UnresolvedPlaceholderBindHandler(BindHandler parent) {
    super(parent);
  }

  @Override
  public Object onSuccess(
      ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
    if (result instanceof String value && ROOT.isAncestorOf(name)) {
      Matcher matcher = PLACEHOLDER.matcher(value);
      if (matcher.find()) {
        String variable = matcher.group(1).trim();
        throw new IllegalArgumentException(
            name
                + ": ${"
                + variable
                + "} is not resolved; set the environment variable or property "
                + variable);
      }
    }
    return super.onSuccess(name, target, context, result);
  }
}
