/**
 * Spillway: a pool of Azure OpenAI backends that behaves like one endpoint, inside the JVM.
 *
 * <p>{@link dev.spillway.BackendPool} holds the backends and their live state; adapters (such as
 * the Azure adapter) run each call through it. {@link dev.spillway.CallOutcome}, {@link
 * dev.spillway.PoolSnapshot} and {@link dev.spillway.PoolListener} show what happened.
 */
package dev.spillway;
