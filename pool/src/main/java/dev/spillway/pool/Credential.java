package dev.spillway.pool;

import com.azure.core.credential.TokenCredential;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How one backend authenticates: an API key ({@code api-key} header) or Microsoft Entra ID ({@code
 * Authorization: Bearer}, scope {@value #ENTRA_SCOPE}). The engine never sees it: the pool keeps
 * each backend's credential by backend id and SDK adapters set it on every attempt.
 *
 * <p>Immutable and thread-safe. {@code toString()} never shows a secret.
 */
public final class Credential {
  /** The OAuth scope of Azure OpenAI (Cognitive Services) tokens. */
  public static final String ENTRA_SCOPE = "https://cognitiveservices.azure.com/.default";

  /** The kind of an API-key credential, as snapshots and logs show it. */
  public static final String API_KEY = "api-key";

  /** The kind of a Microsoft Entra ID credential, as snapshots and logs show it. */
  public static final String ENTRA = "entra";

  private final Supplier<String> key;
  private final TokenCredential tokenCredential;

  private Credential(Supplier<String> key, TokenCredential tokenCredential) {
    this.key = key;
    this.tokenCredential = tokenCredential;
  }

  /**
   * An API key read from {@code key} on every attempt, so a rotated key is used without a restart.
   *
   * @param key supplies the current key; must not return {@code null} or blank
   * @return the credential
   * @throws NullPointerException if {@code key} is null
   */
  public static Credential apiKey(Supplier<String> key) {
    return new Credential(Objects.requireNonNull(key, "'key' cannot be null."), null);
  }

  /**
   * A fixed API key.
   *
   * @param key the key
   * @return the credential
   * @throws IllegalArgumentException if {@code key} is null or blank (the message shows no value)
   */
  public static Credential apiKey(String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("'key' cannot be null or blank.");
    }
    return new Credential(() -> key, null);
  }

  /**
   * Microsoft Entra ID: bearer tokens from {@code tokenCredential} (such as {@code
   * DefaultAzureCredential}), one cached token per backend, refreshed before it expires.
   *
   * @param tokenCredential the token source
   * @return the credential
   * @throws NullPointerException if {@code tokenCredential} is null
   */
  public static Credential entra(TokenCredential tokenCredential) {
    return new Credential(
        null, Objects.requireNonNull(tokenCredential, "'tokenCredential' cannot be null."));
  }

  /**
   * @return {@value #API_KEY} or {@value #ENTRA}
   */
  public String kind() {
    return key != null ? API_KEY : ENTRA;
  }

  /**
   * Reads the current key, for an adapter setting the {@code api-key} header.
   *
   * @return the key
   * @throws IllegalStateException if this is not an API key, or the supplier returns null or blank
   *     (the message names no secret)
   */
  public String currentKey() {
    if (key == null) {
      throw new IllegalStateException("an Entra ID credential has no API key");
    }
    String value = key.get();
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("API key supplier returned no key.");
    }
    return value;
  }

  /**
   * @return the token source of an Entra ID credential, or {@code null} for an API key
   */
  public TokenCredential tokenCredential() {
    return tokenCredential;
  }

  @Override
  public String toString() {
    return key != null
        ? "ApiKey[***]"
        : "Entra[" + tokenCredential.getClass().getSimpleName() + "]";
  }
}
