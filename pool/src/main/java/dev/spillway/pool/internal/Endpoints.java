package dev.spillway.pool.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Endpoint URL checks shared by the configuration records and the pool builder. Not API. */
public final class Endpoints {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private Endpoints() {}

  /**
   * Parses an endpoint: an absolute http(s) URL with a host and no query, fragment or user info.
   *
   * @param backendId the backend, for messages
   * @param endpoint the URL
   * @return the URI
   * @throws IllegalArgumentException naming the backend when the URL is invalid
   */
  public static URI parse(String backendId, String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      throw new IllegalArgumentException(
          "backend '" + backendId + "': endpoint cannot be null or blank.");
    }
    URI uri;
    try {
      uri = new URI(endpoint.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "backend '" + backendId + "': endpoint is not a valid URL: '" + endpoint + "'", e);
    }
    requireValid(backendId, uri);
    return uri;
  }

  /**
   * Checks an endpoint is an absolute http(s) URL with a host and no query, fragment or user info.
   *
   * @param backendId the backend, for messages
   * @param uri the endpoint
   * @throws IllegalArgumentException naming the backend when it is not
   */
  public static void requireValid(String backendId, URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "backend '"
              + backendId
              + "': endpoint must be an"
              + " absolute http(s) URL without query, fragment or user info, was '"
              + uri
              + "'");
    }
  }

  /**
   * Refuses plain http except to loopback, unless allowed.
   *
   * @param backendId the backend, for messages
   * @param uri the endpoint
   * @param allowInsecureHttp whether plain http is allowed to any host
   * @throws IllegalArgumentException naming the backend when the endpoint is refused
   */
  public static void requireSecure(String backendId, URI uri, boolean allowInsecureHttp) {
    if ("http".equalsIgnoreCase(uri.getScheme())
        && !allowInsecureHttp
        && !isLoopback(uri.getHost())) {
      throw new IllegalArgumentException(
          "backend '"
              + backendId
              + "': endpoint must use https"
              + " (plain http is allowed only to loopback, or with allow-insecure-http), was '"
              + uri
              + "'");
    }
  }

  /**
   * Whether a host names the loopback interface, without a DNS lookup.
   *
   * @param host a host name or IP literal
   * @return {@code true} for {@code localhost}, 127.0.0.0/8 and ::1
   */
  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!IPV4.matcher(h).matches() && !h.contains(":")) {
      return false; // a name other than localhost: never resolved here
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
