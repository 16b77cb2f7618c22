package dev.spillway.spring.boot3;

import dev.spillway.spring.actuate.AbstractSpillwayHealthIndicatorTest;

/** The shared health tests on Spring Boot 3.5's health API. */
class SpillwayHealthIndicatorTest extends AbstractSpillwayHealthIndicatorTest {
  SpillwayHealthIndicatorTest() {
    super(new Boot3Health());
  }
}
