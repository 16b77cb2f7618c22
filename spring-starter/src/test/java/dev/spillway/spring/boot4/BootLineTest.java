package dev.spillway.spring.boot4;

import dev.spillway.spring.internal.AbstractBootLineTest;
import dev.spillway.spring.internal.BootLine;

/** The Boot line check on Spring Boot 4. */
class BootLineTest extends AbstractBootLineTest {
  BootLineTest() {
    super(BootLine.BOOT_4, SpillwayBootLineAutoConfiguration.class);
  }
}
