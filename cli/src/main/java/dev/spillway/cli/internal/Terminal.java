package dev.spillway.cli.internal;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether standard output is a terminal the demo can redraw in place. Thread-safe. */
public final class Terminal {
  private Terminal() {}

  /**
   * Whether the JVM's standard input and output are a terminal. On JDK 22 and later {@link
   * System#console()} is not {@code null} even when output is redirected, so {@code
   * Console.isTerminal()} decides there (called reflectively: the CLI is compiled for Java 17).
   *
   * @return {@code true} for an interactive terminal
   */
  public static boolean isInteractive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    Method isTerminal;
    try {
      isTerminal = Console.class.getMethod("isTerminal");
    } catch (NoSuchMethodException e) {
      return true; // before JDK 22, a console exists only when both streams are a terminal
    }
    try {
      return (Boolean) isTerminal.invoke(console);
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
