package dev.spillway.pool.internal;

import com.azure.core.credential.TokenCredential;
import dev.spillway.pool.Credential;
import dev.spillway.pool.spi.BackendAuth;
import java.time.Clock;

/** Makes the authentication of a credential, for {@link Credential}. Not API. */
public final class Auths {
  private Auths() {}

  /**
   * An API key read from the credential's supplier on every attempt.
   *
   * @param credential an API-key credential
   * @return the authentication
   */
  public static BackendAuth apiKey(Credential credential) {
    return new ApiKeyAuth(credential);
  }

  /**
   * An Entra ID token cached for this backend alone.
   *
   * @param tokenCredential the token source
   * @param clock the pool's wall clock, against which a token's expiry is read
   * @return the authentication
   */
  public static BackendAuth entra(TokenCredential tokenCredential, Clock clock) {
    return new EntraAuth(tokenCredential, clock);
  }

  /**
   * An API key read from a Key Vault secret, kept for this backend alone; its first read starts
   * now, in the background.
   *
   * @param secret the secret
   * @param clock the pool's wall clock, against which the refresh interval is read
   * @return the authentication
   */
  public static BackendAuth keyVault(VaultSecret secret, Clock clock) {
    KeyVaultKeyAuth auth = new KeyVaultKeyAuth(secret, clock);
    auth.prefetch();
    return auth;
  }
}
