package dev.spillway.simulator.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The bodies that never change, read once from {@code bodies/*.json} beside this class: each file
 * holds the exact bytes sent (the gateway's {@code DeploymentNotFound} ends with a newline, as its
 * recorded {@code Content-Length} shows). Thread-safe (immutable after class initialization;
 * callers must not modify the arrays).
 */
final class FixedBodies {
  /** 400 for a request Netty could not decode (assumed shape: no recording exists). */
  static final byte[] BAD_HTTP = read("bad-http.json");

  /** The gateway's 401 for a missing or wrong key (recording 9). */
  static final byte[] UNAUTHORIZED = read("unauthorized.json");

  /** The gateway's 404 for a path, method or api-version it does not serve. */
  static final byte[] RESOURCE_NOT_FOUND = read("resource-not-found.json");

  /** The gateway's 404 for an unknown deployment (recording 10). */
  static final byte[] DEPLOYMENT_NOT_FOUND = read("deployment-not-found.json");

  /** The model layer's 400 for a body that is not a JSON object. */
  static final byte[] INVALID_JSON = read("invalid-json.json");

  /** An injected 500. */
  static final byte[] INTERNAL_SERVER_ERROR = read("internal-server-error.json");

  /** An injected 503. */
  static final byte[] SERVICE_UNAVAILABLE = read("service-unavailable.json");

  private FixedBodies() {}

  private static byte[] read(String name) {
    try (InputStream in = FixedBodies.class.getResourceAsStream("bodies/" + name)) {
      if (in == null) {
        throw new IllegalStateException("bodies/" + name + " is missing from the simulator jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bodies/" + name, e);
    }
  }
}
