package dev.spillway.testing;

import dev.spillway.Backend;
import dev.spillway.BackendPool;
import dev.spillway.Deployment;

/** Small pools for tests. */
public final class Pools {
  private Pools() {}

  /** A backend on a fake endpoint with one route for {@code gpt-4o}. */
  public static Backend backend(String id, int tier, double weight, Deployment... deployments) {
    Backend.Builder b =
        Backend.builder(id)
            .endpoint("https://" + id + ".openai.azure.com")
            .tier(tier)
            .weight(weight);
    if (deployments.length == 0) {
      b.deployment("gpt-4o", id + "-gpt4o");
    }
    for (Deployment d : deployments) {
      b.deployment(d);
    }
    return b.build();
  }

  public static Backend backend(String id, int tier) {
    return backend(id, tier, 1.0);
  }

  /** A pool builder on manual time with a fixed seed. */
  public static BackendPool.Builder manual(ManualTime time, Backend... backends) {
    BackendPool.Builder b = BackendPool.builder().ticker(time).scheduler(time).randomSeed(42);
    for (Backend backend : backends) {
      b.backend(backend);
    }
    return b;
  }
}
