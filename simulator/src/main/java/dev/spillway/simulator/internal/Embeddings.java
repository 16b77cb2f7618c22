package dev.spillway.simulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Embedding vectors: one random unit vector per input, a pure function of the seed, the deployment
 * and the input, so the same text always gets the same vector. Thread-safe (stateless).
 */
final class Embeddings {
  /** The length of a vector when the request sets no valid {@code dimensions}, as ada-002's. */
  private static final int DEFAULT_DIMENSIONS = 1536;

  /** The longest vector, as text-embedding-3-large's. */
  private static final int MAX_DIMENSIONS = 3072;

  private Embeddings() {}

  /**
   * @param body the checked request body
   * @param seed the simulator's seed
   * @param deployment the deployment name
   * @return one vector per input (a string, a token array, or an array of either)
   */
  static float[][] vectors(JsonNode body, long seed, String deployment) {
    JsonNode input = body.get("input");
    int dimensions = body.path("dimensions").asInt(DEFAULT_DIMENSIONS);
    if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
      dimensions = DEFAULT_DIMENSIONS;
    }
    List<JsonNode> items = new ArrayList<>();
    if (input.isArray() && !input.isEmpty() && !input.get(0).isNumber()) {
      input.forEach(items::add);
    } else {
      items.add(input);
    }
    float[][] vectors = new float[items.size()][];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] =
          unitVector(
              new SplittableRandom(
                  DeploymentRuntime.mix(
                      seed
                          ^ deployment.hashCode()
                          ^ ((long) items.get(i).toString().hashCode() << 32))),
              dimensions);
    }
    return vectors;
  }

  private static float[] unitVector(RandomGenerator random, int dimensions) {
    float[] v = new float[dimensions];
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      double x = random.nextGaussian();
      v[i] = (float) x;
      norm += x * x;
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dimensions; i++) {
      v[i] *= scale;
    }
    return v;
  }
}
