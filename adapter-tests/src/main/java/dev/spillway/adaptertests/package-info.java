/**
 * The adapter-neutral scenarios every SDK adapter's tests run, defined once: {@link
 * dev.spillway.adaptertests.AdapterScenarios} against two WireMock backends and {@link
 * dev.spillway.adaptertests.SimulatorLoadScenario} against the simulator. An adapter's tests supply
 * an {@link dev.spillway.adaptertests.Sdk}: how its SDK's real clients make each call.
 */
package dev.spillway.adaptertests;
