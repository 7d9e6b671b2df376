package io.tresor.imagearchive.ceph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.copy.CaptureResult;
import io.tresor.imagearchive.copy.ImageCopier;
import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import io.tresor.imagearchive.registry.OciRegistryClient;
import io.tresor.imagearchive.registry.RegistryCredentials;
import io.tresor.imagearchive.registry.RetryPolicy;
import io.tresor.imagearchive.s3.BlobDigestMismatchException;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.SseCustomerKeySource;
import io.tresor.imagearchive.s3.SseKeyMismatchException;
import io.tresor.imagearchive.s3.StorageLocation;
import io.tresor.imagearchive.testing.CephCluster;
import io.tresor.imagearchive.testing.RegistryServer;
import io.tresor.imagearchive.testing.TestCertificate;
import io.tresor.imagearchive.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.utils.AttributeMap;

/** The archive against Ceph radosgw over TLS: SSE-C really encrypts at rest there, and RGW wants WHEN_REQUIRED checksums. */
class CephRadosgwTest {
    static final String BUCKET = "tresor-ceph";
    static final String PREFIX = "tenant-ceph";

    @Test
    void imagesRoundTripThroughRadosgwWithSseC(@TempDir Path dir) throws Exception {
        CephCluster.requireBinaries();
        RegistryServer.requireBinary();
        TestCertificate cert = TestCertificate.create(dir.resolve("tls"), "rgw");
        byte[] keyA = new byte[32];
        byte[] keyB = new byte[32];
        new Random(31).nextBytes(keyA);
        new Random(32).nextBytes(keyB);
        try (CephCluster ceph = CephCluster.start(dir.resolve("ceph"), cert);
             RegistryServer registry = RegistryServer.start(dir.resolve("registry"), null);
             S3Client admin = admin(ceph)) {
            admin.createBucket(b -> b.bucket(BUCKET));
            String bsl = """
                    {"metadata":{"name":"tenant-ceph"},"spec":{"provider":"aws",
                     "objectStorage":{"bucket":"%s","prefix":"%s","caCert":"%s"},
                     "config":{"region":"default","s3Url":"%s","s3ForcePathStyle":"true","customerKeyEncryptionSecret":"c/customer-key"}}}"""
                    .formatted(BUCKET, PREFIX, Base64.getEncoder().encodeToString(cert.certificatePem()), ceph.endpoint());
            byte[] credentials = ("[default]\naws_access_key_id=" + CephCluster.ACCESS_KEY + "\naws_secret_access_key="
                    + CephCluster.SECRET_KEY + "\n").getBytes(StandardCharsets.UTF_8);
            StorageLocation location = StorageLocation.fromJson(bsl);
            try (S3BlobStore store = S3BlobStore.open(location, SseCustomerKeySource.ofSecretValue("ns", "c", "customer-key", keyA), credentials);
                 S3BlobStore otherKey = S3BlobStore.open(location, SseCustomerKeySource.ofSecretValue("ns", "c", "customer-key", keyB), credentials);
                 ImageCopier copier = new ImageCopier(store, 3, new RetryPolicy(4, Duration.ofMillis(50), Duration.ofMillis(500)))) {
                OciRegistryClient client = new OciRegistryClient(URI.create(registry.url()), RegistryCredentials.anonymous(),
                        RetryPolicy.standard(), OciRegistryClient.defaultHttpClient(), 1024 * 1024);
                TestImages.Pushed index = new TestImages(client, 21).multiArch("shop/ceph", "v1", 6 * 1024 * 1024);

                CaptureResult first = copier.capture(client, "shop/ceph", index.digest());
                assertThat(first.outcome()).isEqualTo(Outcome.CAPTURED);
                assertThat(copier.capture(client, "shop/ceph", index.digest()).bytesUploaded()).isZero();

                copier.restore(first.record(), client, "restored/ceph", List.of("v1"), List.of());
                assertThat(client.manifest("restored/ceph", "v1").orElseThrow().digest()).isEqualTo(index.digest());

                // deduplication compares the stored size (a HEAD with SSE-C): an object that is not the whole blob is
                // copied again, and one written with another key is a key mismatch, never overwritten
                TestImages.Blob layer = index.blobs().stream().filter(b -> b.size() > 1024 * 1024).findFirst().orElseThrow();
                byte[] whole;
                try (InputStream in = client.openBlob("shop/ceph", layer.digest())) {
                    whole = in.readAllBytes();
                }
                store.writeObject(store.blobKey(layer.digest()), Arrays.copyOf(whole, 1024 * 1024), "application/octet-stream");
                CaptureResult repaired = copier.capture(client, "shop/ceph", index.digest());
                assertThat(repaired.blobsUploaded()).isEqualTo(1);
                assertThat(store.blobSize(layer.digest())).contains(layer.size());
                byte[] foreign = "written with key B".getBytes(StandardCharsets.UTF_8);
                otherKey.writeObject(store.blobKey(layer.digest()), foreign, "application/octet-stream");
                assertThatThrownBy(() -> copier.capture(client, "shop/ceph", index.digest()))
                        .isInstanceOf(SseKeyMismatchException.class).hasMessageContaining(store.blobKey(layer.digest()));
                assertThat(otherKey.readObject(store.blobKey(layer.digest()), 100)).hasValue(foreign);

                // a blob larger than one part goes up as a verified multipart upload (SSE-C on every part and on Complete)
                byte[] big = new byte[12 * 1024 * 1024];
                new Random(33).nextBytes(big);
                store.putBlob(Digest.of(big), big.length, new ByteArrayInputStream(big));
                try (InputStream in = store.openBlob(Digest.of(big))) {
                    assertThat(Digest.of(in.readAllBytes())).isEqualTo(Digest.of(big));
                }
                byte[] corrupted = big.clone();
                corrupted[5] ^= 1;
                Digest wrong = Digest.of("not the content");
                assertThatThrownBy(() -> store.putBlob(wrong, corrupted.length, new ByteArrayInputStream(corrupted)))
                        .isInstanceOf(BlobDigestMismatchException.class);
                assertThat(store.blobSize(wrong)).isEmpty();
                assertThat(admin.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();

                // the data is encrypted at rest: no read without the key, a clear error with another key
                assertThatThrownBy(() -> admin.getObjectAsBytes(b -> b.bucket(BUCKET).key(store.blobKey(Digest.of(big)))))
                        .isInstanceOf(S3Exception.class);
                assertThatThrownBy(() -> otherKey.objectSize(store.blobKey(Digest.of(big))))
                        .isInstanceOf(SseKeyMismatchException.class).hasMessageContaining("SSE-C key mismatch");

                for (String key : store.listKeys(PREFIX + "/")) {
                    store.delete(key);
                }
            }
            assertThat(admin.listObjectsV2(b -> b.bucket(BUCKET).prefix(PREFIX + "/")).keyCount()).isZero();
        }
    }

    private static S3Client admin(CephCluster ceph) {
        return S3Client.builder().endpointOverride(URI.create(ceph.endpoint())).forcePathStyle(true).region(Region.of("default"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(CephCluster.ACCESS_KEY, CephCluster.SECRET_KEY)))
                .httpClient(Apache5HttpClient.builder().buildWithDefaults(AttributeMap.builder()
                        .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE).build()))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
    }
}
