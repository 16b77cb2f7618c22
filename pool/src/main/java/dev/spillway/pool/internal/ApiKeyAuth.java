package dev.spillway.pool.internal;

import dev.spillway.pool.Credential;
import dev.spillway.pool.spi.AuthHeader;
import dev.spillway.pool.spi.BackendAuth;
import java.util.concurrent.CompletableFuture;

/**
 * An API key, read from its supplier on every attempt so a rotated key is used at once; on a 401
 * the supplier is read again to tell a rotation from a wrong key.
 */
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
  public CompletableFuture<Boolean> rejected(AuthHeader rejected) {
    try {
      return CompletableFuture.completedFuture(!key.currentKey().equals(rejected.value()));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(false);
    }
  }

  @Override
  public String toString() {
    return "ApiKeyAuth[***]";
  }
}
