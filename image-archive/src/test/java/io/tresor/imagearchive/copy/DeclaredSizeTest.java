package io.tresor.imagearchive.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import io.tresor.imagearchive.registry.MediaTypes;
import io.tresor.imagearchive.registry.OciRegistryClient;
import io.tresor.imagearchive.registry.RegistryCredentials;
import io.tresor.imagearchive.s3.BlobDigestMismatchException;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.SseCustomerKeySource;
import io.tresor.imagearchive.testing.FaultProxy;
import io.tresor.imagearchive.testing.RegistryServer;
import io.tresor.imagearchive.testing.S3Server;
import io.tresor.imagearchive.testing.TestImages;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Manifests whose declared blob sizes lie, served by the real docker-registry: distribution 2.8 stores a pushed
 * manifest whose descriptor sizes differ from its blobs (even negative, 6 TB or missing ones; it checks only that the
 * blobs exist), so no fake registry is needed. Captured into S3Proxy with SSE-C.
 */
class DeclaredSizeTest {
    static final String BUCKET = "declared-size-test";
    static final String PREFIX = "tenant-f";
    static final AtomicInteger REPO = new AtomicInteger();

    @TempDir
    static Path dir;
    static RegistryServer registry;
    static S3Server s3;
    static S3BlobStore store;
    static ImageCopier copier;
    static OciRegistryClient client;

    @BeforeAll
    static void start() throws Exception {
        RegistryServer.requireBinary();
        registry = RegistryServer.start(dir.resolve("registry"), null);
        s3 = S3Server.start();
        s3.createBucket(BUCKET);
        byte[] key = new byte[32];
        new Random(51).nextBytes(key);
        store = S3BlobStore.open(s3.location("tenant-f-bsl", BUCKET, PREFIX),
                SseCustomerKeySource.ofSecretValue("openshift-adp", "tenant-f-creds", "customer-key", key), S3Server.credentialsFile());
        copier = new ImageCopier(store, 4, ImageCopierTest.FAST_RETRY);
        client = ImageCopierTest.client(registry.url(), RegistryCredentials.anonymous());
    }

    @AfterAll
    static void stop() {
        if (copier != null) {
            copier.close();
            store.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {s3, registry}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @AfterEach
    void nothingHalfWritten() {
        assertThat(s3.topLevel(BUCKET, PREFIX)).isSubsetOf("plugins/");
        assertThat(s3.pendingUploads(BUCKET)).as("no multipart upload left pending").isZero();
    }

    /** An OCI image whose only layer is {@code layer} but declared with {@code declaredSize}. */
    static TestImages.Pushed forged(TestImages images, String repository, TestImages.Blob layer, long declaredSize) {
        return images.image(repository, null, true, "amd64", List.of(new TestImages.Blob(layer.digest(), declaredSize, layer.mediaType())));
    }

    @ParameterizedTest(name = "{0}: {1} bytes declared as {2}")
    @CsvSource({
            "'one PUT: the registry sends more',        3000,    2000",
            "'one PUT: the registry sends fewer',       3000,    4000",
            "'multipart: the registry sends more',   9437184, 8388613",
            "'multipart: the registry sends fewer',  9437184, 12582912",
    })
    void aBlobWhoseBytesDifferFromItsDeclaredSizeFailsTheImageNamingBothSizesAndStoresNothing(String path, int actual, long declared) {
        String repository = "shop/forged-" + REPO.incrementAndGet();
        TestImages images = new TestImages(client, 60 + REPO.get());
        TestImages.Blob layer = images.layer(repository, actual, true);
        TestImages.Pushed image = forged(images, repository, layer, declared);

        assertThatThrownBy(() -> copier.capture(client, repository, image.digest()))
                .isInstanceOf(BlobDigestMismatchException.class)
                .hasMessageContaining("image " + repository + "@" + image.digest())
                .hasMessageContaining("blob " + layer.digest() + " was not stored")
                .hasMessageContaining(actual > declared
                        ? "more than its declared size of " + declared + " bytes"
                        : "sent " + actual + " bytes hashing to " + layer.digest() + ", its declared size is " + declared + " bytes")
                .hasMessageContaining("aborted");
        assertThat(store.blobSize(layer.digest())).as("the layer is not stored").isEmpty();
        assertThat(store.blobSize(image.digest())).as("the manifest is not stored").isEmpty();

        // the same layer under an honest manifest is archived: the failure left nothing behind (buffers, uploads)
        TestImages.Pushed honest = images.image(repository, null, true, "amd64", List.of(layer));
        assertThat(copier.capture(client, repository, honest.digest()).outcome()).isEqualTo(Outcome.CAPTURED);
        assertThat(store.blobSize(layer.digest())).contains((long) actual);
        store.listKeys(PREFIX + "/").forEach(store::delete);
    }

    @ParameterizedTest(name = "declared size {0}")
    @CsvSource({
            "-5,                  'which is negative'",
            "107374182400,        'which is above the 83886080000 bytes this archive stores per blob'",
            "6000000000000,       'which is above 5 TiB, S3''s largest object'",
            "9223372036854775807, 'which is above 5 TiB, S3''s largest object'",
    })
    void anImpossibleDeclaredSizeFailsTheImageBeforeAnyBlobIsFetchedOrBuffered(long declared, String problem) throws Exception {
        String repository = "shop/absurd-" + REPO.incrementAndGet();
        TestImages images = new TestImages(client, 70 + REPO.get());
        TestImages.Blob layer = images.layer(repository, 3000, true);
        TestImages.Pushed image = forged(images, repository, layer, declared);
        try (FaultProxy proxy = new FaultProxy(registry.url())) {
            OciRegistryClient viaProxy = ImageCopierTest.client(proxy.url(), RegistryCredentials.anonymous());

            assertThatThrownBy(() -> copier.capture(viaProxy, repository, image.digest()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("image " + repository + "@" + image.digest())
                    .hasMessageContaining("manifest " + image.digest() + " declares blob " + layer.digest() + " with \"size\" " + declared)
                    .hasMessageContaining(problem)
                    .hasMessageContaining("no blob of this image was copied");
            // before any buffer is sized from it: no blob of the image was even requested from the registry
            assertThat(proxy.requests()).noneMatch(r -> r.contains("/blobs/"));
        }
        assertThat(store.blobSize(layer.digest())).isEmpty();
        assertThat(store.blobSize(image.digest())).isEmpty();
    }

    @Test
    void aLayerWithoutASizeIsAMalformedManifestNamingTheImageAndTheField() {
        String repository = "shop/unsized";
        TestImages images = new TestImages(client, 80);
        TestImages.Blob layer = images.layer(repository, 3000, true);
        TestImages.Blob config = images.config(repository, "amd64", true);
        String json = "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":%s,\"layers\":[{\"mediaType\":\"%s\",\"digest\":\"%s\"}]}"
                .formatted(MediaTypes.OCI_MANIFEST, config.descriptor(), layer.mediaType(), layer.digest());
        TestImages.Pushed image = images.manifest(repository, null, MediaTypes.OCI_MANIFEST, json, List.of(config, layer));

        assertThatThrownBy(() -> copier.capture(client, repository, image.digest()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(repository + "@" + image.digest())
                .hasMessageContaining("blob " + layer.digest() + " has no \"size\"");
        assertThat(store.blobSize(layer.digest())).isEmpty();
    }

    @Test
    void oneBlobDeclaredWithTwoSizesInOneIndexFailsTheImage() {
        String repository = "shop/two-sizes";
        TestImages images = new TestImages(client, 90);
        TestImages.Blob layer = images.layer(repository, 3000, true);
        TestImages.Pushed amd64 = images.image(repository, null, true, "amd64", List.of(layer));
        TestImages.Pushed arm64 = forged(images, repository, layer, 2999);
        String json = ("{\"schemaVersion\":2,\"mediaType\":\"%s\",\"manifests\":["
                + "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
                + "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}]}")
                .formatted(MediaTypes.OCI_INDEX, amd64.mediaType(), amd64.digest(), amd64.size(), arm64.mediaType(), arm64.digest(), arm64.size());
        TestImages.Pushed index = images.manifest(repository, null, MediaTypes.OCI_INDEX, json, amd64.blobs());

        assertThatThrownBy(() -> copier.capture(client, repository, index.digest()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image " + repository + "@" + index.digest())
                .hasMessageContaining("blob " + layer.digest())
                .hasMessageContaining("3000").hasMessageContaining("2999");
        assertThat(store.blobSize(layer.digest())).isEmpty();
    }
}
