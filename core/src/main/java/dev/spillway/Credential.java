package dev.spillway;

/**
 * How a backend authenticates. The engine never reads a secret itself: it hands the credential to
 * the transport on every attempt, and guarantees that {@code toString()} of every Spillway type
 * holding one shows no secret.
 *
 * <p>Core offers {@link #apiKey(java.util.function.Supplier) API keys}; adapters add their own
 * kinds (the Azure adapter adds Microsoft Entra ID). Implementations must be thread-safe and must
 * not reveal secrets in {@code toString()}.
 */
public interface Credential {

  /**
   * A short, secret-free name of the kind of credential, for snapshots and logs: {@code "api-key"},
   * {@code "entra"}.
   *
   * @return the kind
   */
  String kind();

  /**
   * An API key read from {@code key} on every attempt, so a rotated key is used without a restart.
   *
   * @param key supplies the current key; must not return {@code null} or blank
   * @return the credential
   * @throws NullPointerException if {@code key} is null
   */
  static ApiKey apiKey(java.util.function.Supplier<String> key) {
    return new ApiKey(key);
  }

  /**
   * A fixed API key.
   *
   * @param key the key
   * @return the credential
   * @throws IllegalArgumentException if {@code key} is null or blank
   */
  static ApiKey apiKey(String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("'key' cannot be null or blank.");
    }
    return new ApiKey(() -> key);
  }

  /** An API key credential. Thread-safe. Its {@code toString()} is {@code ApiKey[***]}. */
  final class ApiKey implements Credential {
    private final java.util.function.Supplier<String> key;

    private ApiKey(java.util.function.Supplier<String> key) {
      this.key = java.util.Objects.requireNonNull(key, "'key' cannot be null.");
    }

    /**
     * Reads the current key from the supplier.
     *
     * @return the key
     * @throws IllegalStateException if the supplier returns null or blank (the message names no
     *     secret)
     */
    public String currentKey() {
      String value = key.get();
      if (value == null || value.isBlank()) {
        throw new IllegalStateException("API key supplier returned no key.");
      }
      return value;
    }

    @Override
    public String kind() {
      return "api-key";
    }

    @Override
    public String toString() {
      return "ApiKey[***]";
    }
  }
}
