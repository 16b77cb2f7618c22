package dev.spillway.benchmarks;

/**
 * One backend of the benchmark pool as the clients see it.
 *
 * @param id the backend (simulator resource) id
 * @param tier 0 for PTU, 1 for pay-as-you-go
 * @param weight capacity weight (tokens per simulated minute)
 * @param ptu whether it is a PTU deployment
 * @param port the loopback port
 * @param apiKey its key
 */
record Target(String id, int tier, double weight, boolean ptu, int port, String apiKey) {
  /** The resource whose outage the failure scenario simulates. */
  static final String FAILING = "ptu-a";

  /** The resource the slowdown scenario slows. */
  static final String SLOWED = "paygo-1";

  /** The resource the slowdown-ptu scenario slows. */
  static final String SLOWED_PTU = "ptu-b";

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }
}
