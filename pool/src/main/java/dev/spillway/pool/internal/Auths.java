package dev.spillway.pool.internal;

import dev.spillway.pool.Credential;
import dev.spillway.pool.spi.BackendAuth;

/** Makes the authentication of a credential. Not API. */
public final class Auths {
  private Auths() {}

  /**
   * The authentication of {@code credential}: its key read per attempt, or its Entra ID token
   * cached for this backend alone.
   *
   * @param credential the credential
   * @return the authentication
   */
  public static BackendAuth of(Credential credential) {
    return credential.tokenCredential() != null
        ? new EntraAuth(credential.tokenCredential())
        : new ApiKeyAuth(credential);
  }
}
