package dev.spillway;

import java.util.Locale;

/** Why a route cooled down. */
public enum CoolDownReason {
  /** 429, or 503 with a retry hint. */
  THROTTLED,
  /** 404 {@code DeploymentNotFound} or 400 {@code OperationNotSupported}. */
  MISCONFIGURED;

  /**
   * The lower-case name used in telemetry.
   *
   * @return for example {@code throttled}
   */
  public String attributeValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
