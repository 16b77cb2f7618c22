package dev.spillway.pool.spi;

import dev.spillway.Backend;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The URLs an adapter builds for an attempt. Stateless. */
public final class Urls {
  private Urls() {}

  /**
   * A backend's base URL: its endpoint's scheme, authority and path, without a trailing slash (an
   * API Management endpoint may carry a path).
   *
   * @param backend the backend
   * @return such as {@code https://east.openai.azure.com} or {@code https://apim.example/aoai}
   */
  public static String base(Backend backend) {
    URI endpoint = backend.endpoint();
    String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return endpoint.getScheme().toLowerCase(Locale.ROOT)
        + "://"
        + endpoint.getRawAuthority()
        + path;
  }

  /**
   * A legacy deployment path.
   *
   * @param deployment the deployment name, encoded here
   * @param tail what follows the deployment segment, such as {@code /chat/completions}
   * @return such as {@code /openai/deployments/gpt-4o/chat/completions}
   */
  public static String deploymentPath(String deployment, String tail) {
    return Operation.DEPLOYMENTS
        + URLEncoder.encode(deployment, StandardCharsets.UTF_8).replace("+", "%20")
        + tail;
  }

  /**
   * The first value of a query parameter.
   *
   * @param rawQuery the raw query, or {@code null}
   * @param name the parameter
   * @return its decoded value, or {@code null}
   */
  public static String queryParameter(String rawQuery, String name) {
    if (rawQuery == null) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
