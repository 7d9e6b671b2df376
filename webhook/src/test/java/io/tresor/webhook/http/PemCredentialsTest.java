package io.tresor.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.webhook.support.TestCertificates;
import io.tresor.webhook.support.TestCertificates.KeyFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
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
        PemCredentials credentials = PemCredentials.parse(Files.readAllBytes(dir.resolve("tls.crt")),
                Files.readAllBytes(dir.resolve("tls.key")));
        assertThat(credentials.chain()).hasSize(2);
        assertThat(credentials.chain().get(0)).isEqualTo(leaf);
        assertThat(credentials.keyStore().getCertificateChain("tls")).hasSize(2);
    }

    @Test
    void refusesAKeyThatDoesNotBelongToTheCertificate() throws Exception {
        TestCertificates ca = new TestCertificates();
        ca.issue(dir, KeyFormat.RSA_PKCS1);
        byte[] oldKey = Files.readAllBytes(dir.resolve("tls.key"));
        ca.issueCertificateOnly(dir);
        assertThatThrownBy(() -> PemCredentials.parse(Files.readAllBytes(dir.resolve("tls.crt")), oldKey))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("does not belong");
    }

    @Test
    void garbageIsRefusedWithoutEchoingIt() {
        byte[] secretish = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END PRIVATE KEY-----\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> PemCredentials.parse("not a pem".getBytes(StandardCharsets.US_ASCII), secretish))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("tls.crt");
        assertThatThrownBy(() -> PemCredentials.parse(Files.readAllBytes(issue()), secretish))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("tls.key")
                .hasMessageNotContaining("c2VjcmV0LWJ5dGVz");
    }

    private Path issue() throws Exception {
        new TestCertificates().issue(dir, KeyFormat.EC_SEC1);
        return dir.resolve("tls.crt");
    }
}
