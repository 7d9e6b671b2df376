package io.tresor.imagearchive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.testing.S3Server;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The SSE-C blob store against S3Proxy ({@code transient-nio2} enforces SSE-C). */
class S3BlobStoreTest {
    private static final String BUCKET = "store-test";
    private static final String PREFIX = "tenant-a/main";
    private static S3Server s3;

    private static final byte[] KEY_A = randomBytes(32, 1);
    private static final byte[] KEY_B = randomBytes(32, 2);

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3Server.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @AfterEach
    void onlyPluginsAtTopLevelAndNoPendingUploads() {
        assertThat(s3.topLevel(BUCKET, PREFIX)).isSubsetOf("plugins/");
        assertThat(s3.pendingUploads(BUCKET)).isZero();
    }

    private static S3BlobStore store(byte[] key) throws Exception {
        return S3BlobStore.open(s3.location("tenant-a-main", BUCKET, PREFIX),
                SseCustomerKeySource.ofSecretValue("openshift-adp", "cloud-credentials", "customer-key", key), S3Server.credentialsFile());
    }

    @Test
    void concurrentStoresShareOneProcessWidePartBufferPool() throws Exception {
        List<S3BlobStore> stores = List.of(store(KEY_A), store(KEY_B), store(KEY_A));
        try {
            PartBuffers pool = stores.get(0).partBuffers();
            assertThat(stores).allSatisfy(s -> assertThat(s.partBuffers()).isSameAs(pool));
            List<java.util.concurrent.CompletableFuture<Long>> uploads = new java.util.ArrayList<>();
            List<Runnable> cleanups = new java.util.ArrayList<>();
            for (int i = 0; i < stores.size(); i++) {
                byte[] content = randomBytes(9 * 1024 * 1024, 40 + i); // multipart: holds a part buffer
                S3BlobStore s = stores.get(i);
                cleanups.add(() -> s.delete(s.blobKey(Digest.of(content))));
                uploads.add(java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> s.putBlob(Digest.of(content), content.length, new ByteArrayInputStream(content))));
            }
            for (var upload : uploads) {
                assertThat(upload.get(120, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(9L * 1024 * 1024);
            }
            assertThat(pool.allocated()).isBetween(1, pool.count());
            assertThat(pool.count()).isLessThanOrEqualTo(S3BlobStore.DEFAULT_PART_BUFFERS);
            cleanups.forEach(Runnable::run); // the other tests expect an empty prefix
        } finally {
            stores.forEach(S3BlobStore::close);
        }
    }

    @Test
    void smallAndMultipartBlobsAreStoredEncryptedAndReadBack() throws Exception {
        try (S3BlobStore store = store(KEY_A)) {
            byte[] small = randomBytes(1024, 3);
            byte[] large = randomBytes(12 * 1024 * 1024 + 17, 4); // two parts of 8 MiB
            assertThat(store.putBlob(Digest.of(small), small.length, new ByteArrayInputStream(small))).isEqualTo(small.length);
            assertThat(store.putBlob(Digest.of(large), large.length, new ByteArrayInputStream(large))).isEqualTo(large.length);

            assertThat(store.blobSize(Digest.of(large))).contains((long) large.length);
            try (InputStream in = store.openBlob(Digest.of(large))) {
                assertThat(Digest.of(in.readAllBytes())).isEqualTo(Digest.of(large));
            }
            assertThat(store.blobKey(Digest.of(small)))
                    .isEqualTo(PREFIX + "/plugins/tresor/k-" + store.keyFingerprint() + "/blobs/sha256/" + Digest.of(small).hex());
            // the server really demands the key: a plain GET is refused
            assertThatThrownBy(() -> s3.admin().getObjectAsBytes(b -> b.bucket(BUCKET).key(store.blobKey(Digest.of(small)))))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isBetween(400, 499));
            store.delete(store.blobKey(Digest.of(small)));
            store.delete(store.blobKey(Digest.of(large)));
        }
    }

    @Test
    void contentThatDoesNotMatchItsDigestNeverBecomesVisible() throws Exception {
        try (S3BlobStore store = store(KEY_A)) {
            byte[] large = randomBytes(10 * 1024 * 1024, 5);
            byte[] corrupted = large.clone();
            corrupted[corrupted.length - 1] ^= 1;
            Digest expected = Digest.of(large);
            assertThatThrownBy(() -> store.putBlob(expected, large.length, new ByteArrayInputStream(corrupted)))
                    .isInstanceOf(BlobDigestMismatchException.class)
                    .hasMessageContaining(expected.toString()).hasMessageContaining("aborted");
            assertThat(store.blobSize(expected)).isEmpty();

            byte[] small = "{\"config\":true}".getBytes(StandardCharsets.UTF_8);
            Digest smallDigest = Digest.of("something else");
            assertThatThrownBy(() -> store.putBlob(smallDigest, small.length, new ByteArrayInputStream(small)))
                    .isInstanceOf(BlobDigestMismatchException.class);
            assertThat(store.blobSize(smallDigest)).isEmpty();
            // right digest but a truncated stream (size announced by the manifest) is refused as well
            assertThatThrownBy(() -> store.putBlob(expected, large.length + 1L, new ByteArrayInputStream(large)))
                    .isInstanceOf(BlobDigestMismatchException.class);
            assertThat(s3.admin().listObjectsV2(b -> b.bucket(BUCKET).prefix(PREFIX)).keyCount()).isZero();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "declared size {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {-5, 200L << 30, 6_000_000_000_000L, Long.MAX_VALUE})
    void aDeclaredSizeTheStoreCannotHoldFailsBeforeReadingTheContentOrAllocatingABuffer(long declared) throws Exception {
        byte[] content = randomBytes(3000, 7);
        java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
        InputStream counting = new java.io.FilterInputStream(new ByteArrayInputStream(content)) {
            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                int n = super.read(b, off, len);
                read.addAndGet(Math.max(n, 0));
                return n;
            }
        };
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (S3BlobStore store = store(KEY_A)) {
            long before = threads.getCurrentThreadAllocatedBytes();
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> store.putBlob(Digest.of(content), declared, counting));
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            // before the fix a size beyond 10,000 parts of 8 MiB got a heap buffer of size / 10,000 (21 MiB for 200 GiB)
            assertThat(allocated).as("bytes allocated on the heap by putBlob").isLessThan(1024 * 1024);
            assertThat(read).as("content bytes read").hasValue(0);
            assertThat(thrown).isInstanceOf(ArchiveStoreException.class)
                    .hasMessageContaining("blob " + Digest.of(content))
                    .hasMessageContaining("declared size " + declared);
            assertThat(store.blobSize(Digest.of(content))).isEmpty();
        }
    }

    @Test
    void aWrongKeyIsAClearErrorAndNeverAnOverwrite() throws Exception {
        try (S3BlobStore a = store(KEY_A); S3BlobStore b = store(KEY_B)) {
            String index = a.layout().imageIndex("nightly-1");
            a.writeObject(index, "{}".getBytes(StandardCharsets.UTF_8), "application/json");

            assertThatThrownBy(() -> b.readObject(index, 1000))
                    .isInstanceOf(SseKeyMismatchException.class)
                    .hasMessageContaining("SSE-C key mismatch")
                    .hasMessageContaining("tenant-a-main")
                    .hasMessageContaining(index)
                    .hasMessageNotContaining(java.util.Base64.getEncoder().encodeToString(KEY_B))
                    .hasMessageNotContaining(java.util.Base64.getEncoder().encodeToString(KEY_A));
            assertThatThrownBy(() -> b.objectSize(index)).isInstanceOf(SseKeyMismatchException.class);
            assertThat(a.readObject(index, 1000)).hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("{}"));
            a.delete(index);
        }
    }

    @Test
    void aKeyChangeWritesANewDirectoryAndOldBlobsStayReadableWithTheOldKey() throws Exception {
        byte[] content = randomBytes(4096, 6);
        Digest d = Digest.of(content);
        try (S3BlobStore a = store(KEY_A); S3BlobStore b = store(KEY_B)) {
            assertThat(a.keyFingerprint()).isNotEqualTo(b.keyFingerprint());
            a.putBlob(d, content.length, new ByteArrayInputStream(content));
            // under the new key the blob is absent (its own directory), so it is uploaded again, never over the old one
            assertThat(b.blobSize(d)).isEmpty();
            b.putBlob(d, content.length, new ByteArrayInputStream(content));
            try (InputStream in = a.openBlob(d)) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
            try (InputStream in = b.openBlob(d)) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
            assertThat(a.listKeys(a.layout().root())).containsExactlyInAnyOrder(a.blobKey(d), b.blobKey(d));
            a.delete(a.blobKey(d));
            b.delete(b.blobKey(d));
        }
    }

    @Test
    void aMissingOrMalformedKeyIsAClearError() throws Exception {
        String noKey = s3.bslJson("tenant-a-nokey", BUCKET, PREFIX).replace(",\n                             \"customerKeyEncryptionSecret\":\"cloud-credentials/customer-key\"", "");
        StorageLocation withoutKey = StorageLocation.fromJson(noKey.replaceAll(",\\s*\"customerKeyEncryptionSecret\":\"[^\"]*\"", ""));
        assertThatThrownBy(() -> S3BlobStore.open(withoutKey, () -> SseCustomerKey.of(KEY_A, "x"), S3Server.credentialsFile()))
                .hasMessageContaining("tenant-a-nokey has no SSE-C key").hasMessageContaining("customerKeyEncryptionSecret");

        StorageLocation location = s3.location("tenant-a-main", BUCKET, PREFIX);
        assertThatThrownBy(() -> S3BlobStore.open(location,
                SseCustomerKeySource.ofSecretValue("openshift-adp", "cloud-credentials", "customer-key", null), S3Server.credentialsFile()))
                .isInstanceOf(ArchiveStoreException.class)
                .hasMessageContaining("tenant-a-main").hasMessageContaining("cloud-credentials key customer-key is missing");
        byte[] base64Text = java.util.Base64.getEncoder().encode(KEY_A);
        assertThatThrownBy(() -> S3BlobStore.open(location,
                SseCustomerKeySource.ofSecretValue("openshift-adp", "cloud-credentials", "customer-key", base64Text), S3Server.credentialsFile()))
                .hasMessageContaining("44 bytes").hasMessageContaining("base64")
                .hasMessageNotContaining(new String(base64Text, StandardCharsets.US_ASCII));
    }

    @Test
    void withoutACredentialSecretTheSharedCredentialsFileOfTheVeleroPodIsUsed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("credentials");
        java.nio.file.Files.write(file, S3Server.credentialsFile());
        // the system-property twin of AWS_SHARED_CREDENTIALS_FILE: the environment cannot be changed in a running JVM
        System.setProperty("aws.sharedCredentialsFile", file.toString());
        try (S3BlobStore store = S3BlobStore.open(s3.location("tenant-a-main", BUCKET, PREFIX),
                SseCustomerKeySource.ofSecretValue("openshift-adp", "cloud-credentials", "customer-key", KEY_A), null)) {
            assertThat(store.blobSize(Digest.of("nothing here"))).isEmpty();
        } finally {
            System.clearProperty("aws.sharedCredentialsFile");
        }
        byte[] otherProfile = "[other]\naws_access_key_id = x\naws_secret_access_key = y\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> S3BlobStore.open(s3.location("tenant-a-main", BUCKET, PREFIX),
                SseCustomerKeySource.ofSecretValue("openshift-adp", "cloud-credentials", "customer-key", KEY_A), otherProfile))
                .hasMessageContaining("no profile 'default'").hasMessageContaining("config.profile");
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
