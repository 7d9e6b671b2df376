package io.tresor.actions.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.actions.backup.ImageStreamCaptureAction;
import io.tresor.actions.cluster.ApiResources;
import io.tresor.actions.cluster.ImageActionContext;
import io.tresor.actions.cluster.testing.ClusterFixture;
import io.tresor.actions.cluster.testing.ImageStreams;
import io.tresor.actions.cluster.testing.ImageStreams.Item;
import io.tresor.actions.cluster.ImageIndexPointer;
import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.ImageIndex;
import io.tresor.imagearchive.index.ImageIndexCodec;
import io.tresor.imagearchive.index.ImageRecord;
import io.tresor.imagearchive.index.ImageStreamRecord;
import io.tresor.imagearchive.layout.ArchiveLayout;
import io.tresor.imagearchive.registry.OciRegistryClient;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.SseCustomerKeySource;
import io.tresor.imagearchive.testing.S3Server;
import io.tresor.imagearchive.testing.TestImages;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.RestoreItemRequest;
import io.tresor.plugin.api.RestoreItemResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capture with the real BIA, then restore with the RIA into another namespace; failures name the image and the cause. */
class ImageStreamRestoreActionTest {
    @TempDir
    static Path dir;
    static ClusterFixture cluster;
    static ImageActionContext ctx;

    @BeforeAll
    static void start() throws Exception {
        cluster = ClusterFixture.start(dir, false);
        ctx = cluster.context(Duration.ofHours(24));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** Pushes two images of {@code shop/<name>}, captures the stream into {@code backup}; returns the backed-up item. */
    static ObjectNode backedUp(String name, String backup, TestImages.Pushed[] pushed) throws ActionException {
        return backedUp(name, backup, pushed, is -> { });
    }

    /** As {@link #backedUp(String, String, TestImages.Pushed[])}, with {@code edit} applied to the live ImageStream first. */
    static ObjectNode backedUp(String name, String backup, TestImages.Pushed[] pushed, Consumer<ObjectNode> edit) throws ActionException {
        TestImages images = new TestImages(cluster.registryClient(), name.hashCode());
        String repo = "shop/" + name;
        TestImages.Pushed current = images.multiArch(repo, "latest", 100_000);
        TestImages.Pushed old = images.image(repo, null, false, "amd64", List.of(images.layer(repo, 80_000, false)));
        pushed[0] = current;
        pushed[1] = old;
        String host = cluster.registryHost();
        Map<String, List<Item>> history = new LinkedHashMap<>();
        history.put("latest", List.of(new Item(host + "/" + repo + "@" + current.digest(), current.digest().toString(), "2026-11-30T10:00:00Z"),
                new Item(host + "/" + repo + "@" + old.digest(), old.digest().toString(), "2026-11-01T10:00:00Z")));
        history.put("v1", List.of(new Item(host + "/" + repo + "@" + old.digest(), old.digest().toString(), "2026-11-01T10:00:00Z")));
        ObjectNode is = ImageStreams.imageStream("shop", name, host, history);
        edit.accept(is);
        cluster.create(ApiResources.BACKUP, ImageStreams.storedBackup(backup, "shop"));
        return new ImageStreamCaptureAction(() -> ctx).execute(new BackupItemRequest(is, () -> ImageStreams.backup(backup, "shop"))).item();
    }

    static RestoreItemResult restore(ObjectNode fromBackup, String backup, String to) throws ActionException {
        return restore(fromBackup, backup, to, null);
    }

    /** A Restore of {@code shop} into {@code to}, with {@code spec.existingResourcePolicy} when not null. */
    static RestoreItemResult restore(ObjectNode fromBackup, String backup, String to, String existingResourcePolicy) throws ActionException {
        ObjectNode restore = ImageStreams.restore("restore-" + to, backup, "shop", to);
        if (existingResourcePolicy != null) {
            restore.withObjectProperty("spec").put("existingResourcePolicy", existingResourcePolicy);
        }
        return new ImageStreamRestoreAction(() -> ctx).execute(new RestoreItemRequest(ImageStreams.prepared(fromBackup),
                () -> fromBackup, () -> restore));
    }

    @Test
    void restoresSpecAndImagesIntoAnotherNamespaceThenSkipsVelerosCreate() throws Exception {
        TestImages.Pushed[] pushed = new TestImages.Pushed[2];
        ObjectNode fromBackup = backedUp("web", "full-1", pushed);
        RestoreItemResult result = restore(fromBackup, "full-1", "shop-copy");
        assertThat(result.skipRestore()).isTrue();

        ObjectNode created = ApiResources.get(cluster.client(), ApiResources.IMAGE_STREAM, "shop-copy", "web").orElseThrow();
        assertThat(created.path("spec").path("lookupPolicy").path("local").asBoolean()).isTrue();
        assertThat(created.path("spec").path("tags").get(0).path("from").path("name").asText()).isEqualTo("quay.io/tenant/base:1.2");
        assertThat(created.path("metadata").path("labels").path("app").asText()).isEqualTo("web");
        assertThat(created.path("metadata").path("annotations").toString()).doesNotContain("tresor.io/");

        OciRegistryClient registry = cluster.registryClient();
        assertThat(registry.manifest("shop-copy/web", "latest").orElseThrow().digest()).as("newest pushed last").isEqualTo(pushed[0].digest());
        assertThat(registry.manifest("shop-copy/web", "v1").orElseThrow().digest()).isEqualTo(pushed[1].digest());
        assertThat(registry.manifest("shop-copy/web", pushed[1].digest().toString())).as("history pullable by digest").isPresent();
        for (TestImages.Blob blob : pushed[0].blobs()) {
            assertThat(registry.hasBlob("shop-copy/web", blob.digest())).isTrue();
        }
    }

    /** A spec tag that imports from the stream's own repository must import from the copy, not from the source tenant. */
    @Test
    void aMappedRestoreRepointsPullSpecsIntoTheSourceNamespacesRepositoriesAtTheTargetNamespace() throws Exception {
        String host = cluster.registryHost();
        TestImages.Pushed[] pushed = new TestImages.Pushed[2];
        ObjectNode fromBackup = backedUp("pinned", "repoint-1", pushed, is -> {
            ObjectNode spec = is.withObjectProperty("spec");
            spec.withArrayProperty("tags").addObject().put("name", "release").put("reference", true)
                    .putObject("from").put("kind", "DockerImage").put("name", host + "/shop/pinned@" + pushed[1].digest());
            spec.withArrayProperty("tags").addObject().put("name", "mirror")
                    .putObject("from").put("kind", "DockerImage").put("name", host + "/shopx/base:1.0");
        });

        List<String> lines;
        try (CapturedLog log = new CapturedLog()) {
            assertThat(restore(fromBackup, "repoint-1", "shop-repoint").skipRestore()).isTrue();
            lines = log.summary("shop-repoint/pinned");
        }
        ObjectNode created = ApiResources.get(cluster.client(), ApiResources.IMAGE_STREAM, "shop-repoint", "pinned").orElseThrow();
        List<String> from = new java.util.ArrayList<>();
        created.path("spec").path("tags").forEach(t -> from.add(t.path("name").asText() + "=" + t.path("from").path("name").asText()));
        assertThat(from).containsExactly("upstream=quay.io/tenant/base:1.2",
                "release=" + host + "/shop-repoint/pinned@" + pushed[1].digest(), "mirror=" + host + "/shopx/base:1.0");
        assertThat(lines).containsExactly(
                "info: ImageStream shop-repoint/pinned was created with spec tags release repointed by the restore's "
                        + "namespace mapping (shop → shop-repoint)",
                "info: ImageStream shop-repoint/pinned was created from its backed-up spec; 3 image(s) of backup repoint-1 "
                        + "pushed into it");
        assertThat(cluster.registryClient().manifest("shop-repoint/pinned", pushed[1].digest().toString()))
                .as("what the repointed tag names was pushed there").isPresent();
    }

    @Test
    void aBackupWrittenBeforePerImageStreamDocumentsRestoresFromItsWholeBackupImagesJson() throws Exception {
        TestImages.Pushed[] pushed = new TestImages.Pushed[2];
        ObjectNode fromBackup = backedUp("legacy", "legacy-1", pushed);
        try (S3BlobStore store = S3BlobStore.open(cluster.s3().location(ClusterFixture.LOCATION, ClusterFixture.BUCKET, ClusterFixture.PREFIX),
                SseCustomerKeySource.ofSecretValue(ClusterFixture.VELERO_NAMESPACE, "cloud-credentials", "customer-key", ClusterFixture.KEY),
                S3Server.credentialsFile())) {
            // rewrite the backup as plugins before per-ImageStream documents left it: one images.json (schema 1) with
            // every ImageStream of the backup, no per-ImageStream document, the annotation naming images.json
            ArchiveLayout layout = store.layout();
            String own = layout.imageStreamIndex("legacy-1", "shop", "legacy");
            ImageIndex captured = ImageIndexCodec.read(store.readObject(own, 1 << 20).orElseThrow(), own);
            ImageStreamRecord other = new ImageStreamRecord("shop", "other", List.of());
            ImageRecord otherImage = new ImageRecord(Digest.of("other image"), captured.images().get(0).mediaType(), 10, "shop/other",
                    List.of(), List.of());
            List<ImageRecord> images = new java.util.ArrayList<>(List.of(otherImage));
            images.addAll(captured.images());
            store.writeObject(layout.imageIndex("legacy-1"), ImageIndexCodec.write(new ImageIndex(ImageIndex.LEGACY_SCHEMA_VERSION, "legacy-1",
                    captured.keyFingerprint(), captured.createdAt(), List.of(other, captured.imageStreams().get(0)), images)), "application/json");
            store.delete(own);
            fromBackup.withObjectProperty("metadata").withObjectProperty("annotations")
                    .put(ImageIndexPointer.INDEX_ANNOTATION, "plugins/tresor/backups/legacy-1/images.json");
            assertThat(cluster.storedKeys("plugins/tresor/backups/legacy-1/")).containsExactly(layout.imageIndex("legacy-1"));
        }

        assertThat(restore(fromBackup, "legacy-1", "shop-legacy").skipRestore()).isTrue();

        OciRegistryClient registry = cluster.registryClient();
        assertThat(registry.manifest("shop-legacy/legacy", "latest").orElseThrow().digest()).isEqualTo(pushed[0].digest());
        assertThat(registry.manifest("shop-legacy/legacy", "v1").orElseThrow().digest()).isEqualTo(pushed[1].digest());
    }

    @Test
    void anImageStreamNamingAnotherNamespaceInTheBackupIsRefusedBeforeAnythingIsCreatedOrPushed() throws Exception {
        TestImages.Pushed[] pushed = new TestImages.Pushed[2];
        ObjectNode fromBackup = backedUp("tampered", "tamper-1", pushed);
        // the tenant edits the object in its own bucket: same path (namespaces/shop/...), metadata.namespace of a victim
        fromBackup.withObjectProperty("metadata").put("namespace", "victim");
        int logBefore = cluster.registryAccessLog().size();

        // a NAR's Restore: includedNamespaces forced to [shop], no mapping
        assertThatThrownBy(() -> restore(fromBackup, "tamper-1", "shop"))
                .isInstanceOf(ActionException.class)
                .hasMessageContaining("ImageStream tampered of backup tamper-1 names namespace \"victim\"")
                .hasMessageContaining("includes only namespaces [shop] (spec.includedNamespaces)")
                .hasMessageContaining("Nothing was created or pushed");
        assertThat(ApiResources.get(cluster.client(), ApiResources.IMAGE_STREAM, "victim", "tampered")).isEmpty();
        assertThat(ApiResources.get(cluster.client(), ApiResources.IMAGE_STREAM, "shop", "tampered")).isEmpty();
        assertThat(cluster.registryAccessLog().subList(logBefore, cluster.registryAccessLog().size()))
                .as("no registry call at all").isEmpty();
        assertThat(cluster.registryClient().manifest("victim/tampered", "latest")).isEmpty();
    }

    @Test
    void anExistingImageStreamKeepsItsTagsUnlessExistingResourcePolicyIsUpdate() throws Exception {
        TestImages.Pushed[] pushed = new TestImages.Pushed[2];
        ObjectNode fromBackup = backedUp("live", "exist-1", pushed);
        // production moved on since the backup: shop-live/live exists, its latest is image Z
        TestImages images = new TestImages(cluster.registryClient(), 777);
        TestImages.Pushed z = images.image("shop-live/live", "latest", false, "amd64", List.of(images.layer("shop-live/live", 5_000, false)));
        String host = cluster.registryHost();
        cluster.create(ApiResources.IMAGE_STREAM, ImageStreams.imageStream("shop-live", "live", host, Map.of("latest",
                List.of(new Item(host + "/shop-live/live@" + z.digest(), z.digest().toString(), "2026-12-01T08:00:00Z")))));
        int logBefore = cluster.registryAccessLog().size();

        RestoreItemResult result;
        try (CapturedLog log = new CapturedLog()) {
            result = restore(fromBackup, "exist-1", "shop-live");
            // one line, info: Velero's own create of the item meets the object and adds the restore warning
            assertThat(log.summary("shop-live/live")).containsExactly("info: ImageStream shop-live/live exists already and was "
                    + "left as it is: none of its images in backup exist-1 were pushed; to push them into it, restore with "
                    + "existingResourcePolicy: update (which moves its tags back to the backup's images), or delete the "
                    + "ImageStream and restore again");
        }
        OciRegistryClient registry = cluster.registryClient();
        assertThat(registry.manifest("shop-live/live", "latest").orElseThrow().digest()).as("latest still Z").isEqualTo(z.digest());
        assertThat(result.skipRestore()).as("Velero's own create meets the object and reports it").isFalse();
        assertThat(result.item()).as("unchanged").isNull();
        assertThat(cluster.registryAccessLog().subList(logBefore, cluster.registryAccessLog().size()))
                .as("nothing pushed").noneMatch(l -> l.contains("PUT ") || l.contains("POST ") || l.contains("PATCH "));
        assertThat(registry.manifest("shop-live/live", pushed[0].digest().toString())).isEmpty();

        try (CapturedLog log = new CapturedLog()) {
            assertThat(restore(fromBackup, "exist-1", "shop-live", "update").skipRestore()).isTrue();
            assertThat(log.summary("shop-live/live")).containsExactly("info: ImageStream shop-live/live exists already and "
                    + "existingResourcePolicy is update: its spec was left as it is in the cluster; 3 image(s) of backup exist-1 "
                    + "pushed into it");
        }
        assertThat(registry.manifest("shop-live/live", "latest").orElseThrow().digest()).as("pushed as before").isEqualTo(pushed[0].digest());
        assertThat(registry.manifest("shop-live/live", "v1").orElseThrow().digest()).isEqualTo(pushed[1].digest());
    }

    /** Without archived images, and when an image fails: each case says whether the ImageStream was created or existed. */
    @Test
    void theTextsOfAnImageStreamSayWhetherItWasCreatedOrExistedAlready() throws Exception {
        String host = cluster.registryHost();
        ObjectNode bare = ImageStreams.imageStream("shop", "bare", host, Map.of()); // BIA: nothing archived, no annotation
        cluster.create(ApiResources.BACKUP, ImageStreams.storedBackup("bare-1", "shop"));
        String[] lines = {
                "info: ImageStream shop-bare/bare was created from its backed-up spec; the backup archived no image of it, so "
                        + "none was pushed",
                "info: ImageStream shop-bare/bare exists already and was left as it is; the backup archived no image of it, so "
                        + "no image is missing",
                "info: ImageStream shop-bare/bare exists already and existingResourcePolicy is update: its spec was left as it "
                        + "is in the cluster; the backup archived no image of it, so none was pushed"};
        String[] policies = {null, null, "update"};
        for (int i = 0; i < lines.length; i++) {
            try (CapturedLog log = new CapturedLog()) {
                restore(bare, "bare-1", "shop-bare", policies[i]);
                assertThat(log.summary("shop-bare/bare")).containsExactly(lines[i]);
            }
        }

        TestImages.Pushed[] pushed = new TestImages.Pushed[2];
        ObjectNode fromBackup = backedUp("gone", "gone-1", pushed);
        TestImages.Blob layer = pushed[1].blobs().get(1);
        String key = cluster.storedKeys("plugins/tresor/k-").stream().filter(k -> k.endsWith(layer.digest().hex())).findFirst().orElseThrow();
        cluster.s3().admin().deleteObject(b -> b.bucket(ClusterFixture.BUCKET).key(key));
        cluster.create(ApiResources.IMAGE_STREAM, ImageStreams.imageStream("shop-gone", "gone", host, Map.of()));
        assertThatThrownBy(() -> restore(fromBackup, "gone-1", "shop-gone", "update"))
                .isInstanceOf(ActionException.class)
                .hasMessageStartingWith("ImageStream shop-gone/gone exists already and existingResourcePolicy is update: its spec "
                        + "was left as it is in the cluster, but 2 image(s) could not be restored: " + pushed[1].digest())
                .hasMessageNotContaining("created");
    }

    @Test
    void aWrongKeyFailsWithTheStorageLocationAndKeyNamed() throws Exception {
        TestImages.Pushed[] pushed = new TestImages.Pushed[2];
        ObjectNode fromBackup = backedUp("keyed", "key-1", pushed);
        cluster.replaceKey("ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.US_ASCII));
        try {
            assertThatThrownBy(() -> restore(fromBackup, "key-1", "shop-key"))
                    .isInstanceOf(ActionException.class)
                    .hasMessageContaining("shop-key/keyed")
                    .hasMessageContaining(ClusterFixture.LOCATION)
                    .hasMessageContaining("SSE-C key mismatch")
                    .hasMessageNotContaining("ffffffff");
        } finally {
            cluster.replaceKey(ClusterFixture.KEY);
        }
    }

    @Test
    void aMissingBlobFailsThatImageAndTheOthersAreStillRestored() throws Exception {
        TestImages.Pushed[] pushed = new TestImages.Pushed[2];
        ObjectNode fromBackup = backedUp("holey", "hole-1", pushed);
        // the old image's only layer disappears from the archive
        TestImages.Blob layer = pushed[1].blobs().get(1);
        String key = cluster.storedKeys("plugins/tresor/k-").stream().filter(k -> k.endsWith(layer.digest().hex())).findFirst().orElseThrow();
        cluster.s3().admin().deleteObject(b -> b.bucket(ClusterFixture.BUCKET).key(key));

        assertThatThrownBy(() -> restore(fromBackup, "hole-1", "shop-hole"))
                .isInstanceOf(ActionException.class)
                .hasMessageContaining("ImageStream shop-hole/holey was created from its backed-up spec, but 2 image(s) could not be "
                        + "restored")
                .hasMessageContaining(pushed[1].digest().toString())
                .hasMessageContaining(layer.digest() + " of image " + pushed[1].digest() + " is missing from the archive");
        assertThat(cluster.registryClient().manifest("shop-hole/holey", "latest").orElseThrow().digest()).isEqualTo(pushed[0].digest());
    }

    /** An ImageStream of {@code shop/<name>} whose tag {@code latest} has one image. */
    static ObjectNode single(String name, TestImages.Pushed image) {
        String host = cluster.registryHost();
        Map<String, List<Item>> history = new LinkedHashMap<>();
        history.put("latest", List.of(new Item(host + "/shop/" + name + "@" + image.digest(), image.digest().toString(), "2026-11-30T10:00:00Z")));
        return ImageStreams.imageStream("shop", name, host, history);
    }

    @Test
    void aSecondImageStreamOfTheRestoreMountsTheBaseLayerTheFirstOnePushed() throws Exception {
        OciRegistryClient setup = cluster.registryClient();
        TestImages images = new TestImages(setup, 4242);
        TestImages.Blob base = images.layer("shop/front", 400_000, true);
        TestImages.Pushed front = images.image("shop/front", "latest", true, "amd64", List.of(base, images.layer("shop/front", 2_000, true)));
        assertThat(setup.mountBlob("shop/back", base.digest(), "shop/front")).as("setup: both streams share the base layer").isTrue();
        TestImages.Pushed back = images.image("shop/back", "latest", true, "amd64", List.of(base, images.layer("shop/back", 3_000, true)));
        cluster.create(ApiResources.BACKUP, ImageStreams.storedBackup("mount-1", "shop"));
        ImageStreamCaptureAction capture = new ImageStreamCaptureAction(() -> ctx);
        ObjectNode frontItem = capture.execute(new BackupItemRequest(single("front", front), () -> ImageStreams.backup("mount-1", "shop"))).item();
        ObjectNode backItem = capture.execute(new BackupItemRequest(single("back", back), () -> ImageStreams.backup("mount-1", "shop"))).item();

        // one plugin process serves all items of a restore: one action instance
        ImageStreamRestoreAction action = new ImageStreamRestoreAction(() -> ctx);
        ObjectNode restore = ImageStreams.restore("restore-mount", "mount-1", "shop", "shop-mount");
        for (ObjectNode item : List.of(frontItem, backItem)) {
            assertThat(action.execute(new RestoreItemRequest(ImageStreams.prepared(item), () -> item, () -> restore)).skipRestore()).isTrue();
        }

        String hex = base.digest().hex();
        List<String> log = cluster.registryAccessLog();
        assertThat(log).as("the base layer was mounted into shop-mount/back from shop-mount/front (201 Created)")
                .anyMatch(l -> l.contains("POST /v2/shop-mount/back/blobs/uploads/?mount=") && l.contains(hex)
                        && l.matches(".*from=shop-mount(/|%2F)front.*") && l.contains("\" 201 "));
        assertThat(log).as("and not uploaded into shop-mount/back")
                .noneMatch(l -> l.contains("PUT /v2/shop-mount/back/blobs/uploads/") && l.contains(hex));
        assertThat(log).as("but uploaded once into shop-mount/front")
                .anyMatch(l -> l.contains("PUT /v2/shop-mount/front/blobs/uploads/") && l.contains(hex));
        assertThat(cluster.registryClient().hasBlob("shop-mount/back", base.digest())).isTrue();
        assertThat(cluster.registryClient().manifest("shop-mount/back", "latest").orElseThrow().digest()).isEqualTo(back.digest());
    }
}
