/**
 * The contract for SDK adapter authors: a call's request ({@link dev.spillway.spi.CallRequest}),
 * running it on a pool's engine ({@link dev.spillway.spi.CallExecutor}), how a transport sends one
 * attempt and reports its status, headers, latency and completion, and where fleet-wide state is
 * kept.
 *
 * <p>Applications do not use this package; they use the clients an adapter builds.
 */
package dev.spillway.spi;
