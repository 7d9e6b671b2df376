package io.tresor.freeze.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.freeze.testing.LogCapture;
import io.tresor.freeze.testing.SecretVolume;
import io.tresor.freeze.testing.TestCertificates;
import io.tresor.freeze.testing.TestCertificates.Pair;
import io.tresor.freeze.tls.CertificateReloader.Check;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which pair the key manager serves after each look at the files, and what is logged about it (no timing). */
class CertificateReloaderTest {
  @TempDir
  static Path work;
  private static Pair a;
  private static Pair b;
  private static Pair c;

  @BeforeAll
  static void certificates() throws Exception {
    Assumptions.assumeTrue(TestCertificates.available(), "SKIPPED: no openssl to make certificates");
    a = TestCertificates.selfSigned(work, "agent-a");
    b = TestCertificates.selfSigned(work, "agent-b");
    c = TestCertificates.selfSigned(work, "agent-c");
  }

  @Test
  void aRotatedPairIsServedAndABrokenOneNeverIs(@TempDir Path dir) throws Exception {
    SecretVolume secret = new SecretVolume(dir, a.certPem(), a.keyPem());
    try (LogCapture log = new LogCapture(); CertificateReloader reloader = new CertificateReloader(secret.cert(),
        secret.key())) {
      assertServes(reloader, a);
      assertThat(reloader.check()).isEqualTo(Check.UNCHANGED);

      secret.publish(b.certPem(), b.keyPem());
      assertThat(reloader.check()).isEqualTo(Check.RELOADED);
      assertServes(reloader, b);
      assertThat(log.lines("serving certificate reloaded", hex(b),
          "CN=agent-b", "valid until")).isEqualTo(1);

      // a new certificate with the old key: a rotation caught half-way
      secret.publish(c.certPem(), b.keyPem());
      assertThat(reloader.check()).isEqualTo(Check.REJECTED);
      assertServes(reloader, b);
      assertThat(reloader.check()).isEqualTo(Check.UNCHANGED);
      assertThat(reloader.check()).isEqualTo(Check.UNCHANGED);
      assertThat(log.lines("WARN", "not reloaded", "still serving", "CN=agent-b", "is not the key of")).isEqualTo(1);

      // another failure is a new warning, once
      secret.publish(c.certPem(), "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(reloader.check()).isEqualTo(Check.REJECTED);
      assertThat(reloader.check()).isEqualTo(Check.UNCHANGED);
      assertServes(reloader, b);
      assertThat(log.lines("WARN", "not reloaded")).isEqualTo(2);

      secret.publish(c.certPem(), c.keyPem());
      assertThat(reloader.check()).isEqualTo(Check.RELOADED);
      assertServes(reloader, c);
      assertThat(log.text()).doesNotContain(keyBody(b)).doesNotContain(keyBody(c)).doesNotContain("not base64");
    }
  }

  @Test
  void filesThatDisappearAreWarnedAboutOnceAndServedAgainWhenBack(@TempDir Path dir) throws Exception {
    Path cert = Files.write(dir.resolve("tls.crt"), a.certPem());
    Path key = Files.write(dir.resolve("tls.key"), a.keyPem());
    try (LogCapture log = new LogCapture(); CertificateReloader reloader = new CertificateReloader(cert, key)) {
      Files.delete(key);
      assertThat(reloader.check()).isEqualTo(Check.REJECTED);
      assertThat(reloader.check()).isEqualTo(Check.UNCHANGED);
      assertServes(reloader, a);
      assertThat(log.lines("WARN", "cannot read the key file " + key, "NoSuchFileException")).isEqualTo(1);

      Files.write(key, a.keyPem());
      assertThat(reloader.check()).isEqualTo(Check.RELOADED);
      assertServes(reloader, a);
    }
  }

  @Test
  void aPairThatCannotBeServedFailsTheStartNamingFileAndProblem(@TempDir Path dir) throws Exception {
    Path cert = Files.write(dir.resolve("tls.crt"), b.certPem());
    Path key = Files.write(dir.resolve("tls.key"), b.keyPem());
    Path otherKey = Files.write(dir.resolve("other.key"), a.keyPem());
    Path garbage = Files.writeString(dir.resolve("garbage"), "half a certific");
    Path sec1 = Files.writeString(dir.resolve("ec.key"), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n"
        + "-----END EC PRIVATE KEY-----\n");

    assertThatThrownBy(() -> new CertificateReloader(dir.resolve("missing.crt"), key))
        .isInstanceOf(UnusableCertificateException.class)
        .hasMessage("cannot read the certificate file " + dir.resolve("missing.crt") + " (NoSuchFileException)");
    assertThatThrownBy(() -> new CertificateReloader(garbage, key))
        .hasMessageStartingWith("the certificate file " + garbage + " holds no readable PEM certificate");
    assertThatThrownBy(() -> new CertificateReloader(key, cert))
        .hasMessage("the certificate file " + key + " holds a private key: are --tls-cert and --tls-key swapped?");
    assertThatThrownBy(() -> new CertificateReloader(cert, garbage))
        .hasMessage("the key file " + garbage + " holds no PEM private key (PRIVATE KEY or RSA PRIVATE KEY)");
    assertThatThrownBy(() -> new CertificateReloader(cert, sec1))
        .hasMessageContaining("it is SEC1 (EC PRIVATE KEY), convert it with: openssl pkcs8 -topk8 -nocrypt");
    assertThatThrownBy(() -> new CertificateReloader(cert, otherKey))
        .hasMessage("the key in " + otherKey + " is not the key of the first certificate in " + cert + " (CN=agent-b,"
            + " serial " + hex(b) + ")")
        .hasMessageNotContaining(keyBody(a));
  }

  @Test
  void anRsaKeyWrittenAsPkcs1LikeTheServiceCaWritesItIsServed(@TempDir Path dir) throws Exception {
    Pair rsa = TestCertificates.selfSignedRsaPkcs1(work, "agent-rsa");
    assertThat(new String(rsa.keyPem(), StandardCharsets.US_ASCII)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    SecretVolume secret = new SecretVolume(dir, a.certPem(), a.keyPem());
    try (CertificateReloader reloader = new CertificateReloader(secret.cert(), secret.key())) {
      secret.publish(rsa.certPem(), rsa.keyPem());
      assertThat(reloader.check()).isEqualTo(Check.RELOADED);
      String alias = reloader.keyManager().chooseEngineServerAlias("RSA", null, null);
      assertThat(reloader.keyManager().getCertificateChain(alias)[0]).isEqualTo(rsa.certificate());
      assertThat(reloader.keyManager().getPrivateKey(alias).getAlgorithm()).isEqualTo("RSA");

      // PKCS#1 of another RSA key is a key of another certificate, not a key that cannot be read
      secret.publish(rsa.certPem(), TestCertificates.selfSignedRsaPkcs1(work, "other").keyPem());
      assertThat(reloader.check()).isEqualTo(Check.REJECTED);
      assertThat(reloader.serving().leaf()).isEqualTo(rsa.certificate());
    }
  }

  private static void assertServes(CertificateReloader reloader, Pair pair) throws Exception {
    X509ExtendedKeyManager km = reloader.keyManager();
    String alias = km.chooseEngineServerAlias("EC", null, null);
    X509Certificate[] chain = km.getCertificateChain(alias);
    PrivateKey key = km.getPrivateKey(alias);
    assertThat(chain[0].getSerialNumber()).isEqualTo(pair.certificate().getSerialNumber());
    assertThat(key).isEqualTo(ServingCertificate.parse(Path.of("tls.crt"), pair.certPem(), Path.of("tls.key"),
        pair.keyPem()).key());
    assertThat(reloader.serving().leaf()).isEqualTo(pair.certificate());
  }

  private static String hex(Pair pair) {
    return pair.certificate().getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
  }

  /** The base64 of the key, which must appear in no log line and no message. */
  private static String keyBody(Pair pair) {
    String[] lines = new String(pair.keyPem(), StandardCharsets.US_ASCII).split("\n");
    return lines[1];
  }
}
