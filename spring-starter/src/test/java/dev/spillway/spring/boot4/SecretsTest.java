package dev.spillway.spring.boot4;

import dev.spillway.spring.actuate.AbstractSecretsTest;

/** The shared secrets test with Spring Boot 4's health contributor. */
class SecretsTest extends AbstractSecretsTest {
  SecretsTest() {
    super(new Boot4Health());
  }
}
