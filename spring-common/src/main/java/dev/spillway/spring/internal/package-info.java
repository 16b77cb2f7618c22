/**
 * Shared by the Spring Boot 3 and Spring Boot 4 starters; not API: the health computation both
 * starters' health indicators wrap, the check that a starter runs on its own Boot line, and the
 * Spring Security consumer resolver (loaded only when Spring Security is present).
 */
package dev.spillway.spring.internal;
