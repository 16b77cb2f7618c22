/**
 * The Spring Boot 3 starter's own part: the {@code spillway} health contributor on Boot 3's health
 * API ({@code org.springframework.boot.actuate.health}), and the check that fails startup on Spring
 * Boot 4. The rest (properties, pool, clients, endpoint, meters) is shared with the Spring Boot 4
 * starter.
 */
package dev.spillway.spring.boot3;
