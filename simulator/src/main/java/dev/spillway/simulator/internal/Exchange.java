package dev.spillway.simulator.internal;

/**
 * One admitted request on its way out: settled exactly once, as a success or a failure, with the
 * completion tokens produced so far. Confined to the connection's event loop.
 */
final class Exchange {
  private final DeploymentRuntime deployment;
  private final long estimate;
  private final int promptTokens;
  private boolean settled;

  Exchange(DeploymentRuntime deployment, long estimate, int promptTokens) {
    this.deployment = deployment;
    this.estimate = estimate;
    this.promptTokens = promptTokens;
  }

  void succeed(int completionTokens) {
    settle(true, completionTokens);
  }

  void fail(int completionTokensSent) {
    settle(false, completionTokensSent);
  }

  private void settle(boolean success, int completionTokens) {
    if (!settled) {
      settled = true;
      deployment.settle(success, estimate, (long) promptTokens + completionTokens);
    }
  }
}
