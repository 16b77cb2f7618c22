package dev.spillway.pool.internal;

import com.azure.security.keyvault.secrets.SecretAsyncClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.KeyVaultSecretIdentifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * An API key held in an Azure Key Vault secret: where it is, the client that reads it and how often
 * it is read again. Immutable and thread-safe; holds no secret value. Not API.
 */
public final class VaultSecret {
  private final String uri;
  private final String vaultUrl;
  private final String name;
  private final String version;
  private final SecretAsyncClient client;
  private final Duration refreshInterval;

  private VaultSecret(
      KeyVaultSecretIdentifier id, String uri, SecretAsyncClient client, Duration interval) {
    this.uri = uri;
    this.vaultUrl = vaultUrlOf(uri);
    this.name = id.getName();
    this.version = id.getVersion();
    this.client = client;
    this.refreshInterval = interval;
  }

  /**
   * The secret at {@code secretUri}, read through a client {@code builder} builds for its vault.
   *
   * @param secretUri {@code https://<vault>.vault.azure.net/secrets/<name>}, optionally {@code
   *     /<version>}
   * @param builder the client builder, with its credential; its vault URL is set here
   * @param refreshInterval how long a value read is used before it is read again
   * @return the secret
   * @throws IllegalArgumentException if the URI is no Key Vault secret URL or the interval is not
   *     positive
   */
  public static VaultSecret of(
      String secretUri, SecretClientBuilder builder, Duration refreshInterval) {
    Objects.requireNonNull(builder, "'builder' cannot be null.");
    requirePositive(refreshInterval);
    KeyVaultSecretIdentifier id = parse(secretUri);
    String uri = secretUri.trim();
    return new VaultSecret(
        id, uri, builder.vaultUrl(vaultUrlOf(uri)).buildAsyncClient(), refreshInterval);
  }

  /** The vault's URL, scheme and authority: the identifier's own drops a port. */
  private static String vaultUrlOf(String secretUri) {
    URI uri = URI.create(secretUri);
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  /**
   * Checks a refresh interval.
   *
   * @param refreshInterval the interval
   * @throws IllegalArgumentException if it is null or not positive
   */
  public static void requirePositive(Duration refreshInterval) {
    if (refreshInterval == null || refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException(
          "the Key Vault refresh interval must be > 0, was " + refreshInterval);
    }
  }

  /**
   * Parses a Key Vault secret URL.
   *
   * @param secretUri the URL
   * @return its vault, name and version
   * @throws IllegalArgumentException naming the expected form when it is not one
   */
  public static KeyVaultSecretIdentifier parse(String secretUri) {
    KeyVaultSecretIdentifier id = null;
    if (secretUri != null) {
      try {
        URI uri = new URI(secretUri.trim());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")
            && uri.getHost() != null
            && uri.getRawQuery() == null
            && uri.getRawFragment() == null
            && uri.getRawUserInfo() == null
            && uri.getPath() != null
            && uri.getPath().matches("/secrets/[^/]+(/[^/]*)?/?")) {
          id = new KeyVaultSecretIdentifier(uri.toString());
        }
      } catch (URISyntaxException | IllegalArgumentException e) {
        id = null; // reported below, with the expected form
      }
    }
    if (id == null || id.getName() == null || id.getName().isBlank()) {
      throw new IllegalArgumentException(
          "a Key Vault secret URL must be https://<vault>.vault.azure.net/secrets/<name>"
              + " or .../secrets/<name>/<version>, was '"
              + secretUri
              + "'");
    }
    return id;
  }

  /**
   * @return the secret's URL as configured, for messages (it holds no secret)
   */
  public String uri() {
    return uri;
  }

  /**
   * @return the vault's URL
   */
  public String vaultUrl() {
    return vaultUrl;
  }

  /**
   * @return the secret's name
   */
  public String name() {
    return name;
  }

  /**
   * @return the secret's version, or {@code null} for the latest
   */
  public String version() {
    return version;
  }

  /**
   * @return how long a value read is used before it is read again
   */
  public Duration refreshInterval() {
    return refreshInterval;
  }

  SecretAsyncClient client() {
    return client;
  }

  @Override
  public String toString() {
    return "KeyVaultSecret[" + uri + "]";
  }
}
