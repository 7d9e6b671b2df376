package io.tresor.actions.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Event;
import io.tresor.actions.cluster.ApiResources;
import io.tresor.actions.cluster.ImageActionContext;
import io.tresor.actions.cluster.ImageIndexPointer;
import io.tresor.actions.cluster.testing.ClusterFixture;
import io.tresor.actions.cluster.testing.ImageStreams;
import io.tresor.actions.cluster.testing.ImageStreams.Item;
import io.tresor.imagearchive.index.ImageIndex;
import io.tresor.imagearchive.index.ImageIndexCodec;
import io.tresor.imagearchive.index.ImageStreamRecord;
import io.tresor.imagearchive.index.TagItemRecord;
import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import io.tresor.imagearchive.testing.TestImages;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.DeleteItemRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The capture BIA and the GC DIA against the mock API server, S3Proxy (SSE-C) and docker-registry with token auth. */
class ImageStreamCaptureActionTest {
    @TempDir
    static Path dir;
    static ClusterFixture cluster;
    static TestImages.Pushed current;
    static TestImages.Pushed previous;
    static TestImages.Pushed otherNamespace;

    @BeforeAll
    static void start() throws Exception {
        cluster = ClusterFixture.start(dir, false);
        TestImages images = new TestImages(cluster.registryClient(), 42);
        current = images.multiArch("shop/web", "latest", 300_000);
        previous = images.image("shop/web", null, false, "amd64", List.of(images.layer("shop/web", 200_000, false)));
        otherNamespace = images.image("finance/payroll", "latest", false, "amd64", List.of(images.layer("finance/payroll", 1000, false)));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static ObjectNode web(String name) {
        return stream(name, current, previous);
    }

    static ObjectNode stream(String name, TestImages.Pushed current, TestImages.Pushed previous) {
        String host = cluster.registryHost();
        String pruned = "sha256:" + "0".repeat(64);
        Map<String, List<Item>> history = new LinkedHashMap<>();
        history.put("latest", List.of(
                new Item(host + "/shop/" + name + "@" + current.digest(), current.digest().toString(), "2026-11-30T10:00:00Z"),
                new Item(host + "/shop/" + name + "@" + previous.digest(), previous.digest().toString(), "2026-11-20T10:00:00Z"),
                new Item(host + "/shop/" + name + "@" + pruned, pruned, "2026-10-01T10:00:00Z")));
        history.put("base", List.of(
                new Item(host + "/finance/payroll@" + otherNamespace.digest(), otherNamespace.digest().toString(), "2026-11-01T10:00:00Z"),
                new Item("quay.io/tenant/base@sha256:" + "c".repeat(64), "sha256:" + "c".repeat(64), "2026-09-01T10:00:00Z")));
        ObjectNode is = ImageStreams.imageStream("shop", name, host, history);
        return is;
    }

    static BackupItemResult capture(ImageStreamCaptureAction action, ObjectNode item, String backup) {
        return action.execute(new BackupItemRequest(item, () -> ImageStreams.backup(backup, "shop")));
    }

    /** The index document of ImageStream {@code shop/<name>} in {@code backup}. */
    static ImageIndex index(String backup, String name) {
        byte[] bytes = cluster.s3().admin().getObjectAsBytes(b -> b.bucket(ClusterFixture.BUCKET)
                .key(ClusterFixture.PREFIX + "/plugins/tresor/backups/" + backup + "/imagestreams/shop/" + name + ".json")
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(java.util.Base64.getEncoder().encodeToString(ClusterFixture.KEY))
                .sseCustomerKeyMD5(md5(ClusterFixture.KEY))).asByteArray();
        return ImageIndexCodec.read(bytes, backup);
    }

    static String md5(byte[] key) {
        try {
            return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(key));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void capturesOwnImagesSkipsPrunedOnesAndOnlyReferencesTheRest() throws Exception {
        ImageActionContext ctx = cluster.context(Duration.ofHours(24));
        ImageStreamCaptureAction action = new ImageStreamCaptureAction(() -> ctx);
        BackupItemResult result = capture(action, web("web"), "nightly-1");

        ObjectNode annotations = (ObjectNode) result.item().path("metadata").path("annotations");
        assertThat(annotations.path(ImageIndexPointer.INDEX_ANNOTATION).asText()).isEqualTo("plugins/tresor/backups/nightly-1/imagestreams/shop/web.json");
        ImageIndex index = index("nightly-1", "web");
        assertThat(index.schemaVersion()).isEqualTo(ImageIndex.SCHEMA_VERSION);
        ImageStreamRecord record = index.imageStreams().get(0);
        assertThat(annotations.path(ImageIndexPointer.RECORD_DIGEST_ANNOTATION).asText())
                .isEqualTo(ImageIndexPointer.recordDigest(record).toString());
        assertThat(annotations.toString().length()).as("the annotation is a pointer, not the record").isLessThan(400);
        assertThat(record.tags().get(0).items()).extracting(TagItemRecord::outcome)
                .containsExactly(Outcome.CAPTURED, Outcome.CAPTURED, Outcome.SKIPPED);
        assertThat(record.tags().get(0).items().get(2).reason()).contains("404");
        assertThat(record.tags().get(1).items()).extracting(TagItemRecord::outcome).containsExactly(Outcome.REFERENCE, Outcome.REFERENCE);
        assertThat(index.images()).extracting(i -> i.digest()).containsExactlyInAnyOrder(current.digest(), previous.digest());
        assertThat(index.image(current.digest()).orElseThrow().manifests()).as("both platforms").hasSize(2);
        assertThat(index.referencedDigests()).doesNotContain(otherNamespace.digest());
        assertThat(cluster.storedKeys("plugins/tresor/k-")).noneMatch(k -> k.endsWith(otherNamespace.digest().hex()));
        assertThat(cluster.storedKeys("plugins/tresor/inprogress/")).as("in-progress root removed at the end").isEmpty();
        assertThat(cluster.s3().topLevel(ClusterFixture.BUCKET, ClusterFixture.PREFIX)).as("only Velero's own top-level directories").isSubsetOf("plugins/", "backups/");

        List<Event> events = cluster.client().v1().events().inNamespace("shop").list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals("web")).toList();
        assertThat(events).extracting(Event::getReason)
                .contains("ImageCaptured", "ImageSkipped", "ImagesNotCopied").doesNotContain("ImageCaptureFailed");
        assertThat(events).filteredOn(e -> e.getReason().equals("ImageSkipped")).singleElement()
                .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"))
                .satisfies(e -> assertThat(e.getMessage()).contains("nightly-1", "pruned"));
        assertThat(events).filteredOn(e -> e.getReason().equals("ImageCaptured"))
                .allSatisfy(e -> assertThat(e.getMessage()).containsPattern("\\d+ bytes uploaded in \\d+ ms"));
    }

    @Test
    void aSecondBackupUploadsNothingAndAGcKeepsSharedBlobsAndDropsOrphans() throws Exception {
        TestImages images = new TestImages(cluster.registryClient(), 7);
        TestImages.Pushed apiCurrent = images.image("shop/api", "latest", true, "amd64", List.of(images.layer("shop/api", 50_000, true)));
        TestImages.Pushed apiPrevious = images.image("shop/api", null, true, "amd64", List.of(images.layer("shop/api", 40_000, true)));
        ImageActionContext ctx = cluster.context(Duration.ZERO);
        ImageStreamCaptureAction action = new ImageStreamCaptureAction(() -> ctx);
        ObjectNode item = stream("api", apiCurrent, apiPrevious);
        capture(action, item.deepCopy(), "gc-1");
        cluster.veleroBackupUploaded("gc-1");
        List<String> blobs = cluster.storedKeys("plugins/tresor/k-");
        capture(action, item.deepCopy(), "gc-2");
        cluster.veleroBackupUploaded("gc-2");
        assertThat(cluster.storedKeys("plugins/tresor/k-")).as("the second backup stored no new blob").isEqualTo(blobs);
        assertThat(index("gc-2", "api").imageStreams().get(0).tags().get(0).items()).extracting(TagItemRecord::outcome)
                .containsExactly(Outcome.ALREADY_PRESENT, Outcome.ALREADY_PRESENT, Outcome.SKIPPED);
        assertThat(cluster.client().v1().events().inNamespace("shop").list().getItems())
                .filteredOn(e -> e.getInvolvedObject().getName().equals("api") && e.getReason().equals("ImageAlreadyPresent"))
                .hasSize(2).allSatisfy(e -> assertThat(e.getMessage()).contains(" 0 bytes uploaded"));
        List<String> apiBlobs = index("gc-2", "api").referencedDigests().stream().map(d -> d.hex()).toList();

        new ImageStreamGcAction(() -> ctx).execute(new DeleteItemRequest(item, () -> ImageStreams.backup("gc-1", "shop")));
        assertThat(cluster.storedKeys("plugins/tresor/backups/")).noneMatch(k -> k.contains("/gc-1/")).anyMatch(k -> k.contains("/gc-2/"));
        assertThat(cluster.storedKeys("plugins/tresor/k-")).as("gc-2 still needs every blob").containsAll(blobs);

        // deleting gc-2 marks its blobs (first pass); the next pass, here a new plugin process repeating the call, deletes them
        ImageStreamGcAction gc = new ImageStreamGcAction(() -> ctx);
        gc.execute(new DeleteItemRequest(item, () -> ImageStreams.backup("gc-2", "shop")));
        assertThat(cluster.storedKeys("plugins/tresor/k-")).as("marked, not yet deleted").containsAll(blobs);
        gc.execute(new DeleteItemRequest(item, () -> ImageStreams.backup("gc-2", "shop")));
        assertThat(cluster.storedKeys("plugins/tresor/k-")).as("once per backup and process").containsAll(blobs);
        new ImageStreamGcAction(() -> ctx).execute(new DeleteItemRequest(item, () -> ImageStreams.backup("gc-2", "shop")));
        assertThat(cluster.storedKeys("plugins/tresor/backups/")).noneMatch(k -> k.contains("/gc-"));
        assertThat(cluster.storedKeys("plugins/tresor/k-")).as("orphans removed").noneMatch(k -> apiBlobs.stream().anyMatch(k::endsWith));
        assertThat(cluster.s3().topLevel(ClusterFixture.BUCKET, ClusterFixture.PREFIX)).containsOnly("plugins/", "backups/");
    }

    @Test
    void imageStreamsCapturedConcurrentlyIntoOneBackupAllLandInItsIndex() throws Exception {
        TestImages images = new TestImages(cluster.registryClient(), 99);
        List<String> names = List.of("c1", "c2", "c3", "c4");
        List<ObjectNode> streams = new java.util.ArrayList<>();
        for (String name : names) {
            TestImages.Pushed a = images.image("shop/" + name, "latest", true, "amd64", List.of(images.layer("shop/" + name, 30_000, true)));
            TestImages.Pushed b = images.image("shop/" + name, null, true, "amd64", List.of(images.layer("shop/" + name, 20_000, true)));
            streams.add(stream(name, a, b));
        }
        ImageActionContext ctx = cluster.context(Duration.ofHours(24));
        ImageStreamCaptureAction action = new ImageStreamCaptureAction(() -> ctx);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(names.size());
        try {
            List<java.util.concurrent.Future<BackupItemResult>> results = new java.util.ArrayList<>();
            for (ObjectNode is : streams) {
                results.add(pool.submit(() -> capture(action, is, "parallel-1")));
            }
            for (var r : results) {
                assertThat(r.get().item().path("metadata").path("annotations").has(ImageIndexPointer.INDEX_ANNOTATION)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        for (String name : names) {
            ImageIndex index = index("parallel-1", name);
            assertThat(index.imageStreams()).extracting(ImageStreamRecord::name).containsExactly(name);
            assertThat(index.images()).hasSize(2);
        }
        assertThat(cluster.storedKeys("plugins/tresor/inprogress/")).isEmpty();
    }

    @Test
    void theSkipAnnotationCopiesNothing() throws Exception {
        ImageActionContext ctx = cluster.context(Duration.ofHours(24));
        ObjectNode item = web("skipped");
        item.withObjectProperty("metadata").withObjectProperty("annotations").put(CapturePlan.SKIP_ANNOTATION, "true");
        BackupItemResult result = capture(new ImageStreamCaptureAction(() -> ctx), item, "skip-1");
        assertThat(result.item().path("metadata").path("annotations").has(ImageIndexPointer.INDEX_ANNOTATION)).isFalse();
        assertThat(cluster.storedKeys("plugins/tresor/backups/skip-1/")).isEmpty();
    }

    @Test
    void anImageStreamWithOnlyReferencesNeedsNoUsableLocation() throws Exception {
        // the archive is opened in the background while the plan is made; when there is nothing to copy its failure
        // (here: a storage location that does not exist) must not become the item's
        ImageActionContext ctx = cluster.context(Duration.ofHours(24));
        String host = cluster.registryHost();
        ObjectNode refsOnly = ImageStreams.imageStream("shop", "refs-only", host, Map.of("base", List.of(
                new Item(host + "/finance/payroll@" + otherNamespace.digest(), otherNamespace.digest().toString(), "2026-11-01T10:00:00Z"),
                new Item("quay.io/tenant/base@sha256:" + "c".repeat(64), "sha256:" + "c".repeat(64), "2026-09-01T10:00:00Z"))));
        ObjectNode backup = ImageStreams.backup("refs-only-1", "shop");
        backup.withObjectProperty("spec").put("storageLocation", "no-such-bsl");
        BackupItemResult result = new ImageStreamCaptureAction(() -> ctx).execute(new BackupItemRequest(refsOnly, () -> backup));
        assertThat(result.item().path("metadata").path("name").asText()).isEqualTo("refs-only");
        assertThat(cluster.client().v1().events().inNamespace("shop").list().getItems())
                .filteredOn(ev -> ev.getInvolvedObject().getName().equals("refs-only"))
                .extracting(Event::getReason).doesNotContain("ImageCaptureFailed");
        assertThat(cluster.storedKeys("plugins/tresor/backups/refs-only-1/")).isEmpty();
    }

    @Test
    void anUnusableLocationKeepsTheImageStreamInTheBackupAndTellsTheTenantWhy() throws Exception {
        ImageActionContext ctx = cluster.context(Duration.ofHours(24));
        ObjectNode plain = ClusterFixture.json(cluster.s3().bslJson("plain-bsl", ClusterFixture.BUCKET, "plain"));
        ((ObjectNode) plain.path("spec").path("config")).remove("customerKeyEncryptionSecret");
        cluster.create(ApiResources.STORAGE_LOCATION, plain);
        ImageStreamCaptureAction action = new ImageStreamCaptureAction(() -> ctx);
        Map<String, String> expected = Map.of("missing-bsl", "BackupStorageLocation openshift-adp/missing-bsl does not exist",
                "plain-bsl", "BackupStorageLocation plain-bsl has no SSE-C key: set config.customerKeyEncryptionSecret");
        for (var e : expected.entrySet()) {
            ObjectNode backup = ImageStreams.backup("unusable-" + e.getKey(), "shop");
            backup.withObjectProperty("spec").put("storageLocation", e.getKey());
            BackupItemResult result = action.execute(new BackupItemRequest(web("unusable"), () -> backup));
            assertThat(result.item().path("metadata").path("name").asText()).as("the ImageStream is still backed up").isEqualTo("unusable");
            assertThat(result.item().path("metadata").path("annotations").has(ImageIndexPointer.INDEX_ANNOTATION)).isFalse();
            assertThat(cluster.client().v1().events().inNamespace("shop").list().getItems())
                    .filteredOn(ev -> ev.getInvolvedObject().getName().equals("unusable") && ev.getMessage().contains(backup.path("metadata").path("name").asText()))
                    .singleElement().satisfies(ev -> assertThat(ev.getType()).isEqualTo("Warning"))
                    .satisfies(ev -> assertThat(ev.getReason()).isEqualTo("ImageCaptureFailed"))
                    .satisfies(ev -> assertThat(ev.getMessage()).contains(e.getValue()));
        }
        assertThat(cluster.s3().topLevel(ClusterFixture.BUCKET, "plain")).as("nothing written unencrypted").isEmpty();
        // and the GC has nothing to sweep in a location without a key
        new ImageStreamGcAction(() -> ctx).execute(new DeleteItemRequest(web("unusable"), () -> {
            ObjectNode b = ImageStreams.backup("unusable-plain-bsl", "shop");
            b.withObjectProperty("spec").put("storageLocation", "plain-bsl");
            return b;
        }));
    }
}
