package dev.spillway.simulator;

import java.time.Duration;
import java.util.Objects;

/** Argument checks whose messages name the owner, the field and the value. Not thread-sensitive. */
final class Args {
  private Args() {}

  static String requireText(String owner, String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          prefix(owner)
              + field
              + " must not be blank, was "
              + (value == null ? "null" : "'" + value + "'"));
    }
    return value;
  }

  static <T> T requireNonNull(String owner, String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(prefix(owner) + field + " cannot be null");
    }
    return value;
  }

  static Duration requireNonNegative(String owner, String field, Duration value) {
    requireNonNull(owner, field, value);
    if (value.isNegative()) {
      throw new IllegalArgumentException(prefix(owner) + field + " must be >= 0, was " + value);
    }
    return value;
  }

  static double requireRange(String owner, String field, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(
          prefix(owner) + field + " must be in [" + min + ", " + max + "], was " + value);
    }
    return value;
  }

  static double requirePositive(String owner, String field, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          prefix(owner) + field + " must be > 0 and finite, was " + value);
    }
    return value;
  }

  static long requirePositive(String owner, String field, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(prefix(owner) + field + " must be > 0, was " + value);
    }
    return value;
  }

  private static String prefix(String owner) {
    return owner == null ? "" : owner + ": ";
  }

  static String quoted(String kind, String name) {
    return kind + " '" + Objects.toString(name) + "'";
  }
}
