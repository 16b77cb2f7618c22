package dev.spillway.simulator.internal;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a request goes, as the gateway reads it: {@code POST
 * /openai/deployments/{deployment}/{operation}?api-version=…}, or the v1 API's {@code POST
 * /openai/v1/{operation}} (api-version optional) with the deployment as the body's {@code model}.
 * Immutable.
 *
 * @param deployment the deployment name, URL-decoded; {@code null} for a v1 route until the body is
 *     read ({@link #withDeployment})
 * @param operation the operation
 * @param apiVersion the api-version, not blank; {@code v1} for a v1 request without one
 * @param v1 whether the deployment is the body's {@code model}
 */
record Route(String deployment, Operation operation, String apiVersion, boolean v1) {
  private static final Pattern DEPLOYMENT_PATH =
      Pattern.compile("^/openai/deployments/([^/]+)/(chat/completions|completions|embeddings)/?$");

  private static final Pattern V1_PATH =
      Pattern.compile("^/openai/v1/(chat/completions|completions|embeddings)/?$");

  /** What a v1 request's 429 bodies name as its version when it sends none. */
  static final String V1 = "v1";

  /**
   * Reads the route of a request.
   *
   * @param method the request's method
   * @param uri the request's URI
   * @return the route, or null when the gateway serves no such path, method or api-version (404
   *     Resource not found)
   */
  static Route of(HttpMethod method, QueryStringDecoder uri) {
    if (!HttpMethod.POST.equals(method)) {
      return null;
    }
    List<String> apiVersions = uri.parameters().get("api-version");
    String apiVersion = apiVersions == null || apiVersions.isEmpty() ? "" : apiVersions.get(0);
    Matcher v1 = V1_PATH.matcher(uri.path());
    if (v1.matches()) {
      return new Route(
          null, Operation.of(v1.group(1)), apiVersion.isBlank() ? V1 : apiVersion, true);
    }
    Matcher path = DEPLOYMENT_PATH.matcher(uri.path());
    if (!path.matches() || apiVersion.isBlank()) {
      return null;
    }
    return new Route(
        QueryStringDecoder.decodeComponent(path.group(1)),
        Operation.of(path.group(2)),
        apiVersion,
        false);
  }

  /**
   * @param name the deployment a v1 request's body names
   * @return this route to that deployment
   */
  Route withDeployment(String name) {
    return new Route(name, operation, apiVersion, v1);
  }
}
