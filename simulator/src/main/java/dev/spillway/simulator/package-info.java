/**
 * A local Azure OpenAI-compatible HTTP server with Azure's quota and throttling behaviour, for
 * tests, demos and benchmarks of clients that spread load over several Azure OpenAI deployments.
 *
 * <p>Start one with {@link dev.spillway.simulator.Simulator#builder()} (or {@link
 * dev.spillway.simulator.Simulator#start(SimulatorConfig)}); describe resources and deployments
 * with the immutable {@link dev.spillway.simulator.SimulatorConfig}, {@link
 * dev.spillway.simulator.ResourceConfig}, {@link dev.spillway.simulator.DeploymentConfig} and
 * {@link dev.spillway.simulator.LatencyModel}; inject failures at run time with {@link
 * dev.spillway.simulator.Faults}; read the books with {@link
 * dev.spillway.simulator.SimulatorStats}. {@link
 * dev.spillway.simulator.SimulatorConfigs#benchmarkPool(long)} builds the pool the Spillway
 * benchmark uses.
 *
 * <p>Everything in {@code dev.spillway.simulator.internal} is implementation, not API.
 */
package dev.spillway.simulator;
