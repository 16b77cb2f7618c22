package dev.spillway.pool.spi;

import java.util.Objects;

/**
 * The one header that authenticates an attempt on a backend: {@code api-key: <key>} or {@code
 * Authorization: Bearer <token>}. An adapter removes both {@link #API_KEY} and {@link
 * #AUTHORIZATION} from the caller's request, then sets this one.
 *
 * <p>Immutable. {@code toString()} shows the name only.
 *
 * @param name {@link #API_KEY} or {@link #AUTHORIZATION}
 * @param value the secret value
 */
public record AuthHeader(String name, String value) {
  /** The header of an API key. */
  public static final String API_KEY = "api-key";

  /** The header of a bearer token. */
  public static final String AUTHORIZATION = "Authorization";

  /** Checks the fields. */
  public AuthHeader {
    Objects.requireNonNull(name, "'name' cannot be null.");
    Objects.requireNonNull(value, "'value' cannot be null.");
  }

  @Override
  public String toString() {
    return "AuthHeader[" + name + ": ***]";
  }
}
