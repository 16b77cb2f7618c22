package dev.spillway.spring.boot4;

import dev.spillway.spring.actuate.AbstractSpillwayHealthIndicatorTest;

/** The shared health tests on Spring Boot 4's health API. */
class SpillwayHealthIndicatorTest extends AbstractSpillwayHealthIndicatorTest {
  SpillwayHealthIndicatorTest() {
    super(new Boot4Health());
  }
}
