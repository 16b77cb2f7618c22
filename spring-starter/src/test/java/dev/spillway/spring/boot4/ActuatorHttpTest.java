package dev.spillway.spring.boot4;

import dev.spillway.spring.actuate.AbstractActuatorHttpTest;

/** The shared actuator HTTP test on Spring Boot 4's servlet stack (Spring MVC on Tomcat). */
class ActuatorHttpTest extends AbstractActuatorHttpTest {}
