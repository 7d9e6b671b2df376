package io.tresor.imagearchive.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.testing.S3Server;
import io.tresor.imagearchive.testing.TcpFaultProxy;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Connections reset in the middle of multipart parts are retried by the SDK; the blob arrives whole and verified. */
class S3ConnectionResetTest {
    @Test
    void resetsDuringAMultipartUploadAreRetried() throws Exception {
        byte[] key = new byte[32];
        new Random(77).nextBytes(key);
        byte[] blob = new byte[20 * 1024 * 1024];
        new Random(78).nextBytes(blob);
        try (S3Server s3 = S3Server.start();
             TcpFaultProxy proxy = new TcpFaultProxy(s3.endpoint().getPort(), 3, 3 * 1024 * 1024)) {
            s3.createBucket("resets");
            String json = s3.bslJson("tenant-flaky", "resets", "tenant-flaky")
                    .replace(s3.endpoint().toString(), "http://127.0.0.1:" + proxy.port());
            try (S3BlobStore store = S3BlobStore.open(StorageLocation.fromJson(json),
                    SseCustomerKeySource.ofSecretValue("openshift-adp", "c", "customer-key", key), S3Server.credentialsFile())) {
                assertThat(store.putBlob(Digest.of(blob), blob.length, new ByteArrayInputStream(blob))).isEqualTo(blob.length);
                assertThat(proxy.resets()).isEqualTo(3);
                try (InputStream in = store.openBlob(Digest.of(blob))) {
                    assertThat(Digest.of(in.readAllBytes())).isEqualTo(Digest.of(blob));
                }
                store.delete(store.blobKey(Digest.of(blob)));
            }
            assertThat(s3.pendingUploads("resets")).isZero();
            assertThat(s3.topLevel("resets", "tenant-flaky")).isEmpty();
        }
    }
}
