package dev.spillway.simulator.internal;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a request goes, as the gateway reads it: {@code POST
 * /openai/deployments/{deployment}/{operation}?api-version=…}. Immutable.
 *
 * @param deployment the deployment name, URL-decoded
 * @param operation the operation
 * @param apiVersion the api-version, not blank
 */
record Route(String deployment, Operation operation, String apiVersion) {
  private static final Pattern DEPLOYMENT_PATH =
      Pattern.compile("^/openai/deployments/([^/]+)/(chat/completions|completions|embeddings)/?$");

  /**
   * Reads the route of a request.
   *
   * @param method the request's method
   * @param uri the request's URI
   * @return the route, or null when the gateway serves no such path, method or api-version (404
   *     Resource not found)
   */
  static Route of(HttpMethod method, QueryStringDecoder uri) {
    Matcher path = DEPLOYMENT_PATH.matcher(uri.path());
    List<String> apiVersions = uri.parameters().get("api-version");
    String apiVersion = apiVersions == null || apiVersions.isEmpty() ? "" : apiVersions.get(0);
    if (!path.matches() || !HttpMethod.POST.equals(method) || apiVersion.isBlank()) {
      return null;
    }
    return new Route(
        QueryStringDecoder.decodeComponent(path.group(1)), Operation.of(path.group(2)), apiVersion);
  }
}
