/**
 * Actuator and Micrometer integration for Spillway: the {@code spillway} health contributor, the
 * {@code /actuator/spillway} and {@code /actuator/spillwayconsumers} endpoints and the pool's
 * meters.
 */
package dev.spillway.spring.actuate;
