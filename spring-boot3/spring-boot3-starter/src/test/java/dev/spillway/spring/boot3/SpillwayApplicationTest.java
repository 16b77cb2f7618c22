package dev.spillway.spring.boot3;

import dev.spillway.spring.AbstractSpillwayApplicationTest;

/** The shared application test with the Spring Boot 3 starter. */
class SpillwayApplicationTest extends AbstractSpillwayApplicationTest {
  SpillwayApplicationTest() {
    super(new Boot3Health());
  }
}
