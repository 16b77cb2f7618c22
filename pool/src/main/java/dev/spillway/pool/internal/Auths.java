package dev.spillway.pool.internal;

import dev.spillway.pool.Credential;
import dev.spillway.pool.spi.BackendAuth;
import java.time.Clock;

/** Makes the authentication of a credential. Not API. */
public final class Auths {
  private Auths() {}

  /**
   * The authentication of {@code credential}: its key read per attempt, or its Entra ID token
   * cached for this backend alone.
   *
   * @param credential the credential
   * @param clock the pool's wall clock, against which a token's expiry is read
   * @return the authentication
   */
  public static BackendAuth of(Credential credential, Clock clock) {
    return credential.tokenCredential() != null
        ? new EntraAuth(credential.tokenCredential(), clock)
        : new ApiKeyAuth(credential);
  }
}
