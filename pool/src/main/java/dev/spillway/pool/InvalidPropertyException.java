package dev.spillway.pool;

/**
 * A configuration value the schema refuses, with the property path of the value at fault relative
 * to the record that checked it: {@code tier} or {@code deployments[1].model} for a {@link
 * BackendConfig}, {@code backends[2].endpoint} or {@code home-backend} for a {@link PoolConfig}.
 * Binders append it to the record's own path and report it where the value was written (the CLI at
 * its {@code file:line}, the Spring starter with its property origin).
 *
 * <p>The message is the check's own ({@code backend 'a': tier must be >= 0, was -1}); it may quote
 * the refused value, so binders mask configured secrets before showing it. Immutable and
 * thread-safe.
 */
public final class InvalidPropertyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The property path, kebab-case, relative to the record that threw. */
  private final String property;

  /**
   * Creates the exception.
   *
   * @param property the property path relative to the checking record, such as {@code tier}
   * @param message what is wrong, naming the backend and field
   */
  public InvalidPropertyException(String property, String message) {
    super(message);
    this.property = property;
  }

  /**
   * The property at fault, relative to the record that checked it.
   *
   * @return the property path, such as {@code deployments[1].model} or {@code backends[2].endpoint}
   */
  public String property() {
    return property;
  }
}
