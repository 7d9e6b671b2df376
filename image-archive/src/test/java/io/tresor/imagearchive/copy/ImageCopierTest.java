package io.tresor.imagearchive.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.BlobRecord;
import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import io.tresor.imagearchive.registry.Manifest;
import io.tresor.imagearchive.registry.MediaTypes;
import io.tresor.imagearchive.registry.OciRegistryClient;
import io.tresor.imagearchive.registry.RegistryCredentials;
import io.tresor.imagearchive.registry.RegistryException;
import io.tresor.imagearchive.registry.RetryPolicy;
import io.tresor.imagearchive.s3.BlobDigestMismatchException;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.SseCustomerKeySource;
import io.tresor.imagearchive.testing.FaultProxy;
import io.tresor.imagearchive.testing.FaultProxy.Fault;
import io.tresor.imagearchive.testing.RegistryServer;
import io.tresor.imagearchive.testing.S3Server;
import io.tresor.imagearchive.testing.TestImages;
import io.tresor.imagearchive.testing.TokenIssuer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry ⇄ S3 copies against Debian's docker-registry (token auth through a test issuer) and S3Proxy with SSE-C.
 */
class ImageCopierTest {
    static final String BUCKET = "copier-test";
    static final String PREFIX = "tenant-a";
    static final RetryPolicy FAST_RETRY = new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(100));
    static final long CHUNK = 1024 * 1024;

    @TempDir
    static Path dir;
    static TokenIssuer issuer;
    static RegistryServer source;
    static RegistryServer target;
    static S3Server s3;
    static S3BlobStore store;
    static ImageCopier copier;
    static OciRegistryClient sourceClient;
    static OciRegistryClient targetClient;

    @BeforeAll
    static void start() throws Exception {
        RegistryServer.requireBinary();
        issuer = TokenIssuer.start(dir.resolve("issuer"));
        source = RegistryServer.start(dir.resolve("source"), issuer);
        target = RegistryServer.start(dir.resolve("target"), null);
        s3 = S3Server.start();
        s3.createBucket(BUCKET);
        byte[] key = new byte[32];
        new Random(42).nextBytes(key);
        store = S3BlobStore.open(s3.location("tenant-a-bsl", BUCKET, PREFIX),
                SseCustomerKeySource.ofSecretValue("openshift-adp", "tenant-a-creds", "customer-key", key), S3Server.credentialsFile());
        copier = new ImageCopier(store, 4, FAST_RETRY);
        sourceClient = client(source.url(), RegistryCredentials.basic(TokenIssuer.USER, TokenIssuer.PASSWORD));
        targetClient = client(target.url(), RegistryCredentials.anonymous());
    }

    static OciRegistryClient client(String url, RegistryCredentials credentials) {
        return new OciRegistryClient(URI.create(url), credentials, FAST_RETRY, OciRegistryClient.defaultHttpClient(), CHUNK);
    }

    @AfterAll
    static void stop() throws Exception {
        if (copier != null) {
            copier.close();
            store.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {s3, target, source, issuer}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @AfterEach
    void prefixHoldsOnlyPlugins() {
        assertThat(s3.topLevel(BUCKET, PREFIX)).containsOnly("plugins/");
        assertThat(s3.pendingUploads(BUCKET)).isZero();
    }

    @Test
    void multiArchIndexRoundTripsIntoAnotherRegistryWithIdenticalDigests() throws Exception {
        TestImages.Pushed index = new TestImages(sourceClient, 1).multiArch("shop/frontend", "v1", 3 * 1024 * 1024);
        sourceClient.ping();
        assertThat(issuer.issued()).isPositive();

        CaptureResult captured = copier.capture(sourceClient, "shop/frontend", index.digest());
        assertThat(captured.outcome()).isEqualTo(Outcome.CAPTURED);
        assertThat(captured.record().mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(captured.record().manifests()).extracting(BlobRecord::platform).containsExactly("linux/amd64", "linux/arm64/v8");
        // 3 layers (the base layer is shared by both platforms) + 2 configs, then 2 platform manifests + the index
        assertThat(captured.record().blobs()).hasSize(5);
        assertThat(captured.blobsUploaded()).isEqualTo(8);
        long blobBytes = index.blobs().stream().mapToLong(TestImages.Blob::size).sum();
        assertThat(captured.bytesUploaded()).isGreaterThan(blobBytes);
        for (Digest d : captured.record().referencedDigests()) {
            assertThat(store.blobSize(d)).as("stored %s", d).isPresent();
        }

        RestoreResult restored = copier.restore(captured.record(), targetClient, "restored/frontend", List.of("v1"), List.of());
        assertThat(restored.blobsPushed()).isEqualTo(5);
        Manifest back = targetClient.manifest("restored/frontend", "v1").orElseThrow();
        assertThat(back.digest()).isEqualTo(index.digest());
        assertThat(back.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        for (BlobRecord child : captured.record().manifests()) {
            assertThat(targetClient.manifest("restored/frontend", child.digest().toString())).isPresent();
        }
        for (BlobRecord blob : captured.record().blobs()) {
            assertThat(targetClient.hasBlob("restored/frontend", blob.digest())).isTrue();
        }
        SkopeoCheck.copyAllVerifies(target.hostPort() + "/restored/frontend:v1", dir.resolve("skopeo-out"), index.digest());
    }

    @Test
    void aDockerManifestListRoundTripsWithIdenticalDigests() {
        TestImages.Pushed list = new TestImages(sourceClient, 7).multiArch("shop/legacy", "2.4", 1024 * 1024, false);
        CaptureResult captured = copier.capture(sourceClient, "shop/legacy", list.digest());
        assertThat(captured.outcome()).isEqualTo(Outcome.CAPTURED);
        assertThat(captured.record().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
        assertThat(captured.record().manifests()).extracting(BlobRecord::mediaType).containsOnly(MediaTypes.DOCKER_MANIFEST);

        copier.restore(captured.record(), targetClient, "restored/legacy", List.of("2.4"), List.of());
        Manifest back = targetClient.manifest("restored/legacy", "2.4").orElseThrow();
        assertThat(back.digest()).isEqualTo(list.digest());
        assertThat(back.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
    }

    @Test
    void aSecondCaptureUploadsNoBytesAndASharedLayerOnlyOnce() {
        TestImages images = new TestImages(sourceClient, 2);
        TestImages.Blob base = images.layer("shop/api", 2 * 1024 * 1024, false);
        TestImages.Pushed v1 = images.image("shop/api", "v1", false, "amd64", List.of(base, images.layer("shop/api", 500_000, false)));
        TestImages.Pushed v2 = images.image("shop/api", "v2", false, "amd64", List.of(base, images.layer("shop/api", 700_000, false)));

        CaptureResult first = copier.capture(sourceClient, "shop/api", v1.digest());
        assertThat(first.outcome()).isEqualTo(Outcome.CAPTURED);
        assertThat(first.record().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);

        CaptureResult again = copier.capture(sourceClient, "shop/api", v1.digest());
        assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_PRESENT);
        assertThat(again.bytesUploaded()).isZero();
        assertThat(again.blobsUploaded()).isZero();
        assertThat(again.blobsPresent()).isEqualTo(4); // config, 2 layers, manifest

        CaptureResult second = copier.capture(sourceClient, "shop/api", v2.digest());
        assertThat(second.blobsPresent()).isEqualTo(1); // the shared base layer
        assertThat(second.bytesUploaded()).isLessThan(base.size());
    }

    @Test
    void restoreMountsBlobsTheTargetRegistryAlreadyHasInAnotherRepository() {
        TestImages.Pushed image = new TestImages(sourceClient, 3).image("shop/worker", "latest", true, "amd64",
                List.of(new TestImages(sourceClient, 33).layer("shop/worker", 3 * 1024 * 1024, true)));
        CaptureResult captured = copier.capture(sourceClient, "shop/worker", image.digest());

        RestoreResult restored = copier.restore(captured.record(), sourceClient, "restored-ns/worker", List.of("latest", "stable"),
                List.of("shop/worker"));
        assertThat(restored.blobsMounted()).isEqualTo(2);
        assertThat(restored.blobsPushed()).isZero();
        assertThat(restored.bytesPushed()).isZero();
        assertThat(sourceClient.manifest("restored-ns/worker", "stable").orElseThrow().digest()).isEqualTo(image.digest());

        RestoreResult elsewhere = copier.restore(captured.record(), targetClient, "other/worker", List.of(), List.of("nope/missing"));
        assertThat(elsewhere.blobsPushed()).isEqualTo(2);
        assertThat(elsewhere.bytesPushed()).isGreaterThan(3 * 1024 * 1024);
        assertThat(targetClient.manifest("other/worker", image.digest().toString())).isPresent();
    }

    @Test
    void aNestedIndexIsAFailureNamingItNotASkip() {
        TestImages.Pushed nested = new TestImages(sourceClient, 11).nestedIndex("shop/nested", "v1", 64 * 1024);
        assertThatThrownBy(() -> copier.capture(sourceClient, "shop/nested", nested.digest()))
                .hasMessageContaining("shop/nested@" + nested.digest())
                .hasMessageContaining("nested index")
                .hasMessageContaining("the backup does not hold this image");
    }

    @Test
    void aDigestGoneFromTheRegistryIsASkippedResultNotAnError() throws Exception {
        CaptureResult pruned = copier.capture(sourceClient, "shop/frontend", Digest.of("pruned long ago"));
        assertThat(pruned.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(pruned.reason()).contains("404").contains(Digest.of("pruned long ago").toString());

        TestImages images = new TestImages(sourceClient, 4);
        TestImages.Blob layer = images.layer("shop/gone", 100_000, true);
        TestImages.Pushed image = images.image("shop/gone", null, true, "amd64", List.of(layer));
        deleteBlob("shop/gone", layer.digest());
        CaptureResult blobGone = copier.capture(sourceClient, "shop/gone", image.digest());
        assertThat(blobGone.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(blobGone.reason()).contains(layer.digest().toString()).contains("404");
        assertThat(store.blobSize(image.digest())).as("no manifest stored for a skipped image").isEmpty();
    }

    @Test
    void registry5xxAnd429AndDroppedConnectionsAreRetried() throws Exception {
        TestImages.Pushed index = new TestImages(sourceClient, 5).multiArch("shop/flaky", "v1", 1024 * 1024);
        try (FaultProxy proxy = new FaultProxy(source.url())) {
            proxy.inject(r -> r.startsWith("GET /v2/shop/flaky/manifests/"), Fault.STATUS_503, 2);
            proxy.inject(r -> r.startsWith("GET /v2/shop/flaky/blobs/"), Fault.DROP_CONNECTION, 2);
            proxy.inject(r -> r.startsWith("GET /v2/shop/flaky/blobs/"), Fault.STATUS_429, 1);
            proxy.inject(r -> r.startsWith("GET /v2/shop/flaky/blobs/"), Fault.STATUS_503, 1);
            OciRegistryClient flaky = client(proxy.url(), RegistryCredentials.basic(TokenIssuer.USER, TokenIssuer.PASSWORD));

            CaptureResult captured = copier.capture(flaky, "shop/flaky", index.digest());

            assertThat(captured.outcome()).isEqualTo(Outcome.CAPTURED);
            assertThat(proxy.injected()).isEqualTo(6);
        }
    }

    @Test
    void aCorruptedBlobNeverBecomesVisibleInS3() throws Exception {
        TestImages images = new TestImages(sourceClient, 6);
        TestImages.Blob big = images.layer("shop/corrupt", 9 * 1024 * 1024, true); // multipart: 2 parts
        TestImages.Pushed image = images.image("shop/corrupt", null, true, "amd64", List.of(big));
        try (FaultProxy proxy = new FaultProxy(source.url())) {
            proxy.inject(r -> r.equals("GET /v2/shop/corrupt/blobs/" + big.digest()), Fault.CORRUPT_BODY, 100);
            OciRegistryClient corrupting = client(proxy.url(), RegistryCredentials.basic(TokenIssuer.USER, TokenIssuer.PASSWORD));

            assertThatThrownBy(() -> copier.capture(corrupting, "shop/corrupt", image.digest()))
                    .isInstanceOf(BlobDigestMismatchException.class)
                    .hasMessageContaining(big.digest().toString());
            assertThat(proxy.injected()).isEqualTo(1);
        }
        assertThat(store.blobSize(big.digest())).isEmpty();
        assertThat(store.blobSize(image.digest())).isEmpty();
    }

    @Test
    void aRegistryThatStallsMidBlobFailsTheCaptureWithinBoundedTimeInsteadOfHanging() throws Exception {
        TestImages images = new TestImages(sourceClient, 8);
        TestImages.Blob layer = images.layer("shop/stalled", 2 * 1024 * 1024, true);
        TestImages.Pushed image = images.image("shop/stalled", null, true, "amd64", List.of(layer));
        try (FaultProxy proxy = new FaultProxy(source.url())) {
            proxy.inject(r -> r.equals("GET /v2/shop/stalled/blobs/" + layer.digest()), Fault.STALL_BODY, 100);
            OciRegistryClient stalling = new OciRegistryClient(URI.create(proxy.url()),
                    RegistryCredentials.basic(TokenIssuer.USER, TokenIssuer.PASSWORD), FAST_RETRY,
                    OciRegistryClient.defaultHttpClient(), CHUNK, Duration.ofSeconds(1));

            var capture = java.util.concurrent.CompletableFuture.supplyAsync(() -> copier.capture(stalling, "shop/stalled", image.digest()));
            // a functional bound (5 attempts of a 1 s idle timeout take ~6 s), not a latency target: without the
            // watchdog the read blocks forever and this times out
            assertThatThrownBy(() -> capture.get(30, java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(java.util.concurrent.ExecutionException.class)
                    .cause().isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining("image shop/stalled@" + image.digest())
                    .hasMessageContaining("copying blob " + layer.digest() + " failed after 5 attempts")
                    .hasMessageContaining("no data from the registry for 1 s");
            assertThat(proxy.injected()).as("every attempt stalled and was retried").isEqualTo(FAST_RETRY.maxAttempts());
        }
        assertThat(store.blobSize(layer.digest())).isEmpty();
        assertThat(store.blobSize(image.digest())).isEmpty();
    }

    @Test
    void refusedCredentialsAreAClearError() {
        OciRegistryClient wrong = client(source.url(), RegistryCredentials.basic(TokenIssuer.USER, "wrong"));
        assertThatThrownBy(wrong::ping).isInstanceOf(RegistryException.class)
                .hasMessageContaining(source.hostPort()).hasMessageContaining("401").hasMessageContaining("credentials were refused");
    }

    private static void deleteBlob(String repository, Digest digest) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        // the test issuer grants every scope; ask the registry for the challenge, then delete with a token
        var challenge = http.send(java.net.http.HttpRequest.newBuilder(URI.create(source.url() + "/v2/" + repository + "/blobs/" + digest))
                .DELETE().build(), java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(challenge.statusCode()).isEqualTo(401);
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((TokenIssuer.USER + ":" + TokenIssuer.PASSWORD).getBytes());
        String tokenJson = http.send(java.net.http.HttpRequest.newBuilder(URI.create(issuer.realm() + "?service=" + TokenIssuer.SERVICE
                + "&scope=repository:" + repository + ":delete")).header("Authorization", basic).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        String token = new com.fasterxml.jackson.databind.ObjectMapper().readTree(tokenJson).get("token").asText();
        int status = http.send(java.net.http.HttpRequest.newBuilder(URI.create(source.url() + "/v2/" + repository + "/blobs/" + digest))
                .header("Authorization", "Bearer " + token).DELETE().build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        assertThat(status).isEqualTo(202);
    }
}
