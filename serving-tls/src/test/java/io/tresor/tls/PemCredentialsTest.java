package io.tresor.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.tls.testing.TestCertificates;
import io.tresor.tls.testing.TestCertificates.KeyFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PemCredentialsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyFormat.class)
    void readsEveryKeyFormatServiceCaWrites(KeyFormat format) throws Exception {
        X509Certificate leaf = new TestCertificates().issue(dir, format);
        String keyPem = Files.readString(dir.resolve("tls.key"));
        assertThat(keyPem).contains(switch (format) {
            case RSA_PKCS1 -> "BEGIN RSA PRIVATE KEY";
            case EC_SEC1 -> "BEGIN EC PRIVATE KEY";
            case RSA_PKCS8, EC_PKCS8 -> "BEGIN PRIVATE KEY";
        });
        PemCredentials credentials = parse(Files.readAllBytes(dir.resolve("tls.crt")),
                Files.readAllBytes(dir.resolve("tls.key")));
        assertThat(credentials.chain()).hasSize(2);
        assertThat(credentials.leaf()).isEqualTo(leaf);
        assertThat(credentials.keyStore("x".toCharArray()).getCertificateChain("tls")).hasSize(2);
    }

    @Test
    void refusesAKeyThatDoesNotBelongToTheCertificate() throws Exception {
        TestCertificates ca = new TestCertificates();
        ca.issue(dir, KeyFormat.RSA_PKCS1);
        byte[] oldKey = Files.readAllBytes(dir.resolve("tls.key"));
        ca.issueCertificateOnly(dir);
        assertThatThrownBy(() -> parse(Files.readAllBytes(dir.resolve("tls.crt")), oldKey))
                .isInstanceOf(UnusableCertificateException.class).hasMessageContaining("is not the key of");
    }

    @Test
    void aKeyOfAnotherAlgorithmIsAKeyOfAnotherCertificate() throws Exception {
        TestCertificates ca = new TestCertificates();
        TestCertificates.Pair rsa = ca.pair("rsa", KeyFormat.RSA_PKCS8);
        TestCertificates.Pair ec = ca.pair("ec", KeyFormat.EC_SEC1);
        assertThatThrownBy(() -> parse(rsa.certPem(), ec.keyPem()))
                .isInstanceOf(UnusableCertificateException.class)
                .hasMessageStartingWith("the key in tls.key is not the key of the first certificate in tls.crt (CN=rsa")
                .hasMessageEndingWith(": it is an EC key, the certificate's is RSA");
    }

    @Test
    void garbageIsRefusedWithoutEchoingIt() {
        byte[] secretish = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END PRIVATE KEY-----\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> parse("not a pem".getBytes(StandardCharsets.US_ASCII), secretish))
                .isInstanceOf(UnusableCertificateException.class).hasMessageContaining("tls.crt");
        assertThatThrownBy(() -> parse(Files.readAllBytes(issue()), secretish))
                .isInstanceOf(UnusableCertificateException.class).hasMessageContaining("tls.key")
                .hasMessageNotContaining("c2VjcmV0LWJ5dGVz");
    }

    @Test
    void anEncryptedKeyIsNamedAsSuch() throws Exception {
        byte[] encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> parse(Files.readAllBytes(issue()), encrypted))
                .hasMessageContaining("the key file tls.key ").hasMessageContaining("encrypted");
    }

    private Path issue() throws Exception {
        new TestCertificates().issue(dir, KeyFormat.EC_SEC1);
        return dir.resolve("tls.crt");
    }

    private static PemCredentials parse(byte[] certPem, byte[] keyPem) throws UnusableCertificateException {
        return PemCredentials.parse(Path.of("tls.crt"), certPem, Path.of("tls.key"), keyPem);
    }
}
