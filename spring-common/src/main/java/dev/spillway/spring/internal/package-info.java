/**
 * Shared by the Spring Boot 3 and Spring Boot 4 starters; not API: the health computation both
 * starters' health indicators wrap, and the check that a starter runs on its own Boot line.
 */
package dev.spillway.spring.internal;
