/**
 * Implementation of the simulator: the Netty server, request handling, quota books, response shapes
 * and configuration binding. Not API: anything here may change without notice; use {@code
 * dev.spillway.simulator} instead.
 */
package dev.spillway.simulator.internal;
