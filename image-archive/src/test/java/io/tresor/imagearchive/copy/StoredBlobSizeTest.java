package io.tresor.imagearchive.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import io.tresor.imagearchive.registry.OciRegistryClient;
import io.tresor.imagearchive.registry.RegistryCredentials;
import io.tresor.imagearchive.s3.BlobDigestMismatchException;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.SseCustomerKeySource;
import io.tresor.imagearchive.s3.SseKeyMismatchException;
import io.tresor.imagearchive.testing.RegistryServer;
import io.tresor.imagearchive.testing.S3Server;
import io.tresor.imagearchive.testing.TestImages;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deduplication judges a stored blob by its size, not only its presence: objects under a blob's key that are not the
 * whole blob (an older or interrupted writer) against the real docker-registry and S3Proxy with SSE-C.
 */
class StoredBlobSizeTest {
    static final String BUCKET = "stored-size-test";
    static final String PREFIX = "tenant-s";

    @TempDir
    static Path dir;
    static RegistryServer registry;
    static S3Server s3;
    static S3BlobStore store;
    static S3BlobStore otherKey;
    static ImageCopier copier;
    static OciRegistryClient client;

    @BeforeAll
    static void start() throws Exception {
        RegistryServer.requireBinary();
        registry = RegistryServer.start(dir.resolve("registry"), null);
        s3 = S3Server.start();
        s3.createBucket(BUCKET);
        store = S3BlobStore.open(s3.location("tenant-s-bsl", BUCKET, PREFIX),
                SseCustomerKeySource.ofSecretValue("openshift-adp", "tenant-s-creds", "customer-key", key(61)), S3Server.credentialsFile());
        otherKey = S3BlobStore.open(s3.location("tenant-s-bsl", BUCKET, PREFIX),
                SseCustomerKeySource.ofSecretValue("openshift-adp", "tenant-s-creds", "customer-key", key(62)), S3Server.credentialsFile());
        copier = new ImageCopier(store, 4, ImageCopierTest.FAST_RETRY);
        client = ImageCopierTest.client(registry.url(), RegistryCredentials.anonymous());
    }

    static byte[] key(long seed) {
        byte[] key = new byte[32];
        new Random(seed).nextBytes(key);
        return key;
    }

    @AfterAll
    static void stop() throws Exception {
        if (copier != null) {
            copier.close();
            store.close();
            otherKey.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {s3, registry}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @AfterEach
    void emptyPrefix() {
        assertThat(s3.pendingUploads(BUCKET)).isZero();
        store.listKeys(PREFIX + "/").forEach(store::delete);
    }

    static byte[] content(String repository, Digest digest) throws Exception {
        try (InputStream in = client.openBlob(repository, digest)) {
            return in.readAllBytes();
        }
    }

    static Digest stored(Digest digest) throws Exception {
        try (InputStream in = store.openBlob(digest)) {
            return Digest.of(in.readAllBytes());
        }
    }

    @Test
    void aStoredObjectShorterThanTheBlobIsCopiedAgainAndEndsUpWhole() throws Exception {
        TestImages images = new TestImages(client, 100);
        TestImages.Blob layer = images.layer("shop/partial", 3 * 1024 * 1024, true);
        TestImages.Pushed image = images.image("shop/partial", null, true, "amd64", List.of(layer));
        // what an older version interrupted mid-blob (or a buggy writer) left under the blob's and the manifest's keys
        byte[] whole = content("shop/partial", layer.digest());
        store.writeObject(store.blobKey(layer.digest()), Arrays.copyOf(whole, 1024 * 1024), "application/octet-stream");
        store.writeObject(store.blobKey(image.digest()), "{}".getBytes(), "application/octet-stream");

        CaptureResult captured = copier.capture(client, "shop/partial", image.digest());

        assertThat(captured.outcome()).isEqualTo(Outcome.CAPTURED);
        assertThat(captured.blobsPresent()).as("neither partial object counts as present").isZero();
        assertThat(captured.blobsUploaded()).isEqualTo(3); // config, layer, manifest
        assertThat(store.blobSize(layer.digest())).contains(layer.size());
        assertThat(stored(layer.digest())).isEqualTo(layer.digest());
        assertThat(store.blobSize(image.digest())).contains(image.size());
        assertThat(stored(image.digest())).isEqualTo(image.digest());
        // and the next capture finds everything whole
        assertThat(copier.capture(client, "shop/partial", image.digest()).outcome()).isEqualTo(Outcome.ALREADY_PRESENT);
    }

    @Test
    void aManifestWhoseDeclaredSizeDiffersFromTheWholeStoredBlobFailsAndLeavesTheStoredBlobAlone() throws Exception {
        TestImages images = new TestImages(client, 101);
        TestImages.Blob layer = images.layer("shop/lying", 2 * 1024 * 1024, true);
        TestImages.Pushed honest = images.image("shop/lying", null, true, "amd64", List.of(layer));
        assertThat(copier.capture(client, "shop/lying", honest.digest()).outcome()).isEqualTo(Outcome.CAPTURED);
        TestImages.Pushed lying = DeclaredSizeTest.forged(images, "shop/lying", layer, layer.size() + 1);

        // the stored blob is whole, the manifest is wrong: copying again proves it (the registry's bytes are not what
        // the manifest says) and the verified upload never replaces the stored blob
        assertThatThrownBy(() -> copier.capture(client, "shop/lying", lying.digest()))
                .isInstanceOf(BlobDigestMismatchException.class)
                .hasMessageContaining("image shop/lying@" + lying.digest())
                .hasMessageContaining("blob " + layer.digest())
                .hasMessageContaining("its declared size is " + (layer.size() + 1) + " bytes");
        assertThat(store.blobSize(layer.digest())).contains(layer.size());
        assertThat(stored(layer.digest())).isEqualTo(layer.digest());
        assertThat(store.blobSize(lying.digest())).isEmpty();
    }

    @Test
    void aBlobKeyWrittenWithAnotherSseCKeyIsAKeyMismatchAndIsNeverOverwritten() throws Exception {
        TestImages images = new TestImages(client, 102);
        TestImages.Blob layer = images.layer("shop/foreign", 100_000, true);
        TestImages.Pushed image = images.image("shop/foreign", null, true, "amd64", List.of(layer));
        byte[] foreign = "written with another customer key".getBytes();
        otherKey.writeObject(store.blobKey(layer.digest()), foreign, "application/octet-stream");

        assertThatThrownBy(() -> copier.capture(client, "shop/foreign", image.digest()))
                .isInstanceOf(SseKeyMismatchException.class)
                .hasMessageContaining("SSE-C key mismatch on " + store.blobKey(layer.digest()));
        assertThat(otherKey.readObject(store.blobKey(layer.digest()), 1000)).hasValue(foreign);
        assertThat(store.blobSize(image.digest())).isEmpty();
    }

    @Test
    void aRestoreFromAStoredBlobOfTheWrongSizeFailsNamingBothSizes() throws Exception {
        TestImages images = new TestImages(client, 103);
        TestImages.Blob layer = images.layer("shop/damaged", 200_000, true);
        TestImages.Pushed image = images.image("shop/damaged", null, true, "amd64", List.of(layer));
        CaptureResult captured = copier.capture(client, "shop/damaged", image.digest());
        byte[] whole = content("shop/damaged", layer.digest());
        store.writeObject(store.blobKey(layer.digest()), Arrays.copyOf(whole, 1000), "application/octet-stream");

        assertThatThrownBy(() -> copier.restore(captured.record(), client, "restored/damaged", List.of("v1"), List.of()))
                .hasMessageContaining("blob " + layer.digest() + " of image " + image.digest())
                .hasMessageContaining("is 1000 bytes")
                .hasMessageContaining(layer.size() + " bytes")
                .hasMessageContaining(store.blobKey(layer.digest()));
        assertThat(client.hasBlob("restored/damaged", layer.digest())).isFalse();
    }
}
