/**
 * The Spring Boot 4 starter's own part: the {@code spillway} health contributor on Boot 4's health
 * API ({@code org.springframework.boot.health.contributor}), and the check that fails startup on
 * Spring Boot 3. The rest (properties, pool, clients, endpoint, meters) is shared with the Spring
 * Boot 3 starter.
 */
package dev.spillway.spring.boot4;
