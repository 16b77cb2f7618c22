package dev.spillway.pool.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import reactor.core.publisher.Mono;

/**
 * A WireMock server over https speaking the Key Vault secrets REST API as the real Key Vault client
 * meets it: a request without a bearer token gets the 401 challenge naming the authority and
 * resource; {@code GET /secrets/{name}[/{version}]} with a token gets the secret's JSON (or the
 * status a test set). Counts the reads by secret.
 *
 * <p>Clients come from {@link #clientBuilder()}: a Netty client trusting WireMock's self-signed
 * certificate, no retries (a failure is one request) and the challenge's resource not checked
 * against the vault's host ({@code localhost}).
 */
public final class FakeKeyVault implements AutoCloseable {
  /** The bearer token the vault's credential issues. */
  public static final String VAULT_TOKEN = "vault-token";

  /** Issues {@link #VAULT_TOKEN}, valid for an hour of real time. */
  public static final TokenCredential VAULT_TOKENS =
      request ->
          Mono.just(new AccessToken(VAULT_TOKEN, OffsetDateTime.now(ZoneOffset.UTC).plusHours(1)));

  private static final HttpClient TRUSTING = trustingClient();

  private final WireMockServer server =
      new WireMockServer(options().dynamicHttpsPort().httpDisabled(true).bindAddress("127.0.0.1"));

  private final int port;

  private FakeKeyVault() {
    server.start();
    port = server.httpsPort();
    server.stubFor(
        any(anyUrl())
            .atPriority(1)
            .withHeader("Authorization", absent())
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader(
                        "WWW-Authenticate",
                        "Bearer authorization=\"https://login.microsoftonline.com/tenant-id\","
                            + " resource=\"https://vault.azure.net\"")));
  }

  /**
   * Starts a vault holding no secret (every read answers 404 {@code SecretNotFound}).
   *
   * @return the vault
   */
  public static FakeKeyVault start() {
    FakeKeyVault vault = new FakeKeyVault();
    vault.server.stubFor(any(anyUrl()).atPriority(10).willReturn(error(404, "SecretNotFound")));
    return vault;
  }

  /**
   * A client builder for this vault, as {@code Credential.keyVaultSecret} takes it: the trusting
   * client, no retries, {@link #VAULT_TOKENS}.
   *
   * @return a new builder
   */
  public static SecretClientBuilder clientBuilder() {
    return customize(new SecretClientBuilder().credential(VAULT_TOKENS));
  }

  /**
   * Applies the trusting client, no retries and no resource check to a builder.
   *
   * @param builder the builder
   * @return the builder
   */
  public static SecretClientBuilder customize(SecretClientBuilder builder) {
    return builder
        .httpClient(TRUSTING)
        .retryOptions(new RetryOptions(new FixedDelayOptions(0, Duration.ofMillis(1))))
        .disableChallengeResourceVerification();
  }

  /**
   * @param name a secret's name
   * @return its URL, {@code https://localhost:<port>/secrets/<name>}
   */
  public String secretUri(String name) {
    return "https://localhost:" + port + "/secrets/" + name;
  }

  /**
   * From now on, reads of {@code name} (any version) answer {@code value}.
   *
   * @param name the secret
   * @param value its value
   */
  public void holds(String name, String value) {
    server.stubFor(
        get(urlPathMatching(secretPath(name)))
            .atPriority(5)
            .withHeader("Authorization", matching("Bearer .+"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"value\":\""
                            + value
                            + "\",\"id\":\""
                            + secretUri(name)
                            + "/0123456789abcdef\",\"attributes\":{\"enabled\":true,"
                            + "\"created\":1764590400,\"updated\":1764590400,"
                            + "\"recoveryLevel\":\"Recoverable+Purgeable\"}}")));
  }

  /**
   * From now on, reads of {@code name} answer {@code status} with a Key Vault error body.
   *
   * @param name the secret
   * @param status the status, such as 403
   * @param code the error code, such as {@code Forbidden}
   */
  public void answers(String name, int status, String code) {
    server.stubFor(
        get(urlPathMatching(secretPath(name)))
            .atPriority(5)
            .withHeader("Authorization", matching("Bearer .+"))
            .willReturn(error(status, code)));
  }

  /**
   * @param name the secret
   * @return the reads of {@code name} that carried a token (the challenges not counted)
   */
  public int reads(String name) {
    return server
        .findAll(
            getRequestedFor(urlPathMatching(secretPath(name)))
                .withHeader("Authorization", matching("Bearer .+")))
        .size();
  }

  /**
   * @return every request the vault received, challenges included
   */
  public int requests() {
    return server.findAll(anyRequestedFor(anyUrl())).size();
  }

  /**
   * @return the requests without a token, which the client sends to learn the challenge
   */
  public int challenges() {
    return server.findAll(anyRequestedFor(anyUrl()).withHeader("Authorization", absent())).size();
  }

  /** Stops answering: the vault is unreachable (connections refused) from now on. */
  public void stop() {
    server.stop();
  }

  @Override
  public void close() {
    if (server.isRunning()) {
      server.stop();
    }
  }

  private static String secretPath(String name) {
    return "/secrets/" + Pattern.quote(name) + "(/[^/]*)?";
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder error(
      int status, String code) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(
            "{\"error\":{\"code\":\""
                + code
                + "\",\"message\":\"The vault answered "
                + code
                + " for this test\"}}");
  }

  /**
   * A Netty client that trusts any certificate and checks no host name: WireMock's certificate is
   * self-signed.
   */
  private static HttpClient trustingClient() {
    try {
      io.netty.handler.ssl.SslContext ssl =
          SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
      reactor.netty.http.client.HttpClient netty =
          reactor.netty.http.client.HttpClient.create()
              .secure(
                  spec ->
                      spec.sslContext(ssl)
                          .handlerConfigurator(
                              handler -> {
                                SSLEngine engine = handler.engine();
                                SSLParameters params = engine.getSSLParameters();
                                params.setEndpointIdentificationAlgorithm(null);
                                engine.setSSLParameters(params);
                              }));
      return new NettyAsyncHttpClientBuilder(netty).build();
    } catch (SSLException e) {
      throw new IllegalStateException(e);
    }
  }
}
