package dev.spillway.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

class RequiresProgramTest {
  private static final String ABSENT = "spillway-no-such-program-4f1c";

  @TempDir Path bin;

  private String pathWith(String program, boolean executable) throws IOException {
    Path file = Files.createFile(bin.resolve(program));
    Files.setPosixFilePermissions(
        file, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    return "/nonexistent-dir" + File.pathSeparator + File.pathSeparator + bin;
  }

  @Test
  void aProgramOnThePathEnablesTheTest() throws IOException {
    String path = pathWith("fake-redis", true);

    ConditionEvaluationResult result =
        RequiresProgramCondition.evaluate(List.of("fake-redis"), path, null);

    assertThat(result.isDisabled()).isFalse();
    assertThat(RequiresProgramCondition.evaluate(List.of("fake-redis"), path, "true").isDisabled())
        .isFalse();
  }

  @Test
  void aMissingProgramSkipsWithAReasonNamingIt() throws IOException {
    String path = pathWith("fake-redis", false); // present but not executable

    ConditionEvaluationResult result =
        RequiresProgramCondition.evaluate(List.of("fake-redis", ABSENT), path, "false");

    assertThat(result.isDisabled()).isTrue();
    assertThat(result.getReason())
        .hasValueSatisfying(
            r ->
                assertThat(r)
                    .contains("fake-redis, " + ABSENT + " not found on the PATH")
                    .contains("CI=true"));
    assertThat(RequiresProgramCondition.evaluate(List.of(ABSENT), null, null).isDisabled())
        .isTrue();
  }

  @Test
  void aMissingProgramFailsOnCi() {
    assertThatIllegalStateException()
        .isThrownBy(() -> RequiresProgramCondition.evaluate(List.of(ABSENT), "/usr/bin", "true"))
        .withMessageContaining(ABSENT + " not found on the PATH")
        .withMessageContaining(".ci/run");
  }

  @Test
  void aPathWithSeparatorsIsNotAProgramName() {
    assertThat(RequiresProgramCondition.onPath("bin/sh", "/")).isFalse();
    assertThat(RequiresProgramCondition.onPath("", "/usr/bin")).isFalse();
  }

  /** Needs a program no machine has; run only through the launcher below. */
  static class NeedsAnAbsentProgram {
    @Test
    @RequiresProgram(ABSENT)
    void needsIt() {}
  }

  @Test
  void theAnnotationSkipsVisiblyThroughJUnit() {
    Map<String, String> skipped = new ConcurrentHashMap<>();
    Map<String, TestExecutionResult> finished = new ConcurrentHashMap<>();
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(NeedsAnAbsentProgram.class))
            .build();
    LauncherFactory.create()
        .execute(
            request,
            new TestExecutionListener() {
              @Override
              public void executionSkipped(TestIdentifier test, String reason) {
                skipped.put(test.getDisplayName(), reason);
              }

              @Override
              public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                finished.put(test.getDisplayName(), result);
              }
            });

    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertThat(finished.get("needsIt()").getStatus())
          .isEqualTo(TestExecutionResult.Status.FAILED);
    } else {
      assertThat(skipped).containsKey("needsIt()");
      assertThat(skipped.get("needsIt()")).contains(ABSENT + " not found on the PATH");
    }
  }
}
