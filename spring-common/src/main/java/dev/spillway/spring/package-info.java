/**
 * Spring Boot auto-configuration for Spillway: binds {@code spillway.*} to the Azure adapter's
 * configuration schema and provides the shared {@link dev.spillway.pool.SpillwayPool} with the
 * {@code OpenAIClient} and {@code OpenAIAsyncClient} built from it.
 */
package dev.spillway.spring;
