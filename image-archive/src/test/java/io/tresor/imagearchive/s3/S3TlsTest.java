package io.tresor.imagearchive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.testing.S3Server;
import io.tresor.imagearchive.testing.TestCertificate;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SSE-C over HTTPS as in production: the location's {@code caCert} or {@code insecureSkipTLSVerify} decide the trust. */
class S3TlsTest {
    @Test
    void caCertTrustsThePrivateCaAndInsecureSkipTlsVerifySkipsTheCheck(@TempDir Path dir) throws Exception {
        TestCertificate cert = TestCertificate.create(dir, "s3");
        byte[] key = new byte[32];
        new Random(5).nextBytes(key);
        byte[] blob = new byte[6 * 1024 * 1024 + 3];
        new Random(6).nextBytes(blob);
        try (S3Server s3 = S3Server.start(cert.keyStore())) {
            s3.createBucket("tls");
            assertThat(s3.endpoint().getScheme()).isEqualTo("https");
            String base = s3.bslJson("tenant-tls", "tls", "tenant-tls");
            String withCa = base.replace("\"prefix\":\"tenant-tls\"", "\"prefix\":\"tenant-tls\",\"caCert\":\""
                    + Base64.getEncoder().encodeToString(cert.certificatePem()) + "\"");
            SseCustomerKeySource keySource = SseCustomerKeySource.ofSecretValue("openshift-adp", "c", "customer-key", key);

            try (S3BlobStore store = S3BlobStore.open(StorageLocation.fromJson(withCa), keySource, S3Server.credentialsFile())) {
                store.putBlob(Digest.of(blob), blob.length, new ByteArrayInputStream(blob));
                try (InputStream in = store.openBlob(Digest.of(blob))) {
                    assertThat(Digest.of(in.readAllBytes())).isEqualTo(Digest.of(blob));
                }
            }
            String insecure = base.replace("\"s3ForcePathStyle\":\"true\"", "\"s3ForcePathStyle\":\"true\",\"insecureSkipTLSVerify\":\"true\"");
            try (S3BlobStore store = S3BlobStore.open(StorageLocation.fromJson(insecure), keySource, S3Server.credentialsFile())) {
                assertThat(store.blobSize(Digest.of(blob))).contains((long) blob.length);
                store.delete(store.blobKey(Digest.of(blob)));
            }
            try (S3BlobStore store = S3BlobStore.open(StorageLocation.fromJson(base), keySource, S3Server.credentialsFile())) {
                assertThatThrownBy(() -> store.blobSize(Digest.of(blob)))
                        .isInstanceOf(ArchiveStoreException.class).hasMessageContaining("tenant-tls");
            }
            assertThat(s3.topLevel("tls", "tenant-tls")).isSubsetOf("plugins/");
        }
    }
}
