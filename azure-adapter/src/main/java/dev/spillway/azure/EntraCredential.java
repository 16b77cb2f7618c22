package dev.spillway.azure;

import com.azure.core.credential.TokenCredential;
import dev.spillway.Credential;
import java.util.Objects;

/**
 * Microsoft Entra ID authentication for a backend: each attempt carries {@code Authorization:
 * Bearer <token>} for the scope {@value #SCOPE}. The pool keeps one token cache per backend and
 * asks the credential again only shortly before the cached token expires.
 *
 * <pre>{@code
 * Backend.builder("sweden-ptu").endpoint("https://a.openai.azure.com")
 *     .credential(EntraCredential.of(new DefaultAzureCredentialBuilder().build()))
 *     .deployment("gpt-4o", "gpt4o-ptu").build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link #toString()} shows no token.
 */
public final class EntraCredential implements Credential {
  /** The OAuth scope of Azure OpenAI (Cognitive Services). */
  public static final String SCOPE = "https://cognitiveservices.azure.com/.default";

  private final TokenCredential tokenCredential;

  private EntraCredential(TokenCredential tokenCredential) {
    this.tokenCredential = tokenCredential;
  }

  /**
   * Authenticates with tokens from {@code tokenCredential}.
   *
   * @param tokenCredential such as {@code DefaultAzureCredential}; must be thread-safe
   * @return the credential
   * @throws NullPointerException if {@code tokenCredential} is null
   */
  public static EntraCredential of(TokenCredential tokenCredential) {
    return new EntraCredential(
        Objects.requireNonNull(tokenCredential, "'tokenCredential' cannot be null."));
  }

  /**
   * @return the token credential
   */
  public TokenCredential tokenCredential() {
    return tokenCredential;
  }

  /**
   * @return {@code "entra"}
   */
  @Override
  public String kind() {
    return BackendConfig.ENTRA;
  }

  @Override
  public String toString() {
    return "EntraCredential[" + tokenCredential.getClass().getSimpleName() + "]";
  }
}
