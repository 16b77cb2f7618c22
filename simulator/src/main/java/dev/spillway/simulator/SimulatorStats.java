package dev.spillway.simulator;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * A snapshot of every deployment's books. Immutable.
 *
 * @param timeScale the time-scale factor F the simulator runs with
 * @param deployments the books, in configuration order
 */
public record SimulatorStats(double timeScale, List<DeploymentStats> deployments) {

  /**
   * Copies the list.
   *
   * @throws IllegalArgumentException if the list is null
   */
  public SimulatorStats {
    Args.requireNonNull("stats", "deployments", deployments);
    deployments = List.copyOf(deployments);
  }

  /**
   * Finds one deployment's books.
   *
   * @param resource the resource id
   * @param deployment the deployment name
   * @return the books
   * @throws NoSuchElementException if there is no such deployment
   */
  public DeploymentStats deployment(String resource, String deployment) {
    return deployments.stream()
        .filter(d -> d.resource().equals(resource) && d.deployment().equals(deployment))
        .findFirst()
        .orElseThrow(
            () ->
                new NoSuchElementException(
                    "no deployment '" + deployment + "' on resource '" + resource + "'"));
  }

  /**
   * The pool's capacity fraction (docs/benchmark.md §1): Σ tokens charged ÷ Σ tokens chargeable
   * over all deployments.
   *
   * @return the fraction, 0 when nothing was chargeable yet
   */
  public double capacityFraction() {
    long charged = 0;
    long chargeable = 0;
    for (DeploymentStats d : deployments) {
      charged += d.tokensCharged();
      chargeable += d.tokensChargeable();
    }
    return chargeable == 0 ? 0 : (double) charged / chargeable;
  }
}
