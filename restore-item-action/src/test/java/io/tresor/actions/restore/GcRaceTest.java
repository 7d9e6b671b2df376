package io.tresor.actions.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.actions.backup.ImageStreamCaptureAction;
import io.tresor.actions.backup.ImageStreamGcAction;
import io.tresor.actions.cluster.ApiResources;
import io.tresor.actions.cluster.ImageActionContext;
import io.tresor.actions.cluster.testing.ClusterFixture;
import io.tresor.actions.cluster.testing.ImageStreams;
import io.tresor.actions.cluster.testing.ImageStreams.Item;
import io.tresor.actions.restore.testing.S3CallHook;
import io.tresor.imagearchive.testing.TestImages;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.DeleteItemRequest;
import io.tresor.plugin.api.RestoreItemRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GC DIA racing the capture BIA (DESIGN §5): a second sweep pass deletes the blobs a deleted backup left, while a
 * capture of the next backup reuses them. Whatever the order, the next backup must stay fully restorable.
 */
class GcRaceTest {
    @TempDir
    static Path dir;
    static ClusterFixture cluster;
    static ImageActionContext ctx;

    @BeforeAll
    static void start() throws Exception {
        cluster = ClusterFixture.start(dir, false);
        ctx = cluster.context(Duration.ZERO); // passes may follow each other at once: only the protocol protects
    }

    @AfterAll
    static void stop() {
        S3CallHook.disarm();
        cluster.close();
    }

    static ObjectNode stream(String name) {
        TestImages images = new TestImages(cluster.registryClient(), name.hashCode());
        String repo = "shop/" + name;
        TestImages.Pushed current = images.multiArch(repo, "latest", 60_000);
        TestImages.Pushed old = images.image(repo, null, false, "amd64", List.of(images.layer(repo, 40_000, false)));
        String host = cluster.registryHost();
        Map<String, List<Item>> history = new LinkedHashMap<>();
        history.put("latest", List.of(new Item(host + "/" + repo + "@" + current.digest(), current.digest().toString(), "2026-11-30T10:00:00Z"),
                new Item(host + "/" + repo + "@" + old.digest(), old.digest().toString(), "2026-11-01T10:00:00Z")));
        return ImageStreams.imageStream("shop", name, host, history);
    }

    /** Captures {@code is} into {@code backup}; returns the ImageStream as it went into the backup. */
    static ObjectNode capture(ObjectNode is, String backup) {
        cluster.create(ApiResources.BACKUP, ImageStreams.storedBackup(backup, "shop"));
        ObjectNode item = new ImageStreamCaptureAction(() -> ctx).execute(new BackupItemRequest(is.deepCopy(),
                () -> ImageStreams.backup(backup, "shop"))).item();
        cluster.veleroBackupUploaded(backup);
        return item;
    }

    /** A sweep pass as a fresh plugin process runs it when Velero deletes {@code backup}. */
    static void gc(ObjectNode is, String backup) throws Exception {
        new ImageStreamGcAction(() -> ctx).execute(new DeleteItemRequest(is, () -> ImageStreams.backup(backup, "shop")));
    }

    @Test
    void aSweepDeletingMarkedBlobsWhileACaptureReusesThemLeavesTheNewBackupRestorable() throws Exception {
        ObjectNode is = stream("race");
        capture(is, "race-1");
        List<String> blobs = cluster.storedKeys("plugins/tresor/k-");
        gc(is, "race-1"); // pass 1: race-1's index goes, its blobs are marked
        assertThat(cluster.storedKeys("plugins/tresor/k-")).as("marked, not deleted").containsExactlyInAnyOrderElementsOf(blobs);

        // pass 2 would delete the marked blobs; the capture of race-2 starts after the pass made every check and
        // before its first deletion, and finds the blobs still there
        S3CallHook.Race race = S3CallHook.arm(Duration.ofSeconds(3));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        ObjectNode backedUp;
        try {
            Future<?> pass2 = pool.submit(() -> {
                gc(is, "race-1");
                return null;
            });
            assertThat(race.gcDeleting.await(60, TimeUnit.SECONDS)).as("pass 2 deletes the marked blobs").isTrue();
            backedUp = capture(is, "race-2");
            pass2.get(120, TimeUnit.SECONDS);
            assertThat(race.deletedAfterReuse()).as("the capture waited for the pass instead of reusing what it deletes").isFalse();
        } finally {
            S3CallHook.disarm();
            pool.shutdownNow();
        }

        ObjectNode restore = ImageStreams.restore("restore-race", "race-2", "shop", "shop-race");
        new ImageStreamRestoreAction(() -> ctx).execute(new RestoreItemRequest(ImageStreams.prepared(backedUp), () -> backedUp, () -> restore));
        assertThat(cluster.registryClient().manifest("shop-race/race", "latest")).as("race-2 restored").isPresent();
        assertThat(cluster.storedKeys("plugins/tresor/k-")).as("race-2 needs every blob").containsAll(blobs);
        assertThat(cluster.storedKeys("plugins/tresor/inprogress/")).isEmpty();
        assertThat(cluster.storedKeys("plugins/tresor/gc/")).allMatch(k -> k.endsWith("/gc/sweep.json"));
    }

    @Test
    void aSweepDuringACaptureInFlightHoldsEveryDeletion() throws Exception {
        ObjectNode is = stream("held");
        capture(is, "held-1");
        List<String> blobs = cluster.storedKeys("plugins/tresor/k-");
        gc(is, "held-1"); // pass 1 marks held-1's blobs

        // the capture of held-2 has written its in-progress root and is about to reuse the first marked blob
        S3CallHook.Race race = S3CallHook.pauseFirstBlobHead(Duration.ofSeconds(60));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        ObjectNode backedUp;
        try {
            Future<ObjectNode> capture = pool.submit(() -> capture(is, "held-2"));
            assertThat(race.headPaused.await(60, TimeUnit.SECONDS)).isTrue();
            gc(is, "held-1"); // pass 2 sees the live root
            assertThat(cluster.storedKeys("plugins/tresor/k-")).as("held while the capture runs").containsAll(blobs);
            race.resumeHead.countDown();
            backedUp = capture.get(120, TimeUnit.SECONDS);
        } finally {
            S3CallHook.disarm();
            pool.shutdownNow();
        }
        gc(is, "held-1"); // a later pass: held-2's index now references the blobs
        ObjectNode restore = ImageStreams.restore("restore-held", "held-2", "shop", "shop-held");
        new ImageStreamRestoreAction(() -> ctx).execute(new RestoreItemRequest(ImageStreams.prepared(backedUp), () -> backedUp, () -> restore));
        assertThat(cluster.registryClient().manifest("shop-held/held", "latest")).isPresent();
        assertThat(cluster.storedKeys("plugins/tresor/k-")).containsAll(blobs);
    }
}
