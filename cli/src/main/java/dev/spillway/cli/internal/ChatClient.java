package dev.spillway.cli.internal;

import java.util.Map;

/**
 * One SDK's Spillway client, as the load driver uses it: a chat call, plain or streamed to its last
 * chunk. Implementations are thread-safe.
 */
interface ChatClient extends AutoCloseable {
  /**
   * Sends one call and reads its whole answer.
   *
   * @param model the logical model
   * @param call the call
   * @param tags the call's tags, which its {@code CallOutcome} carries
   * @throws RuntimeException whatever the SDK raises for a failed call
   */
  void chat(String model, LoadDriver.Call call, Map<String, String> tags);

  /** Releases the SDK client's transport. */
  @Override
  void close();
}
