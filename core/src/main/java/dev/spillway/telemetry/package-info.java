/**
 * The telemetry vocabulary of Spillway: metric names, units, attributes and the rules that decide
 * what each call and attempt records, shared by the engine's OpenTelemetry metrics and by every
 * other meter registry binding (the Spring starters' Micrometer binder).
 *
 * <p>For integration authors; applications read the metrics, not this package.
 */
package dev.spillway.telemetry;
