package dev.spillway.simulator;

import java.time.Duration;

/**
 * The books of one deployment over a period (since the simulator started or since {@link
 * Simulator#resetStats()}), as {@link Simulator#stats()} and {@code GET /_sim/stats} report them.
 * Token and period figures are in simulated time. Immutable.
 *
 * @param resource the resource id
 * @param deployment the deployment name
 * @param ptu whether it is a PTU deployment
 * @param requests requests addressed to the deployment (after authentication), whatever their
 *     outcome
 * @param succeeded 2xx answers sent completely
 * @param throttled 429 answers
 * @param failed every other outcome: 400s, injected 5xx, resets, answers cut because the client
 *     went away
 * @param tokensAdmitted prompt + {@code max_tokens} of the admitted requests, as charged at
 *     admission
 * @param tokensServed prompt + completion tokens of the {@code succeeded} answers
 * @param tokensUsed prompt + completion tokens actually produced for every admitted request that
 *     finished in the period, successful or not (the actual cost of what was admitted)
 * @param tokensCharged what the quota charged: standard, the admission estimates; PTU, the
 *     estimates corrected to the actual cost of each finished request
 * @param tokensChargeable what the deployment could have charged over the period: the effective TPM
 *     or PTU rate integrated over time
 * @param period the simulated length of the period
 */
public record DeploymentStats(
    String resource,
    String deployment,
    boolean ptu,
    long requests,
    long succeeded,
    long throttled,
    long failed,
    long tokensAdmitted,
    long tokensServed,
    long tokensUsed,
    long tokensCharged,
    long tokensChargeable,
    Duration period) {

  /**
   * The capacity fraction of this deployment, {@code tokensCharged ÷ tokensChargeable}
   * (docs/benchmark.md §1).
   *
   * @return the fraction, 0 when nothing was chargeable yet
   */
  public double capacityFraction() {
    return tokensChargeable == 0 ? 0 : (double) tokensCharged / tokensChargeable;
  }
}
