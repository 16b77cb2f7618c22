package dev.spillway.simulator;

import dev.spillway.simulator.internal.ResourceServer;

/** A running simulated resource: where to reach it. Thread-safe. */
public final class SimulatedResource {
  private final ResourceServer server;

  SimulatedResource(ResourceServer server) {
    this.server = server;
  }

  /**
   * @return the resource id
   */
  public String id() {
    return server.config().id();
  }

  /**
   * @return the port it listens on (the same after connections are refused and accepted again)
   */
  public int port() {
    return server.port();
  }

  /**
   * The endpoint to give a client, e.g. {@code http://127.0.0.1:54321}; clients append {@code
   * /openai/deployments/{name}/…}.
   *
   * @return the base URL, without a trailing slash
   */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /**
   * @return the configuration
   */
  public ResourceConfig config() {
    return server.config();
  }

  /**
   * @return whether it accepts connections (false after {@link
   *     Simulator#refuseConnections(String)})
   */
  public boolean acceptingConnections() {
    return server.accepting();
  }

  @Override
  public String toString() {
    return "SimulatedResource[" + id() + " at " + baseUrl() + "]";
  }
}
