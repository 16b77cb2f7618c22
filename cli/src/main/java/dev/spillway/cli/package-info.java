/**
 * The Spillway command line: {@code demo} on the embedded simulator and {@code run} against a pool
 * described by a YAML file ({@link dev.spillway.cli.PoolConfigLoader}). {@link
 * dev.spillway.cli.Main} is the entry point of {@code spillway-cli.jar}.
 */
package dev.spillway.cli;
