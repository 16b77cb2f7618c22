package dev.spillway.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that needs programs outside Maven (a Redis server, a browser) on the
 * {@code PATH}. When one is missing the test is skipped with a reason naming it; when the
 * environment variable {@code CI} is {@code true} it fails instead, because CI installs what the
 * tests need ({@code .ci/run}) and a skip there would hide a broken set-up.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(RequiresProgramCondition.class)
public @interface RequiresProgram {
  /**
   * The executables' names, looked up in the {@code PATH} directories.
   *
   * @return the names
   */
  String[] value();
}
