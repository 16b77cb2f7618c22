package dev.spillway.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * The build's module boundary: no class uses another module's {@code …internal} package. Every
 * module's tests check it over the Spillway classes on their classpath (their own and their
 * dependencies'), with ArchUnit.
 *
 * <p>A module is named by the package segment after {@code dev.spillway}: {@code pool}, {@code
 * azure}, {@code simulator}, {@code cli}, {@code spring}… Core owns {@code dev.spillway} itself and
 * its {@code internal}, {@code spi}, {@code telemetry} and {@code testing} packages (the test kit
 * reaches into core's internals on purpose, so that benchmarks never need to). The Spring starters
 * of both Boot lines share {@code dev.spillway.spring} with the code they have in common, which is
 * one integration.
 */
public final class ModuleBoundaries {
  private static final String ROOT = "dev.spillway";

  /** No class depends on another module's internal package. */
  public static final ArchRule NO_FOREIGN_INTERNALS =
      classes()
          .should(
              new ArchCondition<JavaClass>("use no other module's internal package") {
                @Override
                public void check(JavaClass item, ConditionEvents events) {
                  String own = module(item.getPackageName());
                  for (Dependency d : item.getDirectDependenciesFromSelf()) {
                    String target = d.getTargetClass().getPackageName();
                    if (isInternal(target) && !module(target).equals(own)) {
                      events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                  }
                }
              })
          .because(
              "internal packages are not API; modules meet through dev.spillway, spi packages");

  private ModuleBoundaries() {}

  /** The module owning a package: the segment after {@code dev.spillway}, core for its own. */
  static String module(String packageName) {
    if (!packageName.startsWith(ROOT)) {
      return packageName;
    }
    String rest = packageName.substring(ROOT.length());
    if (rest.isEmpty()) {
      return "core";
    }
    String first = rest.substring(1).split("\\.", -1)[0];
    switch (first) {
      case "internal":
      case "spi":
      case "telemetry":
      case "testing":
        return "core";
      default:
        return first;
    }
  }

  static boolean isInternal(String packageName) {
    return packageName.startsWith(ROOT + ".")
        && (packageName.endsWith(".internal") || packageName.contains(".internal."));
  }
}
