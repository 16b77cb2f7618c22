package dev.spillway.pool.internal;

import dev.spillway.pool.Credential;
import dev.spillway.pool.spi.AuthHeader;
import dev.spillway.pool.spi.BackendAuth;
import java.util.concurrent.CompletableFuture;

/** An API key, read from its supplier on every attempt so a rotated key is used at once. */
final class ApiKeyAuth implements BackendAuth {
  private final Credential key;

  ApiKeyAuth(Credential key) {
    this.key = key;
  }

  @Override
  public String kind() {
    return Credential.API_KEY;
  }

  @Override
  public AuthHeader header() {
    return new AuthHeader(AuthHeader.API_KEY, key.currentKey());
  }

  @Override
  public CompletableFuture<AuthHeader> headerAsync() {
    try {
      return CompletableFuture.completedFuture(header());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public String toString() {
    return "ApiKeyAuth[***]";
  }
}
