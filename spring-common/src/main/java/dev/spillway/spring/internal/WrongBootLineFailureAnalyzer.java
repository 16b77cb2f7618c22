package dev.spillway.spring.internal;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link WrongBootLineException} into Spring Boot's "APPLICATION FAILED TO START" report
 * instead of a stack trace: the description says which starter runs on which Boot, the action names
 * the dependency to use.
 */
public final class WrongBootLineFailureAnalyzer
    extends AbstractFailureAnalyzer<WrongBootLineException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, WrongBootLineException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Depend on " + cause.running().starter() + " instead of " + cause.built().starter() + ".",
        cause);
  }
}
