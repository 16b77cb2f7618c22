/**
 * The Azure adapter: the standard Azure OpenAI {@code OpenAIClient} and {@code OpenAIAsyncClient},
 * load-balanced over a Spillway pool.
 *
 * <p>Start with {@link dev.spillway.azure.SpillwayPool}: build it from code or from the
 * configuration schema ({@link dev.spillway.azure.PoolConfig}), then build SDK clients from {@link
 * dev.spillway.azure.SpillwayPool#openAIClientBuilder()}. Per-call settings travel under the keys
 * of {@link dev.spillway.azure.SpillwayContext}.
 */
package dev.spillway.azure;
