/**
 * The Azure adapter: the standard Azure OpenAI {@code OpenAIClient} and {@code OpenAIAsyncClient},
 * load-balanced over a Spillway pool.
 *
 * <p>Build a {@link dev.spillway.pool.SpillwayPool} (from code or from the configuration schema),
 * then SDK clients from {@link dev.spillway.azure.SpillwayAzure#openAIClientBuilder}. Per-call
 * settings travel under the keys of {@link dev.spillway.azure.SpillwayContext}.
 */
package dev.spillway.azure;
