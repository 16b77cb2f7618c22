package dev.spillway.spring.boot3;

import dev.spillway.spring.actuate.AbstractActuatorHttpTest;

/** The shared actuator HTTP test on Spring Boot 3.5's servlet stack (Spring MVC on Tomcat). */
class ActuatorHttpTest extends AbstractActuatorHttpTest {}
