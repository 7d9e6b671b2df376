package io.tresor.freeze.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.tls.CertificateWatcher.Check;
import io.tresor.tls.testing.SecretVolume;
import io.tresor.tls.testing.TestCertificates;
import io.tresor.tls.testing.TestCertificates.KeyFormat;
import io.tresor.tls.testing.TestCertificates.Pair;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What gRPC's key manager hands a handshake after each look at the files (parsing and warnings are serving-tls's,
 * tested there; rotation under handshakes is {@code it.CertificateRotationTest}).
 */
class CertificateReloaderTest {

  @Test
  void theKeyManagerServesEachServablePairAndKeepsTheLastGoodOne(@TempDir Path dir) throws Exception {
    TestCertificates ca = TestCertificates.shared();
    Pair ec = ca.pair("agent-ec", KeyFormat.EC_PKCS8);
    Pair rsa = ca.pair("agent-rsa", KeyFormat.RSA_PKCS1);
    Pair sec1 = ca.pair("agent-sec1", KeyFormat.EC_SEC1);
    SecretVolume secret = new SecretVolume(dir, ec.certPem(), ec.keyPem());
    try (CertificateReloader reloader = new CertificateReloader(secret.cert(), secret.key())) {
      assertServes(reloader, "EC", ec);

      secret.publish(rsa.certPem(), rsa.keyPem());
      assertThat(reloader.check()).isEqualTo(Check.RELOADED);
      assertServes(reloader, "RSA", rsa);

      // a SEC1 key (EC PRIVATE KEY), which the agent refused before it shared the webhook's parser
      secret.publish(sec1.certPem(), sec1.keyPem());
      assertThat(reloader.check()).isEqualTo(Check.RELOADED);
      assertServes(reloader, "EC", sec1);

      // a new certificate with the old key: a rotation caught half-way is never handed to a handshake
      secret.publish(ec.certPem(), sec1.keyPem());
      assertThat(reloader.check()).isEqualTo(Check.REJECTED);
      assertServes(reloader, "EC", sec1);
    }
  }

  private static void assertServes(CertificateReloader reloader, String keyType, Pair pair) {
    X509ExtendedKeyManager km = reloader.keyManager();
    String alias = km.chooseEngineServerAlias(keyType, null, null);
    X509Certificate[] chain = km.getCertificateChain(alias);
    assertThat(chain[0]).isEqualTo(pair.certificate());
    assertThat(km.getPrivateKey(alias)).isEqualTo(reloader.serving().key());
    assertThat(reloader.serving().leaf()).isEqualTo(pair.certificate());
  }
}
