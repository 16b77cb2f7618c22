package dev.spillway.pool;

import com.azure.core.credential.TokenCredential;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import dev.spillway.pool.internal.Auths;
import dev.spillway.pool.internal.VaultSecret;
import dev.spillway.pool.spi.BackendAuth;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How one backend authenticates: an API key ({@code api-key} header) from a supplier or from an
 * Azure Key Vault secret, or Microsoft Entra ID ({@code Authorization: Bearer}, scope {@value
 * #ENTRA_SCOPE}), the recommended way. The engine never sees it: the pool keeps each backend's
 * credential by backend id and SDK adapters set it on every attempt.
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

  /** How long a key read from Key Vault is used before the vault is read again. */
  public static final Duration DEFAULT_SECRET_REFRESH = Duration.ofMinutes(5);

  private final Supplier<String> key;
  private final TokenCredential tokenCredential;
  private final VaultSecret secret;

  private Credential(Supplier<String> key, TokenCredential tokenCredential, VaultSecret secret) {
    this.key = key;
    this.tokenCredential = tokenCredential;
    this.secret = secret;
  }

  /**
   * An API key read from {@code key} on every attempt, so a rotated key is used without a restart.
   *
   * @param key supplies the current key; must not return {@code null} or blank
   * @return the credential
   * @throws NullPointerException if {@code key} is null
   */
  public static Credential apiKey(Supplier<String> key) {
    return new Credential(Objects.requireNonNull(key, "'key' cannot be null."), null, null);
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
    return new Credential(() -> key, null, null);
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
        null, Objects.requireNonNull(tokenCredential, "'tokenCredential' cannot be null."), null);
  }

  /**
   * An API key held in an Azure Key Vault secret, read with {@code tokenCredential} (which needs
   * the secret's {@code get} permission), kept in memory, read again every {@link
   * #DEFAULT_SECRET_REFRESH} and at once when the backend answers 401, so a key rotated in the
   * vault is used without a restart. A read that fails keeps the last good key.
   *
   * @param secretUri {@code https://<vault>.vault.azure.net/secrets/<name>}, optionally with {@code
   *     /<version>} (then the key never changes)
   * @param tokenCredential the vault's token source, such as {@code DefaultAzureCredential}
   * @return the credential
   * @throws IllegalArgumentException if {@code secretUri} is no Key Vault secret URL
   * @throws NullPointerException if {@code tokenCredential} is null
   */
  public static Credential keyVaultSecret(String secretUri, TokenCredential tokenCredential) {
    Objects.requireNonNull(tokenCredential, "'tokenCredential' cannot be null.");
    return keyVaultSecret(
        secretUri, new SecretClientBuilder().credential(tokenCredential), DEFAULT_SECRET_REFRESH);
  }

  /**
   * An API key held in an Azure Key Vault secret, read through a client {@code clientBuilder}
   * builds (its credential, HTTP client, retry options); its vault URL is set from {@code
   * secretUri}.
   *
   * @param secretUri {@code https://<vault>.vault.azure.net/secrets/<name>}, optionally with {@code
   *     /<version>}
   * @param clientBuilder builds the vault's client; configured, it is used once, here
   * @param refreshInterval how long a key read is used before the vault is read again
   * @return the credential
   * @throws IllegalArgumentException if {@code secretUri} is no Key Vault secret URL or {@code
   *     refreshInterval} is not positive
   * @throws NullPointerException if {@code clientBuilder} is null
   */
  public static Credential keyVaultSecret(
      String secretUri, SecretClientBuilder clientBuilder, Duration refreshInterval) {
    return new Credential(null, null, VaultSecret.of(secretUri, clientBuilder, refreshInterval));
  }

  /**
   * @return {@value #API_KEY} (from a supplier or Key Vault) or {@value #ENTRA}
   */
  public String kind() {
    return tokenCredential != null ? ENTRA : API_KEY;
  }

  /**
   * Reads the current key of a supplied API key.
   *
   * @return the key
   * @throws IllegalStateException if this is not a supplied API key (an Entra ID credential, or a
   *     Key Vault secret, which the pool reads per backend), or the supplier returns null or blank
   *     (the message names no secret)
   */
  public String currentKey() {
    if (key == null) {
      throw new IllegalStateException(
          secret != null
              ? "a Key Vault secret is read by the pool, per backend"
              : "an Entra ID credential has no API key");
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

  /** The authentication of one backend with this credential, on the pool's clock. */
  BackendAuth auth(Clock clock) {
    if (tokenCredential != null) {
      return Auths.entra(tokenCredential, clock);
    }
    return secret != null ? Auths.keyVault(secret, clock) : Auths.apiKey(this);
  }

  @Override
  public String toString() {
    if (secret != null) {
      return secret.toString();
    }
    return key != null
        ? "ApiKey[***]"
        : "Entra[" + tokenCredential.getClass().getSimpleName() + "]";
  }
}
