package dev.spillway;

/** The circuit of one backend: its authentication and connection health. */
public enum CircuitState {
  /** Traffic flows. */
  CLOSED,
  /** No traffic until the open period ends. */
  OPEN,
  /** The open period ended; one probe call is let through. */
  HALF_OPEN
}
