package dev.spillway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import example.offender.Offender;
import org.junit.jupiter.api.Test;

@AnalyzeClasses(packages = "dev.spillway")
class ModuleBoundariesTest {
  @ArchTest static final ArchRule internals = ModuleBoundaries.NO_FOREIGN_INTERNALS;

  @Test
  void namesTheModuleOfEachPackage() {
    assertThat(ModuleBoundaries.module("dev.spillway")).isEqualTo("core");
    assertThat(ModuleBoundaries.module("dev.spillway.internal")).isEqualTo("core");
    assertThat(ModuleBoundaries.module("dev.spillway.spi")).isEqualTo("core");
    assertThat(ModuleBoundaries.module("dev.spillway.azure.internal")).isEqualTo("azure");
    assertThat(ModuleBoundaries.module("dev.spillway.spring.boot4")).isEqualTo("spring");
    assertThat(ModuleBoundaries.isInternal("dev.spillway.pool.internal")).isTrue();
    assertThat(ModuleBoundaries.isInternal("dev.spillway.pool.spi")).isFalse();
  }

  @Test
  void failsOnAClassThatUsesAnotherModulesInternals() {
    JavaClasses offender = new ClassFileImporter().importClasses(Offender.class);
    EvaluationResult result = ModuleBoundaries.NO_FOREIGN_INTERNALS.evaluate(offender);
    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString()).contains("dev.spillway.internal.RandomSource");
  }
}
