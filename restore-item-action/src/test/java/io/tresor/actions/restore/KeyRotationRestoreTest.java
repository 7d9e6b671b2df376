package io.tresor.actions.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.actions.backup.ImageStreamCaptureAction;
import io.tresor.actions.cluster.ApiResources;
import io.tresor.actions.cluster.ImageActionContext;
import io.tresor.actions.cluster.ImageIndexPointer;
import io.tresor.actions.cluster.testing.ClusterFixture;
import io.tresor.actions.cluster.testing.ImageStreams;
import io.tresor.actions.cluster.testing.ImageStreams.Item;
import io.tresor.imagearchive.index.ImageIndex;
import io.tresor.imagearchive.index.ImageIndexCodec;
import io.tresor.imagearchive.index.TagItemRecord;
import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import io.tresor.imagearchive.registry.OciRegistryClient;
import io.tresor.imagearchive.s3.SseCustomerKey;
import io.tresor.imagearchive.testing.TestImages;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.RestoreItemRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key rotation through the actions: back up with key A, rotate the location's SSE-C key to B, back up again; the
 * first backup still restores with key A, and with only B configured it fails naming the fingerprints, touching nothing.
 */
class KeyRotationRestoreTest {
    static final byte[] KEY_A = ClusterFixture.KEY;
    static final byte[] KEY_B = "BBBBBBBBBBBBBBBB-rotated-key-0001".substring(0, 32).getBytes(StandardCharsets.US_ASCII);

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

    static ObjectNode capture(ObjectNode is, String backup) {
        cluster.create(ApiResources.BACKUP, ImageStreams.storedBackup(backup, "shop"));
        return new ImageStreamCaptureAction(() -> ctx).execute(new BackupItemRequest(is.deepCopy(), () -> ImageStreams.backup(backup, "shop"))).item();
    }

    static void restore(ObjectNode backedUp, String backup, String to) throws ActionException {
        ObjectNode restore = ImageStreams.restore("restore-" + to, backup, "shop", to);
        new ImageStreamRestoreAction(() -> ctx).execute(new RestoreItemRequest(ImageStreams.prepared(backedUp), () -> backedUp, () -> restore));
    }

    /** The index document of ImageStream {@code shop/rot} in {@code backup}. */
    static ImageIndex index(String backup, byte[] key) throws Exception {
        String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(key));
        byte[] bytes = cluster.s3().admin().getObjectAsBytes(b -> b.bucket(ClusterFixture.BUCKET)
                .key(ClusterFixture.PREFIX + "/plugins/tresor/backups/" + backup + "/imagestreams/shop/rot.json").sseCustomerAlgorithm("AES256")
                .sseCustomerKey(Base64.getEncoder().encodeToString(key))
                .sseCustomerKeyMD5(md5)).asByteArray();
        return ImageIndexCodec.read(bytes, backup);
    }

    /** Every object under the prefix with its ETag and time: what a silent re-upload or overwrite would change. */
    static Map<String, String> objects() {
        return cluster.s3().admin().listObjectsV2Paginator(b -> b.bucket(ClusterFixture.BUCKET).prefix(ClusterFixture.PREFIX + "/"))
                .contents().stream().collect(Collectors.toMap(o -> o.key(), o -> o.eTag() + " " + o.lastModified()));
    }

    static String fingerprint(byte[] key) {
        return SseCustomerKey.of(key, "test").fingerprint();
    }

    @Test
    void theFirstBackupRestoresWithItsOwnKeyAfterARotationAndFailsClearlyWithTheNewOne() throws Exception {
        TestImages images = new TestImages(cluster.registryClient(), 77);
        String repo = "shop/rot";
        TestImages.Pushed current = images.multiArch(repo, "latest", 90_000);
        TestImages.Pushed old = images.image(repo, null, true, "amd64", List.of(images.layer(repo, 50_000, true)));
        String host = cluster.registryHost();
        Map<String, List<Item>> history = new LinkedHashMap<>();
        history.put("latest", List.of(new Item(host + "/" + repo + "@" + current.digest(), current.digest().toString(), "2026-11-30T10:00:00Z"),
                new Item(host + "/" + repo + "@" + old.digest(), old.digest().toString(), "2026-11-01T10:00:00Z")));
        ObjectNode is = ImageStreams.imageStream("shop", "rot", host, history);
        String fpA = fingerprint(KEY_A);
        String fpB = fingerprint(KEY_B);

        ObjectNode first = capture(is, "rot-1");
        Map<String, String> underA = objects().entrySet().stream().filter(e -> e.getKey().contains("/k-" + fpA + "/"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(underA).isNotEmpty();

        cluster.replaceKey(KEY_B);
        try {
            ObjectNode second = capture(is, "rot-2");
            assertThat(first.path("metadata").path("annotations").has(ImageIndexPointer.INDEX_ANNOTATION)).isTrue();
            ImageIndex rot2 = index("rot-2", KEY_B);
            assertThat(rot2.keyFingerprint()).isEqualTo(fpB);
            assertThat(rot2.imageStreams().get(0).tags().get(0).items()).as("B cannot read A's blobs: uploaded again under B")
                    .extracting(TagItemRecord::outcome).containsOnly(Outcome.CAPTURED);
            Map<String, String> afterSecond = objects();
            assertThat(afterSecond).as("A's blobs untouched by the backup with B").containsAllEntriesOf(underA);
            assertThat(afterSecond.keySet().stream().filter(k -> k.contains("/k-" + fpB + "/")).map(k -> k.substring(k.lastIndexOf('/'))))
                    .containsExactlyInAnyOrderElementsOf(underA.keySet().stream().map(k -> k.substring(k.lastIndexOf('/'))).toList());

            // only key B configured: restoring the first backup fails clearly and changes nothing
            assertThatThrownBy(() -> restore(first, "rot-1", "shop-rot-b1"))
                    .isInstanceOf(ActionException.class)
                    .hasMessageContaining("ImageStream shop-rot-b1/rot")
                    .hasMessageContaining("backup rot-1 was archived with another SSE-C key than storage location " + ClusterFixture.LOCATION)
                    .hasMessageContaining("key fingerprint " + fpB)
                    .hasMessageContaining(fpA)
                    .hasMessageContaining("SSE-C key mismatch")
                    .hasMessageNotContaining(new String(KEY_A, StandardCharsets.US_ASCII))
                    .hasMessageNotContaining(new String(KEY_B, StandardCharsets.US_ASCII))
                    .hasMessageNotContaining(Base64.getEncoder().encodeToString(KEY_B));
            assertThat(objects()).as("no re-upload, no overwrite").isEqualTo(afterSecond);
            assertThat(cluster.registryClient().manifest("shop-rot-b1/rot", "latest")).as("nothing pushed").isEmpty();

            restore(second, "rot-2", "shop-rot-2");
            assertThat(cluster.registryClient().manifest("shop-rot-2/rot", "latest").orElseThrow().digest()).isEqualTo(current.digest());
        } finally {
            cluster.replaceKey(KEY_A);
        }

        // key A configured again (the admin's fix from the message): the first backup restores from A's blobs
        restore(first, "rot-1", "shop-rot-1");
        OciRegistryClient registry = cluster.registryClient();
        assertThat(registry.manifest("shop-rot-1/rot", "latest").orElseThrow().digest()).isEqualTo(current.digest());
        assertThat(registry.manifest("shop-rot-1/rot", old.digest().toString())).as("history by digest").isPresent();
        for (TestImages.Blob blob : current.blobs()) {
            assertThat(registry.hasBlob("shop-rot-1/rot", blob.digest())).isTrue();
        }
        assertThat(objects()).as("restores only read").containsAllEntriesOf(underA);
    }
}
