package dev.spillway.redis;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.spillway.testing.ModuleBoundaries;

/** This module and the Spillway modules it uses reach into no other module's internals. */
@AnalyzeClasses(packages = "dev.spillway")
class ModuleBoundariesTest {
  @ArchTest static final ArchRule internals = ModuleBoundaries.NO_FOREIGN_INTERNALS;
}
