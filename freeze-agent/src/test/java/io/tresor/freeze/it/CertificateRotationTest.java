package io.tresor.freeze.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.tresor.freeze.AgentServer;
import io.tresor.freeze.testing.TestCertificates;
import io.tresor.freeze.testing.TestCertificates.Pair;
import io.tresor.proto.freeze.v1.StatusRequest;
import io.tresor.tls.UnusableCertificateException;
import io.tresor.tls.testing.LogCapture;
import io.tresor.tls.testing.SecretVolume;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent serving TLS from a kubelet-style Secret volume that gets rotated: new connections get the new
 * certificate within the reload period, a broken pair is never served, no restart.
 */
class CertificateRotationTest {
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  @TempDir
  Path dir;
  private Pair a;
  private Pair b;
  private Pair c;

  @BeforeEach
  void certificates() throws Exception {
    Assumptions.assumeTrue(TestCertificates.available(), "SKIPPED: no openssl to make certificates");
    a = TestCertificates.selfSigned(dir.resolve("made"), "agent-a");
    b = TestCertificates.selfSigned(dir.resolve("made"), "agent-b");
    c = TestCertificates.selfSigned(dir.resolve("made"), "agent-c");
  }

  @Test
  void aRotatedCertificateIsServedToNewConnectionsAndABrokenOneNever() throws Exception {
    SecretVolume secret = new SecretVolume(dir.resolve("tls"), a.certPem(), a.keyPem());
    try (LogCapture log = new LogCapture();
         MockCluster cluster = new MockCluster();
         AgentServer agent = AgentServer.start(AgentFixture.config(dir.resolve("pods"), dir.resolve("state/j"),
             "--tls-cert=" + secret.cert(), "--tls-key=" + secret.key(), "--tls-reload-seconds=1"), cluster.client)) {
      int port = agent.grpcPort();
      assertThat(servedSerial(port)).isEqualTo(serial(a));
      assertCallSucceedsTrusting(port, a);

      secret.publish(b.certPem(), b.keyPem());
      await("certificate B served", () -> serial(b).equals(servedSerial(port)));
      assertCallSucceedsTrusting(port, b);
      assertThatThrownBy(() -> assertCallSucceedsTrusting(port, a)).as("a new connection no longer gets A")
          .isInstanceOf(StatusRuntimeException.class);

      // certificate C with B's key: what a rotation caught half-way would look like
      secret.publish(c.certPem(), b.keyPem());
      await("the warning about C", () -> log.lines("WARN", "not reloaded", "is not the key of") > 0);
      assertThat(servedSerial(port)).isEqualTo(serial(b));
      assertCallSucceedsTrusting(port, b);
      // more looks at the same broken files (about two at 1 s) warn no more: the warning is once per change
      Thread.sleep(2_500);
      assertThat(log.lines("WARN", "not reloaded")).isEqualTo(1);

      secret.publish(c.certPem(), c.keyPem());
      await("certificate C served", () -> serial(c).equals(servedSerial(port)));
      assertCallSucceedsTrusting(port, c);
      assertThat(log.lines("serving certificate reloaded", "CN=agent-c", hex(c))).isEqualTo(1);
      assertThat(log.text()).doesNotContain(keyBody(b)).doesNotContain(keyBody(c));
    }
    await("the reload thread stops with the agent", () -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().equals("tls-reload")));
  }

  @Test
  void handshakesDuringRotationsAllSucceed() throws Exception {
    SecretVolume secret = new SecretVolume(dir.resolve("tls"), a.certPem(), a.keyPem());
    try (MockCluster cluster = new MockCluster();
         AgentServer agent = AgentServer.start(AgentFixture.config(dir.resolve("pods"), dir.resolve("state/j"),
             "--tls-cert=" + secret.cert(), "--tls-key=" + secret.key(), "--tls-reload-seconds=1"), cluster.client)) {
      int port = agent.grpcPort();
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger handshakes = new AtomicInteger();
      List<String> failures = new CopyOnWriteArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        for (int i = 0; i < 3; i++) {
          pool.submit(() -> {
            while (running.get()) {
              try {
                servedSerial(port);
                handshakes.incrementAndGet();
              } catch (Exception e) {
                failures.add(e.toString());
              }
            }
          });
        }
        for (Pair next : List.of(b, c, a, b)) {
          secret.publish(next.certPem(), next.keyPem());
          await("certificate " + next.certificate().getSubjectX500Principal() + " served",
              () -> serial(next).equals(servedSerial(port)));
        }
      } finally {
        running.set(false);
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(failures).isEmpty();
      assertThat(handshakes.get()).isGreaterThan(10);
    }
  }

  @Test
  void anRsaCertificateWithAPkcs1KeyAsTheServiceCaIssuesItIsServedAfterAnEcOneAndASec1EcKeyAfterThat()
      throws Exception {
    Pair rsa = TestCertificates.selfSignedRsaPkcs1(dir.resolve("made"), "agent-rsa");
    Pair sec1 = TestCertificates.selfSignedEcSec1(dir.resolve("made"), "agent-sec1");
    assertThat(new String(sec1.keyPem(), StandardCharsets.US_ASCII)).contains("-----BEGIN EC PRIVATE KEY-----");
    SecretVolume secret = new SecretVolume(dir.resolve("tls"), a.certPem(), a.keyPem());
    try (MockCluster cluster = new MockCluster();
         AgentServer agent = AgentServer.start(AgentFixture.config(dir.resolve("pods"), dir.resolve("state/j"),
             "--tls-cert=" + secret.cert(), "--tls-key=" + secret.key(), "--tls-reload-seconds=1"), cluster.client)) {
      secret.publish(rsa.certPem(), rsa.keyPem());
      await("the RSA certificate served", () -> serial(rsa).equals(servedSerial(agent.grpcPort(), rsa)));
      assertCallSucceedsTrusting(agent.grpcPort(), rsa);

      // openssl ecparam -genkey: EC PARAMETERS, then the SEC1 key
      secret.publish(sec1.certPem(), sec1.keyPem());
      await("the SEC1 certificate served", () -> serial(sec1).equals(servedSerial(agent.grpcPort(), rsa, sec1)));
      assertCallSucceedsTrusting(agent.grpcPort(), sec1);
    }
  }

  @Test
  void anAgentWhoseCertificateCannotBeServedDoesNotStart() throws Exception {
    Path cert = Files.write(dir.resolve("tls.crt"), a.certPem());
    Path key = Files.write(dir.resolve("tls.key"), b.keyPem());
    try (MockCluster cluster = new MockCluster()) {
      assertThatThrownBy(() -> AgentServer.start(AgentFixture.config(dir.resolve("pods"), dir.resolve("state/j"),
          "--tls-cert=" + cert, "--tls-key=" + key), cluster.client).close())
          .isInstanceOf(UnusableCertificateException.class)
          .hasMessageContaining("the key in " + key + " is not the key of the first certificate in " + cert);

      // as its own JVM: a configuration error like a bad flag, one line and exit code 2, no stack trace
      Path log = dir.resolve("agent.log");
      assertThat(AgentProcess.runToExit(cluster.url(), dir.resolve("pods"), dir.resolve("state/j"), log,
          "--tls-cert=" + cert, "--tls-key=" + key)).isEqualTo(2);
      assertThat(Files.readString(log))
          .contains("tresor-freeze-agent: --tls-cert/--tls-key: the key in " + key + " is not the key of")
          .doesNotContain("\tat ")
          .doesNotContain(keyBody(b));
    }
  }

  /** A gRPC call over a new connection that trusts only {@code pair}'s certificate. */
  private static void assertCallSucceedsTrusting(int port, Pair pair) throws Exception {
    try (FreezerClient client = new FreezerClient(port, MockCluster.VELERO_TOKEN, TlsChannelCredentials.newBuilder()
        .trustManager(new ByteArrayInputStream(pair.certPem())).build())) {
      assertThat(client.stub.status(StatusRequest.getDefaultInstance()).getLeasesList()).isEmpty();
    }
  }

  /** The serial of the certificate the agent presents to a new TLS connection (a handshake, as gRPC offers it). */
  private BigInteger servedSerial(int port, Pair... more) throws Exception {
    List<X509Certificate> trusted = new ArrayList<>(List.of(a.certificate(), b.certificate(),
        c.certificate()));
    for (Pair p : more) {
      trusted.add(p.certificate());
    }
    try (SSLSocket socket = (SSLSocket) TestCertificates.trusting(trusted).getSocketFactory()
        .createSocket("127.0.0.1", port)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  private static BigInteger serial(Pair pair) {
    return pair.certificate().getSerialNumber();
  }

  private static String hex(Pair pair) {
    return pair.certificate().getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
  }

  private static String keyBody(Pair pair) {
    return new String(pair.keyPem(), StandardCharsets.US_ASCII).split("\n")[1];
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(String what, Condition condition) throws Exception {
    long end = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + PATIENCE + ": " + what);
      }
      Thread.sleep(100);
    }
  }
}
