package dev.spillway.pool.internal;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.SimpleTokenCache;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.spillway.pool.Credential;
import dev.spillway.pool.spi.AuthHeader;
import dev.spillway.pool.spi.BackendAuth;
import java.util.concurrent.CompletableFuture;

/**
 * Microsoft Entra ID bearer tokens for one backend, cached by azure-core's {@link
 * SimpleTokenCache}: one token shared by every attempt, refreshed in its last five minutes (at most
 * every 30 s while it is still valid, at once when it has expired), concurrent refreshes coalesced.
 * {@code SimpleTokenCache} is public in both azure-core lines Spillway supports; its sibling {@code
 * AccessTokenCache} became public only in azure-core 1.61, and the Spring Boot 3.5 line runs 1.58.
 */
final class EntraAuth implements BackendAuth {
  private static final TokenRequestContext SCOPE =
      new TokenRequestContext().addScopes(Credential.ENTRA_SCOPE);

  private final SimpleTokenCache tokens;
  private final String source;

  EntraAuth(TokenCredential credential) {
    this.tokens = new SimpleTokenCache(() -> credential.getToken(SCOPE));
    this.source = credential.getClass().getSimpleName();
  }

  @Override
  public String kind() {
    return Credential.ENTRA;
  }

  @Override
  public AuthHeader header() {
    return bearer(tokens.getToken().block());
  }

  @Override
  public CompletableFuture<AuthHeader> headerAsync() {
    return tokens.getToken().map(EntraAuth::bearer).toFuture();
  }

  private static AuthHeader bearer(AccessToken token) {
    if (token == null || token.getToken() == null) {
      throw new IllegalStateException("the token credential returned no token");
    }
    return new AuthHeader(AuthHeader.AUTHORIZATION, "Bearer " + token.getToken());
  }

  @Override
  public String toString() {
    return "EntraAuth[" + source + "]";
  }
}
