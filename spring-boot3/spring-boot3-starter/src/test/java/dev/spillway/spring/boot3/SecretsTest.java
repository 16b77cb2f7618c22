package dev.spillway.spring.boot3;

import dev.spillway.spring.actuate.AbstractSecretsTest;

/** The shared secrets test with Spring Boot 3.5's health contributor. */
class SecretsTest extends AbstractSecretsTest {
  SecretsTest() {
    super(new Boot3Health());
  }
}
