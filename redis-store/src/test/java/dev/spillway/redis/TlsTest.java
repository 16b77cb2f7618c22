package dev.spillway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spillway.CoolDownReason;
import dev.spillway.redis.testing.RedisServer;
import dev.spillway.spi.PoolStateStore;
import dev.spillway.spi.PoolStateStore.Cell;
import dev.spillway.spi.PoolStateStore.CoolDown;
import dev.spillway.testing.RequiresProgram;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} against a real {@code redis-server} listening with TLS, its certificate signed
 * by a CA made for the test ({@code openssl}, into a temporary directory): two stores that trust
 * the CA share records over TLS, and one that does not fails {@code build()}.
 */
@RequiresProgram({RedisServer.PROGRAM, "openssl"})
class TlsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String PASSWORD = "tls-s3cret";

  @TempDir Path dir;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private Path ca;
  private Path otherCa;
  private int tlsPort;
  private RedisServer redis;

  @BeforeEach
  void start() throws Exception {
    ca = certificateAuthority("ca");
    otherCa = certificateAuthority("other-ca");
    serverCertificate(ca);
    tlsPort = freePort();
    redis =
        RedisServer.builder()
            .user("spillway", PASSWORD)
            .setting("tls-port", Integer.toString(tlsPort))
            .setting("tls-cert-file", dir.resolve("server.crt").toString())
            .setting("tls-key-file", dir.resolve("server.key").toString())
            .setting("tls-ca-cert-file", ca.toString())
            .setting("tls-auth-clients", "no")
            .start();
    opened.add(redis);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  private String uri() {
    return "rediss://spillway:" + PASSWORD + "@127.0.0.1:" + tlsPort;
  }

  private RedisStateStore store(Path trusted) {
    RedisStateStore store =
        RedisStateStore.builder(uri()).keyPrefix("tls").trustedCertificates(trusted).build();
    opened.add(store::close);
    return store;
  }

  @Test
  void storesTrustingTheCaShareRecordsOverTls() {
    RedisStateStore a = store(ca);
    RedisStateStore b = store(ca);
    CoolDown cooling = new CoolDown(1_800_000_000_000L, 1, true, CoolDownReason.THROTTLED);
    PoolStateStore.QuotaReport report =
        new PoolStateStore.QuotaReport(12_000, 40, 60_000, 100, Double.NaN, 1_800_000_000_001L);
    Cell<CoolDown> inB = b.coolDown("ptu", "gpt-4o");

    assertThat(a.coolDown("ptu", "gpt-4o").compareAndSet(CoolDown.NONE, cooling)).isTrue();
    assertThat(
            a.quotaReport("payg", "gpt-4o").compareAndSet(PoolStateStore.QuotaReport.NONE, report))
        .isTrue();

    await().atMost(WAIT).until(() -> inB.get().equals(cooling));
    await().atMost(WAIT).until(() -> b.quotaReport("payg", "gpt-4o").get().equals(report));
    assertThat(store(ca).coolDown("ptu", "gpt-4o").get())
        .as("a third store loads it at start, over TLS")
        .isEqualTo(cooling);
    assertThat(((String) redis.call("CLIENT", "LIST")).lines())
        .as("the stores' connections came in on the TLS listener, as the ACL user")
        .filteredOn(line -> line.contains(" laddr=127.0.0.1:" + tlsPort + " "))
        .hasSizeGreaterThanOrEqualTo(6)
        .allMatch(line -> line.contains(" user=spillway "));
    assertThat(a.toString()).contains("rediss://***@127.0.0.1:" + tlsPort).doesNotContain(PASSWORD);
  }

  @Test
  void aServerCertificateNotTrustedFailsTheBuildNamingTheUriWithoutThePassword() {
    for (RedisStateStore.Builder untrusted :
        List.of(
            RedisStateStore.builder(uri()).trustedCertificates(otherCa),
            RedisStateStore.builder(uri()))) { // the JVM's default trust
      assertThatThrownBy(untrusted::build)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("rediss://***@127.0.0.1:" + tlsPort)
          .hasMessageContaining("TLS handshake")
          .hasMessageNotContaining(PASSWORD);
    }
  }

  @Test
  void trustedCertificatesMustBeReadableAndNotWithAnApplicationsClient() {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> RedisStateStore.builder(uri()).trustedCertificates(missing).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.pem")
        .hasMessageNotContaining(PASSWORD);
    io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create();
    try {
      assertThatThrownBy(
              () -> RedisStateStore.builder(uri()).client(client).trustedCertificates(ca).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("SslOptions");
    } finally {
      client.shutdown();
    }
  }

  /** A self-signed CA: {@code name.crt} (returned) and {@code name.key}. */
  private Path certificateAuthority(String name) throws IOException, InterruptedException {
    Path crt = dir.resolve(name + ".crt");
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        dir.resolve(name + ".key").toString(),
        "-out",
        crt.toString(),
        "-days",
        "1",
        "-subj",
        "/CN=spillway test " + name);
    return crt;
  }

  /** {@code server.crt} and {@code server.key}, for 127.0.0.1, signed by the CA. */
  private void serverCertificate(Path caCrt) throws IOException, InterruptedException {
    Path caKey = Path.of(caCrt.toString().replace(".crt", ".key"));
    Path ext = dir.resolve("server.ext");
    Files.writeString(ext, "subjectAltName=IP:127.0.0.1\n", StandardCharsets.US_ASCII);
    openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        dir.resolve("server.key").toString(),
        "-out",
        dir.resolve("server.csr").toString(),
        "-subj",
        "/CN=127.0.0.1");
    openssl(
        "x509",
        "-req",
        "-in",
        dir.resolve("server.csr").toString(),
        "-CA",
        caCrt.toString(),
        "-CAkey",
        caKey.toString(),
        "-set_serial",
        "1",
        "-days",
        "1",
        "-extfile",
        ext.toString(),
        "-out",
        dir.resolve("server.crt").toString());
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Path out = dir.resolve("openssl.log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("openssl " + args[0] + " took over 30 s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "openssl " + String.join(" ", args) + " failed:\n" + Files.readString(out));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
