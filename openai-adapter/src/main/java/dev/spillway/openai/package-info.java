/**
 * The openai-java adapter: openai-java's {@code OpenAIClient} and {@code OpenAIClientAsync},
 * load-balanced over a Spillway pool.
 *
 * <p>Build a {@link dev.spillway.pool.SpillwayPool} (from code or from the configuration schema),
 * then clients from {@link dev.spillway.openai.SpillwayOpenAI}. The same pool may serve
 * azure-ai-openai's clients at once; all of them share its state.
 */
package dev.spillway.openai;
