package dev.spillway.spring.boot3;

import dev.spillway.spring.internal.AbstractBootLineTest;
import dev.spillway.spring.internal.BootLine;

/** The Boot line check on Spring Boot 3.5. */
class BootLineTest extends AbstractBootLineTest {
  BootLineTest() {
    super(BootLine.BOOT_3, SpillwayBootLineAutoConfiguration.class);
  }
}
