/**
 * Pool state shared by a fleet of processes through Redis: core's {@link
 * dev.spillway.spi.PoolStateStore} on the Lettuce client, so that route cool-downs, backend
 * circuits, admission ledgers and consumer counters one process records are seen by the others.
 */
package dev.spillway.redis;
