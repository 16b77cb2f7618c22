package dev.spillway.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Evaluates {@link RequiresProgram}: skip when a program is missing, fail instead on CI. */
public final class RequiresProgramCondition implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    List<String> programs = new ArrayList<>();
    context
        .getElement()
        .flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresProgram.class))
        .ifPresent(a -> programs.addAll(List.of(a.value())));
    return evaluate(programs, System.getenv("PATH"), System.getenv("CI"));
  }

  /**
   * The decision, given the environment.
   *
   * @param programs the programs needed
   * @param path the {@code PATH} value (may be null)
   * @param ci the {@code CI} value (may be null)
   * @return enabled when every program is found; disabled, naming the missing ones, otherwise
   * @throws IllegalStateException when a program is missing and {@code ci} is {@code true}
   */
  static ConditionEvaluationResult evaluate(List<String> programs, String path, String ci) {
    List<String> missing = programs.stream().filter(p -> !onPath(p, path)).toList();
    if (missing.isEmpty()) {
      return ConditionEvaluationResult.enabled("found on the PATH: " + String.join(", ", programs));
    }
    String what = String.join(", ", missing) + " not found on the PATH";
    if ("true".equalsIgnoreCase(ci)) {
      throw new IllegalStateException(what + " (CI=true: CI must install it, see .ci/run)");
    }
    return ConditionEvaluationResult.disabled(
        what + ": skipped (install it to run this test; with CI=true it fails instead)");
  }

  /** Whether {@code program} is an executable file in one of the {@code path} directories. */
  static boolean onPath(String program, String path) {
    if (path == null || program.isEmpty() || program.contains(File.separator)) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      try {
        Path candidate = Path.of(dir, program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return true;
        }
      } catch (InvalidPathException e) {
        // a PATH entry that is no path names no program
      }
    }
    return false;
  }
}
