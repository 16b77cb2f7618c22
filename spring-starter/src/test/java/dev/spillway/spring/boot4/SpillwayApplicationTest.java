package dev.spillway.spring.boot4;

import dev.spillway.spring.AbstractSpillwayApplicationTest;

/** The shared application test with the Spring Boot 4 starter. */
class SpillwayApplicationTest extends AbstractSpillwayApplicationTest {
  SpillwayApplicationTest() {
    super(new Boot4Health());
  }
}
