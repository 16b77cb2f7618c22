/**
 * The contract for adapter authors: how a transport sends one attempt and reports its status,
 * headers, latency and completion to the engine, and where fleet-wide state is kept.
 *
 * <p>Applications do not use this package directly; the Azure adapter implements it.
 */
package dev.spillway.spi;
