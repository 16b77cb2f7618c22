package dev.spillway.pool.spi;

import java.util.concurrent.CompletableFuture;

/**
 * One backend's authentication, as an SDK adapter sets it on every attempt. An API key is read from
 * its supplier each time; an Entra ID token is cached per backend and refreshed before it expires.
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
}
