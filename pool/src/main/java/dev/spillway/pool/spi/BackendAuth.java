package dev.spillway.pool.spi;

import java.util.concurrent.CompletableFuture;

/**
 * One backend's authentication, as an SDK adapter sets it on every attempt. An API key is read from
 * its supplier each time, or from a Key Vault secret kept in memory and read again on an interval;
 * an Entra ID token is cached per backend and refreshed before it expires.
 *
 * <p>When a backend answers 401, the adapter calls {@link #rejected} with the header the attempt
 * carried and, if it completes {@code true}, marks the response with {@link
 * dev.spillway.spi.AttemptResponse#withRenewedCredential()}: the engine then fails over without
 * opening the backend's circuit, and the next attempt there carries the new key.
 *
 * <p>Thread-safe.
 */
public interface BackendAuth {

  /**
   * @return {@code api-key} or {@code entra}
   */
  String kind();

  /**
   * The header for an attempt sent now. May block while a token is fetched; for the sync path.
   *
   * @return the header
   * @throws RuntimeException when no key or token could be had (the message names no secret)
   */
  AuthHeader header();

  /**
   * The header for an attempt, without blocking the calling thread.
   *
   * @return the header, or a future failed as {@link #header()} would throw
   */
  CompletableFuture<AuthHeader> headerAsync();

  /**
   * The backend answered 401 to {@code rejected}: a credential that can be renewed reads its
   * current value at once (a Key Vault secret reads the vault; a key supplier is read again). Entra
   * ID tokens are not renewed on a 401: a token still valid that is refused points to a role
   * assignment, not to staleness.
   *
   * @param rejected the header the refused attempt carried
   * @return a future completed with {@code true} when the credential now differs from {@code
   *     rejected}, {@code false} when it cannot be renewed, is unchanged or could not be read;
   *     never failed. The default completes {@code false}.
   */
  default CompletableFuture<Boolean> rejected(AuthHeader rejected) {
    return CompletableFuture.completedFuture(false);
  }
}
